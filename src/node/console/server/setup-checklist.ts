/**
 * The setup checklist of Setup > Switchboard: package installed → call center configured → users
 * assigned → utility item → a test call. Each step is checked against the emulator's own data
 * (what an org's Setup would show) and names the Setup page that fixes it. The test call is the
 * browser's to place (web/echo-test-call.ts); here it only says what it will dial.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SWITCHBOARD_SECTION } from '../../../core/index.ts';
import { findApexPage } from './apex-pages.ts';
import type { ConsoleData } from './console-data.ts';
import { checkSwitchboardValues } from './switchboard-setup.ts';

export type StepState = 'done' | 'todo' | 'unknown';

export interface ChecklistStep {
  readonly id: 'package' | 'configured' | 'users' | 'utility' | 'test-call';
  readonly title: string;
  readonly state: StepState;
  readonly detail: string;
  /** Where it is fixed: the Setup page and its name. */
  readonly fix?: { readonly label: string; readonly href: string };
}

/** Whether the adapter URL leads to a connector this emulator serves (the package's part of it). */
export type ConnectorPageCheck = (adapterUrl: string) => { readonly state: StepState; readonly detail: string };

const CALL_CENTERS = { label: 'Call Centers', href: '/lightning/setup/CallCenters/home' };
const USERS = { label: 'Call Center Users', href: '/lightning/setup/CallCenterUsers/home' };

export function setupChecklist(data: ConsoleData, callCenterId: string, connectorPage: ConnectorPageCheck): ChecklistStep[] {
  const callCenter = data.callCenter(callCenterId);
  if (!callCenter) return [];
  const settings = data.callCenterSettings(callCenterId);
  const items = data.callCenterItems(callCenterId) ?? [];
  const steps: ChecklistStep[] = [];

  const adapter = callCenter.AdapterUrl ?? '';
  const page = adapter ? connectorPage(adapter) : { state: 'todo' as const, detail: 'The call center has no CTI Adapter URL.' };
  steps.push({ id: 'package', title: 'Connector installed', ...page, ...(page.state === 'done' ? {} : { fix: CALL_CENTERS }) });

  const problems = checkSwitchboardValues(items, {});
  const errors = problems.filter((p) => p.severity === 'error');
  const hasSection = items.some((i) => i.section === SWITCHBOARD_SECTION);
  steps.push(
    errors.length === 0 && hasSection
      ? {
          id: 'configured',
          title: 'Call center configured',
          state: 'done',
          detail: `${callCenter.Name}'s connector settings pass the Call Center linter${problems.length ? ` (${problems.length} warning${problems.length === 1 ? '' : 's'})` : ''}.`,
        }
      : {
          id: 'configured',
          title: 'Call center configured',
          state: 'todo',
          detail: `${errors.length || 'No'} ${errors.length ? `error${errors.length === 1 ? '' : 's'} from the Call Center linter: ${errors.map((e) => `${e.item} (${e.rule})`).join(', ')}` : 'connector settings yet'}.`,
          fix: { label: 'Switchboard settings', href: `/lightning/setup/Switchboard/home?callCenter=${encodeURIComponent(callCenterId)}` },
        },
  );

  const assigned = data.users().filter((u) => u.CallCenterId === callCenterId);
  const ephemeral = (settings[`/${SWITCHBOARD_SECTION}/credentialScheme`] ?? '').trim() === 'ephemeral';
  const noExtension = ephemeral ? assigned.filter((u) => !u.SwitchboardExtension__c) : [];
  steps.push(
    assigned.length === 0
      ? { id: 'users', title: 'Users assigned', state: 'todo', detail: `No user is assigned to ${callCenter.Name}: nobody gets the softphone.`, fix: USERS }
      : noExtension.length
        ? {
            id: 'users',
            title: 'Users assigned',
            state: 'todo',
            detail: `${assigned.length} assigned; without an extension (they cannot sign in with minted credentials): ${noExtension.map((u) => u.Name).join(', ')}.`,
            fix: USERS,
          }
        : {
            id: 'users',
            title: 'Users assigned',
            state: 'done',
            detail: `${assigned.length} assigned: ${assigned.map((u) => `${u.Name}${u.SwitchboardExtension__c ? ` (${u.SwitchboardExtension__c})` : ''}`).join(', ')}.`,
          },
  );

  // The emulator's Service Console has the Open CTI Softphone utility item built in, and loads its
  // panel when the app opens (background); it shows it for call centers available in Lightning.
  const mode = settings['/reqGeneralInfo/reqSalesforceCompatibilityMode'] ?? 'Classic';
  steps.push(
    mode === 'Lightning' || mode === 'Classic_and_Lightning'
      ? {
          id: 'utility',
          title: 'Utility item added, loaded in the background',
          state: 'done',
          detail: `The Service Console's Phone utility item (Open CTI Softphone) loads in the background when the app opens, and ${callCenter.Name} is available in Lightning (${mode}). In an org: App Manager > your console app > Utility Items > Open CTI Softphone, "Load in background when app opens".`,
        }
      : {
          id: 'utility',
          title: 'Utility item added, loaded in the background',
          state: 'todo',
          detail: `${callCenter.Name}'s compatibility mode is ${mode}: Lightning shows no softphone utility item for it. Re-import it with reqSalesforceCompatibilityMode Lightning (or Classic_and_Lightning).`,
          fix: CALL_CENTERS,
        },
  );

  steps.push({
    id: 'test-call',
    title: 'A test call',
    state: 'unknown',
    detail: 'Place a test call to the echo extension: it sends a tone and reports the audio sent, the audio received and how loud the tone came back.',
  });
  return steps;
}

/**
 * The emulator's stand-in for "the package is installed": the adapter URL names a page it serves
 * (the built connector at /softphone/, the package's Visualforce page, or a page of `apexDir`).
 */
export function connectorPageCheck(distDir: string, apexDir: string | undefined, vfOrigin: () => string): ConnectorPageCheck {
  return (adapterUrl) => {
    const path = adapterUrl.startsWith('/') ? adapterUrl : adapterUrl.startsWith(`${vfOrigin()}/`) ? adapterUrl.slice(vfOrigin().length) : undefined;
    if (path === undefined)
      return { state: 'unknown', detail: `The adapter URL ${adapterUrl} is hosted outside this org: open it to check that it serves the connector.` };
    const pathname = path.split(/[?#]/)[0]!;
    if (/^\/softphone(\/|\/index\.html)?$/.test(pathname)) {
      return existsSync(join(distDir, 'app', 'softphone', 'index.html'))
        ? { state: 'done', detail: `The connector is served at ${pathname} (the built connector page, as the package's static resource would).` }
        : { state: 'todo', detail: `The connector is not built: ${pathname} has nothing to serve (run npm run build).` };
    }
    const apex = /^\/apex\/([^/]+)$/.exec(pathname);
    if (apex) {
      return findApexPage(apexDir, decodeURIComponent(apex[1]!)).kind === 'page'
        ? { state: 'done', detail: `The Visualforce page ${apex[1]} exists.` }
        : {
            state: 'todo',
            detail: `The Visualforce page ${apex[1]} does not exist: deploy the package (switchboard package build, then sf project deploy start).`,
          };
    }
    return { state: 'todo', detail: `The adapter URL ${adapterUrl} is no page of this org.` };
  };
}

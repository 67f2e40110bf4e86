/**
 * The Classic console (`/console/classic`): the softphone in the left sidebar, loaded with
 * Classic's frame parameters (`sfdcIFrameOrigin`, `sfdcIFrameHost`, `nonce`, `isdtp`) and served
 * `interaction.js` semantics; the workspace on the right. Test hooks as on the Lightning page.
 */
import { h } from './dom.ts';
import { ApiClient } from './api-client.ts';
import { Workspace } from './workspace.ts';
import { ClassicHost } from './classic-host.ts';
import { softphoneUrl, clampInt } from './softphone-url.ts';

const BASE = '/lightning';

async function boot(): Promise<void> {
  const root = document.getElementById('console') ?? document.body;
  const userParam = new URLSearchParams(location.search).get('user') ?? undefined;
  const api = new ApiClient(userParam);
  const session = await api.session();
  const settings = session.settings ?? {};
  let host: ClassicHost | undefined;
  const sidebar = h('aside', { class: 'console-classic-sidebar', 'aria-label': 'Softphone sidebar' });
  const main = h('div', { class: 'console-classic-main' });
  const who = h('p', { class: 'console-classic-user' }, h('span', { 'aria-label': 'Signed-in user' }, session.user.Name), ' · ',
    h('a', { href: '/login?startURL=%2Fconsole%2Fclassic' }, 'Log in as another user'));
  root.append(h('div', { class: 'console-classic' }, h('div', {}, who, sidebar), main));
  const workspace = new Workspace(main, api, session, {
    onNavigation: (info) => host?.navigationChanged(info),
    onClickToDial: (e) => host?.clickToDial(e),
    onWorkStart: () => undefined,
    // Sales Engagement work is a Lightning Open CTI feature.
    canStartWork: () => false,
  }, BASE);
  workspace.pushHistory = false;
  const mode = settings['/reqGeneralInfo/reqSalesforceCompatibilityMode'] ?? 'Classic';
  const adapterUrl = settings['/reqGeneralInfo/reqAdapterUrl'] ?? session.callCenter?.AdapterUrl ?? '';
  let frame: HTMLIFrameElement | undefined;
  if (session.callCenter && adapterUrl && (mode === 'Classic' || mode === 'Classic_and_Lightning')) {
    const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    const url = softphoneUrl(adapterUrl, session.origins.vf, { sfdcIFrameOrigin: location.origin, sfdcIFrameHost: location.host, nonce, isdtp: 'vw' });
    const size = { width: clampInt(settings['/reqGeneralInfo/reqSoftphoneWidth'], 100, 1920, 300), height: clampInt(settings['/reqGeneralInfo/reqSoftphoneHeight'], 100, 2560, 480) };
    frame = h('iframe', { title: 'Softphone', allow: 'microphone; autoplay', src: url.href, style: `width:${size.width}px;height:${size.height}px` });
    host = new ClassicHost(frame, url.origin, api, session, workspace, size);
    sidebar.append(h('div', {}, frame));
  } else {
    sidebar.append(h('p', { role: 'note' }, session.callCenter ? `Call center ${session.callCenter.Name} is not available in Salesforce Classic (compatibility mode ${mode}).` : `${session.user.Name} is not assigned to a call center.`));
  }
  const w = window as unknown as Record<string, unknown>;
  w.__consoleLog = host ? host.log : [];
  w.__console = {
    session: () => session,
    currentTab: () => (workspace.active ? { ...workspace.active, info: workspace.info() } : null),
    tabs: () => workspace.tabs.map((t) => ({ ...t })),
    openRecords: () => workspace.tabs.filter((t) => t.kind === 'record').map((t) => t.recordId),
    clickToDialEnabled: () => workspace.clickToDial,
    softphoneUrl: () => frame?.src ?? null,
    navigate: (path: string) => workspace.navigate(path),
    ready: true,
  };
  await workspace.navigate(`${BASE}/page/home`);
  document.body.dataset.consoleReady = 'true';
}

boot().catch((e: unknown) => {
  document.body.append(h('div', { role: 'alert' }, `The console could not start: ${e instanceof Error ? e.message : String(e)}`));
});

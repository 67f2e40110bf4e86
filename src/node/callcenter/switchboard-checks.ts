/** The switchboard section: the items the Switchboard connector reads, their values and its secrets. */
import { checkItemValue, SWITCHBOARD_ITEMS, SWITCHBOARD_SECTION } from '../../core/index.ts';
import type { Reporter } from './lint-reporter.ts';
import type { ParsedSection } from './parsed-call-center.ts';
import { LOOPBACK_HOST } from './url-checks.ts';
import type { XmlElement } from './xml-tree.ts';

export function checkSwitchboard(section: ParsedSection | undefined, root: XmlElement, r: Reporter): void {
  if (!section) {
    r.report(
      'switchboard-section-missing',
      root.position,
      `There is no '${SWITCHBOARD_SECTION}' section: the Switchboard connector will not start without sipWebSocketUrl and sipDomain.`,
      'Generate the file with `switchboard callcenter build`, or add the section by hand (see `switchboard callcenter init`).',
    );
    return;
  }
  // Both switch how the password items are judged, wherever they stand in the section.
  const valueOf = (name: string): string =>
    section.items
      .find((i) => i.name === name)
      ?.value.trim()
      .toLowerCase() ?? '';
  const demo = valueOf('demoCallCenter') === 'true';
  const ephemeral = valueOf('credentialScheme') === 'ephemeral';
  for (const entry of section.items) {
    const spec = SWITCHBOARD_ITEMS.find((s) => s.name === entry.name);
    if (!spec) {
      const close = SWITCHBOARD_ITEMS.find((s) => s.name.toLowerCase() === entry.name.toLowerCase());
      r.report(
        'switchboard-item-unknown',
        entry.position,
        `The connector reads no item '${entry.name}'${close ? ` (did you mean '${close.name}'?)` : ''}.`,
        close ? `Rename it to '${close.name}'.` : `Remove it; known items: ${SWITCHBOARD_ITEMS.map((s) => s.name).join(', ')}.`,
      );
      continue;
    }
    const problem = checkItemValue(spec, entry.value);
    if (problem) {
      if (spec.required && entry.value === '')
        r.report(
          'switchboard-item-missing',
          entry.valuePosition,
          `${spec.name} is empty: ${spec.description}`,
          `Set ${spec.name}${spec.type === 'url' ? ' to wss://pbx.example.com:8089/ws' : ''}.`,
        );
      else r.report('switchboard-item-invalid', entry.valuePosition, problem, fixFor(spec.name, spec.type, spec.values, spec.min, spec.max));
      continue;
    }
    if (spec.name === 'sipWebSocketUrl') {
      const m = /^ws:\/\/([^/:]+|\[[^\]]+\])/i.exec(entry.value);
      if (m && !LOOPBACK_HOST.test(m[1] ?? ''))
        r.report(
          'sip-websocket-insecure',
          entry.valuePosition,
          `sipWebSocketUrl '${entry.value}' is unencrypted ws:// to another host: browsers block it from the https softphone page.`,
          `Use wss://${entry.value.slice(5)} (the phone system needs a TLS WebSocket listener).`,
        );
    }
    if (spec.name === 'sipIceServers') {
      const parsed: unknown = JSON.parse(entry.value || '[]');
      const ok =
        Array.isArray(parsed) &&
        parsed.every(
          (s) => typeof s === 'object' && s !== null && (typeof (s as { urls?: unknown }).urls === 'string' || Array.isArray((s as { urls?: unknown }).urls)),
        );
      if (!ok)
        r.report(
          'switchboard-item-invalid',
          entry.valuePosition,
          'sipIceServers must be a JSON array of {"urls": …} objects.',
          'Write e.g. [{"urls":"stun:stun.example.com:3478"}], or [] for none.',
        );
    }
    if (spec.secret && entry.value !== '') {
      if (demo)
        r.report(
          'secret-in-file',
          entry.valuePosition,
          `${spec.name} is set in a call center marked demoCallCenter: every agent assigned to it can read it through getCallCenterSettings, which only a demo may accept.`,
          'Never assign real agents to this call center; for a real one set credentialScheme to ephemeral and leave sipPassword empty.',
          'warning',
        );
      else
        r.report(
          'secret-in-file',
          entry.valuePosition,
          `${spec.name} is set in the call center: every agent assigned to it can read it through getCallCenterSettings, and it lands in the Call Center files kept in source control.`,
          `Set credentialScheme to ephemeral (Salesforce mints short-lived credentials for each agent) or to agent (each agent types their own), and remove ${spec.name}; only a call center marked demoCallCenter true may hold a shared password.`,
        );
    }
    if (ephemeral && (spec.name === 'sipUsername' || spec.name === 'sipPassword') && entry.value !== '') {
      r.report(
        'credentials-ignored',
        entry.valuePosition,
        `${spec.name} is set, but credentialScheme is ephemeral: the connector signs each agent in with credentials Salesforce mints and ignores ${spec.name}.`,
        `Remove ${spec.name}.`,
      );
    }
  }
  for (const spec of SWITCHBOARD_ITEMS) {
    if (spec.required && !section.items.some((i) => i.name === spec.name)) {
      r.report(
        'switchboard-item-missing',
        section.position,
        `The ${SWITCHBOARD_SECTION} section has no ${spec.name}: ${spec.description}`,
        `Add <item name="${spec.name}" label="${spec.label}">…</item> (or the Metadata <items> equivalent).`,
      );
    }
  }
}

function fixFor(name: string, type: string, values: readonly string[] | undefined, min: number | undefined, max: number | undefined): string {
  switch (type) {
    case 'boolean':
      return `Set ${name} to true or false.`;
    case 'integer':
      return `Set ${name} to a whole number${min !== undefined ? ` from ${min}` : ''}${max !== undefined ? ` to ${max}` : ''}.`;
    case 'enum':
      return `Set ${name} to one of: ${values?.join(', ')}.`;
    case 'json':
      return `Write ${name} as valid JSON.`;
    case 'pairs':
      return `Write ${name} as key:Label pairs separated by semicolons, e.g. a:First;b:Second.`;
    case 'url':
      return `Write ${name} as a full URL, e.g. wss://pbx.example.com:8089/ws.`;
    default:
      return `Correct ${name}.`;
  }
}

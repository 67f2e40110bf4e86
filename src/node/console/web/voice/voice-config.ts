/**
 * The Salesforce side's configuration of a Voice call center, as pure functions: whether a call
 * center is a Voice one, the SETUP_CONNECTOR config Salesforce adds to its items, which parent
 * origins the base library accepts, the org's My Domain name, the Omni-Channel statuses as SCV
 * statuses, and the wrap-up dispositions.
 */
import type { AgentStatus } from './voice-protocol.ts';

/** A Voice call center (contract): it has an SCV Settings section (`reqHvcc`) and a vendor info API name. */
export function isVoiceCallCenter(settings: Readonly<Record<string, string>> | null | undefined): boolean {
  if (!settings) return false;
  return Object.keys(settings).some((k) => k.startsWith('/reqHvcc/')) && Boolean(settings['/reqGeneralInfo/reqVendorInfoApiName']);
}

export interface ConnectorConfigContext {
  readonly acwAllowed: boolean;
  readonly orgDomainName: string;
  readonly phoneServiceChannelId: string;
}

/** SETUP_CONNECTOR's connectorConfig: every call center item by slash key, plus what Salesforce adds. */
export function connectorConfig(settings: Readonly<Record<string, string>>, ctx: ConnectorConfigContext): Record<string, string | boolean> {
  return { ...settings, isACWAllowed: ctx.acwAllowed, orgDomainName: ctx.orgDomainName, phoneServiceChannelId: ctx.phoneServiceChannelId };
}

/**
 * Whether the real base library accepts SETUP_CONNECTOR from a parent at `origin`: it compares
 * `protocol//hostname` (port ignored) with Salesforce's host names and drops anything else.
 */
export function baseLibraryAcceptsOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  const host = url.hostname;
  const suffixes = ['.lightning.force.com', '.lightning.pc-rnd.force.com', '.stm.force.com', '.vf.force.com', '.salesforce.com', '.my.salesforce-sites.com'];
  return (
    suffixes.some((x) => host.endsWith(x) && host.length > x.length) ||
    /\blightning\.\w+\.soma\.force\.com$/.test(host) ||
    /\.lightning\.localhost\.\w+\.force\.com$/.test(host)
  );
}

/** The org's My Domain host name as Salesforce gives it, from the console's Lightning origin. */
export function orgDomainName(lightningOrigin: string): string {
  const host = new URL(lightningOrigin).hostname;
  return host.endsWith('.lightning.force.com') ? `${host.slice(0, -'.lightning.force.com'.length)}.my.salesforce.com` : host;
}

/** The Omni-Channel statuses (Available, each away reason as a busy status, Offline) as SCV statuses. */
export function omniStatuses(awayReasons: readonly { id: string; label: string }[]): { key: string; status: AgentStatus }[] {
  const id = (n: number): string => `0N5${String(n).padStart(12, '0')}`;
  return [
    { key: 'available', status: { agentStatus: 'Online', statusId: id(1), statusApiName: 'Available', statusName: 'Available' } },
    ...awayReasons.map((r, i) => ({
      key: `away:${r.id}`,
      status: { agentStatus: 'Online' as const, statusId: id(10 + i), statusApiName: r.id, statusName: r.label },
    })),
    { key: 'offline', status: { agentStatus: 'Offline', statusId: id(2), statusApiName: 'Offline', statusName: 'Offline' } },
  ];
}

/** The disposition list of wrap-up: the call center's `/switchboard/dispositionCodes` (code:Label;…). */
export function dispositions(settings: Readonly<Record<string, string>>): { code: string; label: string }[] {
  const raw = settings['/switchboard/dispositionCodes'] ?? 'Resolved:Resolved;FollowUp:Follow-up needed;Voicemail:Left voicemail;WrongNumber:Wrong number';
  return raw
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf(':');
      return i < 0 ? { code: p, label: p } : { code: p.slice(0, i).trim(), label: p.slice(i + 1).trim() || p.slice(0, i).trim() };
    })
    .filter((d) => d.code);
}

/**
 * The demo org's Salesforce Voice contact center (`startConsole({surface: 'voice'})`, `--surface
 * voice`): SwitchboardVoice, whose connector is the Voice page this emulator serves at
 * `<Visualforce origin>/voice/`, with the same phone-system items (`switchboard` section) as the
 * demo Open CTI call center, assigned to the demo agents. Made once; a later start keeps it (and
 * an admin's edits) and only reassigns the agents.
 */
import type { ConsoleData } from './console-data.ts';
import { VOICE_VF_NAMESPACE, VOICE_VF_PAGE } from './visualforce-remoting.ts';

export const DEMO_VOICE_CALL_CENTER = {
  internalName: 'SwitchboardVoice',
  displayName: 'Switchboard Voice',
  adapterUrl: '/voice/',
  vendorInfoApiName: 'switchboard__SwitchboardVoice',
} as const;
/**
 * The adapter URL when the console has a SIP secret: the connector as the package's Visualforce page,
 * which mints ephemeral credentials by JavaScript remoting (visualforce-remoting.ts); /voice/ cannot.
 */
export const DEMO_VOICE_VF_ADAPTER_URL = `/apex/${VOICE_VF_NAMESPACE}__${VOICE_VF_PAGE}`;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/**
 * Ensures the Voice contact center exists and the users (default: every user with a call center)
 * use it. `certificate` is the Telephony Integration Certificate (PEM) the voice bridge's key signs for.
 * `ephemeral` (the console has a SIP secret, so the Open CTI demo's items it copies say
 * `credentialScheme: ephemeral`): the adapter URL is the Visualforce page form, which can mint; a
 * later start moves a demo adapter URL (either form, not an admin's own) to the one that fits.
 */
export function useDemoVoiceCallCenter(data: ConsoleData, options: { certificate?: string; userIds?: readonly string[]; ephemeral?: boolean } = {}): string {
  let cc = data.callCenters().find((c) => c.InternalName === DEMO_VOICE_CALL_CENTER.internalName);
  const adapterUrl = options.ephemeral ? DEMO_VOICE_VF_ADAPTER_URL : DEMO_VOICE_CALL_CENTER.adapterUrl;
  if (!cc) {
    const openCti = data.callCenters().find((c) => c.InternalName === 'SwitchboardDemo');
    const phoneSystem = (openCti ? (data.callCenterItems(openCti.Id) ?? []) : []).filter((i) => i.section === 'switchboard');
    const general: [string, string, string][] = [
      ['reqInternalName', 'Internal Name', DEMO_VOICE_CALL_CENTER.internalName],
      ['reqDisplayName', 'Display Name', DEMO_VOICE_CALL_CENTER.displayName],
      ['reqAdapterUrl', 'CTI Adapter URL', adapterUrl],
      ['reqVendorInfoApiName', 'Conversation Vendor Info Developer Name', DEMO_VOICE_CALL_CENTER.vendorInfoApiName],
    ];
    const xml = `<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
${general.map(([n, l, v], i) => `    <item sortOrder="${i}" name="${n}" label="${esc(l)}">${esc(v)}</item>`).join('\n')}
  </section>
  <section sortOrder="1" name="reqHvcc" label="SCV Settings">
    <item sortOrder="0" name="reqTelephonyIntegrationCertificate" label="Telephony Integration Certificate">${esc(options.certificate ?? '')}</item>
    <item sortOrder="1" name="reqLongDistPrefix" label="Long Distance Prefix"></item>
  </section>
  <section sortOrder="2" name="switchboard" label="Switchboard Connector">
${phoneSystem.map((i, n) => `    <item sortOrder="${n}" name="${esc(i.item)}" label="${esc(i.label ?? i.item)}">${esc(i.value)}</item>`).join('\n')}
  </section>
</callCenter>
`;
    cc = data.importCallCenter(xml);
  } else {
    if (options.certificate !== undefined) data.setCallCenterItem(cc.Id, 'reqHvcc', 'reqTelephonyIntegrationCertificate', options.certificate);
    const current = data.callCenterSettings(cc.Id)['/reqGeneralInfo/reqAdapterUrl'];
    if (options.ephemeral !== undefined && current !== adapterUrl && (current === DEMO_VOICE_CALL_CENTER.adapterUrl || current === DEMO_VOICE_VF_ADAPTER_URL)) {
      data.setCallCenterItem(cc.Id, 'reqGeneralInfo', 'reqAdapterUrl', adapterUrl);
    }
  }
  const users =
    options.userIds ??
    data
      .users()
      .filter((u) => u.CallCenterId)
      .map((u) => u.Id);
  for (const id of users) data.assignCallCenter(id, cc.Id);
  return cc.Id;
}

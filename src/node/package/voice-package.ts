/**
 * The Salesforce DX project of a Salesforce Voice contact center (config `surface: voice`):
 *
 *   sfdx-project.json                                         namespace = the vendor info API name's
 *   force-app/main/default/
 *     callCenters/<Name>.callCenter-meta.xml                  the contact center (reqHvcc with the certificate)
 *     ConversationVendorInformation/<Dev>.ConversationVendorInformation-meta.xml
 *                                                             the telephony provider: vendorType, connectorUrl…
 *     cspTrustedSites/SwitchboardVoiceConnector…              frame-src + microphone for the connector's origin
 *     permissionsets/SwitchboardVoiceAgent…, SwitchboardVoiceAdmin…
 *   README.md                                                 the admin steps
 *
 * No Visualforce page, static resource, Omni-Channel bridge or call-log Apex: under Salesforce Voice
 * the connector is a hosted page (`/voice/`), and Salesforce owns presence, the VoiceCall record,
 * screen pop and after-call work. Files are generated here and checked by the package builder.
 */
import { buildMetadataXml, escapeXml, metadataFileName } from '../callcenter/build.ts';
import type { CallCenterDefinition, VoiceDefinition } from '../callcenter/definition.ts';
import { METADATA_NAMESPACE, VENDOR_INFO_API_NAME, VOICE_VENDOR_TYPE } from '../callcenter/salesforce-names.ts';
import { metadataXml, XML_DECL } from './metadata-xml.ts';

export const VOICE_AGENT_PERMISSION_SET = 'SwitchboardVoiceAgent';
export const VOICE_ADMIN_PERMISSION_SET = 'SwitchboardVoiceAdmin';
export const VOICE_CONNECTOR_SITE = 'SwitchboardVoiceConnector';
export const VENDOR_INFO_FOLDER = 'ConversationVendorInformation';
export const VENDOR_INFO_SUFFIX = '.ConversationVendorInformation-meta.xml';

/**
 * The ConversationVendorInfo capabilities, each needing an Apex integration class
 * (service_cloud_voice.* interfaces) and a Named Credential the package does not ship: all off.
 */
export const VOICE_CAPABILITIES: Readonly<Record<string, boolean>> = {
  agentSSOSupported: false,
  einsteinConversationInsightsSupported: false,
  namedCredentialSupported: false,
  partnerContactCenterListSupported: false,
  partnerTransferDestinationsSupported: false,
  userSyncingSupported: false,
};

/**
 * Salesforce's own permission sets a Voice user needs besides ours (they carry the Voice licences'
 * rights: the phone in the console, VoiceCall records, contact center setup).
 */
export const STANDARD_VOICE_PERMISSION_SETS = {
  agent: 'Contact Center Agent',
  supervisor: 'Contact Center Supervisor',
  admin: 'Contact Center Admin (Partner Telephony)',
} as const;

export interface VoicePackageFile {
  /** Relative to the project root. */
  readonly path: string;
  readonly content: string;
}

/** Namespace and developer name of the vendor info API name (the config loader has checked its form). */
export function splitVendorInfoApiName(apiName: string): { namespace: string; developerName: string } {
  const m = VENDOR_INFO_API_NAME.exec(apiName);
  if (!m?.[1] || !m[2]) throw new Error(`'${apiName}' is not <namespace>__<developer name>.`);
  return { namespace: m[1], developerName: m[2] };
}

export function voicePackageFiles(def: CallCenterDefinition, voice: VoiceDefinition, connectorUrl: string, apiVersion: string, packageDir: string): VoicePackageFile[] {
  const { namespace, developerName } = splitVendorInfoApiName(voice.vendorInfoApiName);
  const files: VoicePackageFile[] = [];
  const add = (path: string, content: string): void => {
    files.push({ path: path === 'sfdx-project.json' || path === 'README.md' ? path : `${packageDir}/${path}`, content });
  };
  // The contact center names the vendor info as <namespace>__<name>: it resolves only when the
  // package is deployed under that namespace.
  add('sfdx-project.json', `${JSON.stringify({
    packageDirectories: [{ path: 'force-app', default: true }],
    name: `switchboard-${def.internalName}`,
    namespace,
    sfdcLoginUrl: 'https://login.salesforce.com',
    sourceApiVersion: apiVersion,
  }, null, 2)}\n`);
  const callCenter: CallCenterDefinition = { ...def, adapterUrl: connectorUrl };
  add(`callCenters/${metadataFileName(callCenter)}`, buildMetadataXml(callCenter));
  const vendorFields: [string, string][] = [
    ...Object.entries(VOICE_CAPABILITIES).map(([k, v]): [string, string] => [k, String(v)]),
    // The connector signs agents in to the phone system itself; Salesforce calls no vendor server.
    ['clientAuthMode', 'Custom'],
    ['connectorUrl', connectorUrl],
    ['developerName', developerName],
    ['masterLabel', def.displayName],
    ['serverAuthMode', 'None'],
    ['vendorType', VOICE_VENDOR_TYPE],
  ];
  add(`${VENDOR_INFO_FOLDER}/${developerName}${VENDOR_INFO_SUFFIX}`, metadataXml('ConversationVendorInfo', vendorFields.sort(([a], [b]) => a.localeCompare(b))));
  // Lightning frames the connector from this origin; with the org's Permissions-Policy limiting the
  // microphone to Trusted URLs, the origin needs canAccessMicrophone (API 59.0+).
  add(`cspTrustedSites/${VOICE_CONNECTOR_SITE}.cspTrustedSite-meta.xml`, metadataXml('CspTrustedSite', [
    ...(Number(apiVersion) >= 59 ? [['canAccessCamera', 'false'], ['canAccessMicrophone', 'true']] as [string, string][] : []),
    ['context', 'All'],
    ['description', 'Where the Switchboard Voice connector is hosted: framed by the console, needs the microphone.'],
    ['endpointUrl', new URL(connectorUrl).origin],
    ['isActive', 'true'],
    ['isApplicableToConnectSrc', 'false'],
    ['isApplicableToFontSrc', 'false'],
    ['isApplicableToFrameSrc', 'true'],
    ['isApplicableToImgSrc', 'false'],
    ['isApplicableToMediaSrc', 'false'],
    ['isApplicableToStyleSrc', 'false'],
  ]));
  add(`permissionsets/${VOICE_AGENT_PERMISSION_SET}.permissionset-meta.xml`, permissionSet(
    'Switchboard Voice Agent',
    `Agents taking calls through the Switchboard Voice connector: read and edit their VoiceCall records (disposition, notes). Assign together with Salesforce's ${STANDARD_VOICE_PERMISSION_SETS.agent} permission set.`,
    { allowCreate: false, allowDelete: false, allowEdit: true, allowRead: true, modifyAllRecords: false, viewAllRecords: false },
  ));
  add(`permissionsets/${VOICE_ADMIN_PERMISSION_SET}.permissionset-meta.xml`, permissionSet(
    'Switchboard Voice Admin',
    `Admins of the Switchboard Voice contact center: every VoiceCall record, to check what the voice bridge created. Assign together with Salesforce's ${STANDARD_VOICE_PERMISSION_SETS.admin} permission set.`,
    { allowCreate: false, allowDelete: false, allowEdit: true, allowRead: true, modifyAllRecords: false, viewAllRecords: true },
  ));
  add('README.md', voiceReadme(def, voice, connectorUrl, namespace, developerName));
  return files;
}

function permissionSet(label: string, description: string, voiceCall: Readonly<Record<string, boolean>>): string {
  return [
    XML_DECL,
    `<PermissionSet xmlns="${METADATA_NAMESPACE}">`,
    `    <description>${escapeXml(description)}</description>`,
    '    <hasActivationRequired>false</hasActivationRequired>',
    `    <label>${escapeXml(label)}</label>`,
    '    <objectPermissions>',
    // Salesforce writes the fields in alphabetical order, <object> among them.
    ...[...Object.entries(voiceCall).map(([k, v]): [string, string] => [k, String(v)]), ['object', 'VoiceCall'] as [string, string]]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `        <${k}>${v}</${k}>`),
    '    </objectPermissions>',
    '</PermissionSet>',
    '',
  ].join('\n');
}

function voiceReadme(def: CallCenterDefinition, voice: VoiceDefinition, connectorUrl: string, namespace: string, developerName: string): string {
  const s = STANDARD_VOICE_PERMISSION_SETS;
  return `# Switchboard for Salesforce Voice (partner telephony)

This project installs **${def.displayName}** as a Salesforce Voice contact center whose telephony
provider is Switchboard: Salesforce draws the phone in the console and owns the VoiceCall record,
screen pop, presence and after-call work; the Switchboard connector at ${connectorUrl} carries the
audio (SIP over WebSocket to your phone system); the Switchboard **voice bridge** tells Salesforce
about each inbound call (Telephony Integration REST API) before the phone rings.

Contents: the ConversationVendorInfo \`${namespace}__${developerName}\` (vendorType
ServiceCloudVoicePartner, connectorUrl ${connectorUrl}), the contact center \`${def.internalName}\`
with its Telephony Integration Certificate, a Trusted URL for the connector's origin (frame and
microphone), and the permission sets **Switchboard Voice Agent** and **Switchboard Voice Admin**.

## Admin steps

1. **Partner telephony.** The org needs Service Cloud Voice with the partner telephony add-on
   (scratch orgs: feature \`ServiceCloudVoicePartnerTelephony\`). In Setup > Feature Settings >
   Service > Voice > Voice Setup, turn Voice on.
2. **Namespace.** The contact center names its provider \`${namespace}__${developerName}\`, so deploy
   under the namespace \`${namespace}\` (sfdx-project.json has it; the org or the package must own it):
   \`sf project deploy start\` in this folder.
3. **Contact center.** The deploy creates it. Without the Metadata API, import the contact center
   file that \`switchboard callcenter build\` writes (\`${def.internalName}.xml\`) in Setup > Contact
   Centers > Import, and pick Switchboard as the telephony provider.
4. **Certificate.** The contact center's SCV Settings hold the certificate from
   \`${voice.certificateFile}\` (reqTelephonyIntegrationCertificate), valid until
   ${voice.certificateNotAfter.toISOString().slice(0, 10)}. Its private key stays on the voice bridge's
   host and nowhere in Salesforce. Before it expires make a new pair (\`switchboard voice-bridge
   keygen\`), deploy again (or paste the new certificate in Setup > Contact Centers > SCV Settings)
   and restart the bridge with the new key.
5. **Users.** Assign Salesforce's **${s.agent}** permission set and **Switchboard Voice Agent** to
   every agent (supervisors: **${s.supervisor}**), **${s.admin}** and **Switchboard Voice Admin** to
   the admins. Add the agents to the contact center (Setup > Contact Centers > ${def.internalName} >
   Contact Center Users) and give each a SIP extension the connector registers with.
6. **Omni-Channel.** Voice routes calls through Omni-Channel: give the agents a presence status
   with the phone channel and the contact center's queues.
7. **Voice bridge.** Run \`switchboard voice-bridge\` beside the phone system with the private key,
   the org id, the contact center's internal name \`${def.internalName}\` (the JWT subject) and the
   Telephony Integration REST API URL (https://<My Domain>.my.salesforce-scrt.com/telephony/v1). The
   phone system posts each inbound call to it (POST /v1/calls with the SIP Call-ID as vendorCallKey),
   adds the header \`X-Salesforce-VoiceCall-Id\` it answers to the INVITE it forks to agents, and
   posts /v1/calls/{vendorCallKey}/end when the call ends.
8. **Check.** Open the console as an agent, go online in Omni-Channel and call the contact center's
   number: the call rings in Salesforce's phone with the caller's VoiceCall.
`;
}

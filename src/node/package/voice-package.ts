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
 * With the connector hosted in the org (no https adapter URL and no --external-url), also
 *
 *     staticresources/SwitchboardVoice.resource             the built Voice connector (dist/app/voice), zipped
 *     pages/SwitchboardVoice.page                           the page the ConversationVendorInfo names: /apex/<ns>__SwitchboardVoice
 *     classes/SwitchboardCredentials(.cls, Test.cls)        mints ephemeral SIP credentials; the page calls its
 *                                                           @RemoteAction mintForVoice by Visualforce JavaScript remoting
 *     objects/SwitchboardPhoneSecret__mdt/, objects/User/fields/SwitchboardExtension__c…
 *     cspTrustedSites/SwitchboardSipWebSocket…              connect-src for the SIP WebSocket host
 *
 * Under Salesforce Voice there is no Open CTI (no runApex): a connector that needs Apex must run in
 * a Visualforce page, whose JavaScript remoting is how its scripts call Apex as the signed-in user.
 * The page names the remote action in a meta tag (VOICE_MINT_META) the connector reads, so the
 * resolved name carries the package's namespace. No Omni-Channel bridge or call-log Apex: Salesforce
 * owns presence, the VoiceCall record, screen pop and after-call work. Files are generated here and
 * checked by the package builder.
 */
import { packageFileList, sfdxProjectJson } from './package-files.ts';
import { buildMetadataXml, escapeXml, metadataFileName } from '../callcenter/build.ts';
import type { CallCenterDefinition, VoiceDefinition } from '../callcenter/definition.ts';
import { METADATA_NAMESPACE, VENDOR_INFO_API_NAME, VOICE_VENDOR_TYPE } from '../callcenter/salesforce-names.ts';
import { metadataXml, XML_DECL } from './metadata-xml.ts';
import {
  CREDENTIALS_APEX,
  CREDENTIALS_APEX_CLASS,
  CREDENTIALS_APEX_TEST,
  CREDENTIALS_APEX_TEST_CLASS,
  CREDENTIALS_REMOTE_ACTION,
  credentialsMetadata,
  EXTENSION_FIELD,
  PHONE_SECRET_RECORD,
  PHONE_SECRET_TYPE,
} from './credentials-apex.ts';

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

export const VOICE_PAGE_NAME = 'SwitchboardVoice';
export const VOICE_RESOURCE_NAME = 'SwitchboardVoice';
/**
 * The meta tag whose content is the resolved remote action that mints credentials (e.g.
 * `switchboard.SwitchboardCredentials.mintForVoice`); the connector reads it (same name in
 * src/crm/salesforce-voice/visualforce-remoting.ts).
 */
export const VOICE_MINT_META = 'switchboard-remote-mint';

/** The head tags of the Voice page that hand the connector its remote action. */
export function voicePageHead(): string[] {
  return [`<meta name="${VOICE_MINT_META}" content="{!$RemoteAction.${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_REMOTE_ACTION}}"/>`];
}

/** The connector built into the package: the page, its static resource, the SIP WebSocket origin. */
export interface HostedVoiceConnector {
  readonly page: string;
  readonly zip: Buffer;
  readonly webSocketOrigin: string | undefined;
}

export interface VoicePackageFile {
  /** Relative to the project root. */
  readonly path: string;
  readonly content: string | Buffer;
}

/** Namespace and developer name of the vendor info API name (the config loader has checked its form). */
export function splitVendorInfoApiName(apiName: string): { namespace: string; developerName: string } {
  const m = VENDOR_INFO_API_NAME.exec(apiName);
  if (!m?.[1] || !m[2]) throw new Error(`'${apiName}' is not <namespace>__<developer name>.`);
  return { namespace: m[1], developerName: m[2] };
}

/**
 * `connector`: an https URL where the connector is hosted, or the connector built into the package
 * (its ConversationVendorInfo then names the page, `/apex/<namespace>__SwitchboardVoice`).
 */
export function voicePackageFiles(
  def: CallCenterDefinition,
  voice: VoiceDefinition,
  connector: string | HostedVoiceConnector,
  apiVersion: string,
  packageDir: string,
): VoicePackageFile[] {
  const { namespace, developerName } = splitVendorInfoApiName(voice.vendorInfoApiName);
  const hosted = typeof connector === 'string' ? undefined : connector;
  const connectorUrl = typeof connector === 'string' ? connector : `/apex/${namespace}__${VOICE_PAGE_NAME}`;
  const { files, add } = packageFileList(packageDir);
  // The contact center names the vendor info as <namespace>__<name>: it resolves only when the
  // package is deployed under that namespace.
  add('sfdx-project.json', sfdxProjectJson(def.internalName, namespace, apiVersion));
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
  add(
    `${VENDOR_INFO_FOLDER}/${developerName}${VENDOR_INFO_SUFFIX}`,
    metadataXml(
      'ConversationVendorInfo',
      vendorFields.sort(([a], [b]) => a.localeCompare(b)),
    ),
  );
  if (hosted) addHostedConnector(add, hosted, apiVersion);
  // Lightning frames the connector from this origin; with the org's Permissions-Policy limiting the
  // microphone to Trusted URLs, the origin needs canAccessMicrophone (API 59.0+). A page of the org
  // is on its own Visualforce domain, which needs no Trusted URL.
  if (!hosted)
    add(
      `cspTrustedSites/${VOICE_CONNECTOR_SITE}.cspTrustedSite-meta.xml`,
      metadataXml('CspTrustedSite', [
        ...(Number(apiVersion) >= 59
          ? ([
              ['canAccessCamera', 'false'],
              ['canAccessMicrophone', 'true'],
            ] as [string, string][])
          : []),
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
      ]),
    );
  add(
    `permissionsets/${VOICE_AGENT_PERMISSION_SET}.permissionset-meta.xml`,
    permissionSet(
      'Switchboard Voice Agent',
      hosted
        ? `Agents taking calls through the Switchboard Voice connector: the connector page, the class that mints their SIP credentials, their own SIP extension (read only), and their VoiceCall records (read, edit disposition and notes). Assign together with Salesforce's ${STANDARD_VOICE_PERMISSION_SETS.agent} permission set.`
        : `Agents taking calls through the Switchboard Voice connector: read and edit their VoiceCall records (disposition, notes). Assign together with Salesforce's ${STANDARD_VOICE_PERMISSION_SETS.agent} permission set.`,
      { allowCreate: false, allowDelete: false, allowEdit: true, allowRead: true, modifyAllRecords: false, viewAllRecords: false },
      hosted ? { apexClass: CREDENTIALS_APEX_CLASS, apexPage: VOICE_PAGE_NAME } : undefined,
    ),
  );
  add(
    `permissionsets/${VOICE_ADMIN_PERMISSION_SET}.permissionset-meta.xml`,
    permissionSet(
      'Switchboard Voice Admin',
      `Admins of the Switchboard Voice contact center: every VoiceCall record, to check what the voice bridge created. Assign together with Salesforce's ${STANDARD_VOICE_PERMISSION_SETS.admin} permission set.`,
      { allowCreate: false, allowDelete: false, allowEdit: true, allowRead: true, modifyAllRecords: false, viewAllRecords: true },
    ),
  );
  add('README.md', voiceReadme(def, voice, connectorUrl, namespace, developerName) + (hosted ? HOSTED_README : ''));
  return files;
}

/** The static resource and page of a connector built into the package, the credential Apex and metadata. */
function addHostedConnector(add: (path: string, content: string | Buffer) => void, hosted: HostedVoiceConnector, apiVersion: string): void {
  add(`staticresources/${VOICE_RESOURCE_NAME}.resource`, hosted.zip);
  add(
    `staticresources/${VOICE_RESOURCE_NAME}.resource-meta.xml`,
    metadataXml('StaticResource', [
      ['cacheControl', 'Private'],
      ['contentType', 'application/zip'],
      ['description', 'The Switchboard Salesforce Voice connector (built files).'],
    ]),
  );
  add(`pages/${VOICE_PAGE_NAME}.page`, hosted.page);
  add(
    `pages/${VOICE_PAGE_NAME}.page-meta.xml`,
    metadataXml('ApexPage', [
      ['apiVersion', apiVersion],
      ['availableInTouch', 'false'],
      ['confirmationTokenRequired', 'false'],
      [
        'description',
        'Hosts the Switchboard Salesforce Voice connector (the ConversationVendorInfo connectorUrl); mints SIP credentials by JavaScript remoting.',
      ],
      ['label', VOICE_PAGE_NAME],
    ]),
  );
  for (const [name, source] of [
    [CREDENTIALS_APEX_CLASS, CREDENTIALS_APEX],
    [CREDENTIALS_APEX_TEST_CLASS, CREDENTIALS_APEX_TEST],
  ] as const) {
    add(`classes/${name}.cls`, source);
    add(
      `classes/${name}.cls-meta.xml`,
      metadataXml('ApexClass', [
        ['apiVersion', apiVersion],
        ['status', 'Active'],
      ]),
    );
  }
  for (const m of credentialsMetadata()) add(m.path, metadataXml(m.type, m.fields));
  if (hosted.webSocketOrigin) {
    add(
      'cspTrustedSites/SwitchboardSipWebSocket.cspTrustedSite-meta.xml',
      metadataXml('CspTrustedSite', [
        ['context', 'All'],
        ['description', 'SIP over WebSocket endpoint of the phone system (connect-src for the Voice connector page).'],
        ['endpointUrl', hosted.webSocketOrigin],
        ['isActive', 'true'],
        ['isApplicableToConnectSrc', 'true'],
        ['isApplicableToFontSrc', 'false'],
        ['isApplicableToFrameSrc', 'false'],
        ['isApplicableToImgSrc', 'false'],
        ['isApplicableToMediaSrc', 'false'],
        ['isApplicableToStyleSrc', 'false'],
      ]),
    );
  }
}

/** `access`: the page and class an agent needs when the connector is hosted in the org. */
function permissionSet(
  label: string,
  description: string,
  voiceCall: Readonly<Record<string, boolean>>,
  access?: { apexClass: string; apexPage: string },
): string {
  return [
    XML_DECL,
    `<PermissionSet xmlns="${METADATA_NAMESPACE}">`,
    ...(access ? ['    <classAccesses>', `        <apexClass>${access.apexClass}</apexClass>`, '        <enabled>true</enabled>', '    </classAccesses>'] : []),
    `    <description>${escapeXml(description)}</description>`,
    // Read only: the extension is what the credentials are minted for, set by an admin.
    ...(access
      ? [
          '    <fieldPermissions>',
          '        <editable>false</editable>',
          `        <field>User.${EXTENSION_FIELD}</field>`,
          '        <readable>true</readable>',
          '    </fieldPermissions>',
        ]
      : []),
    '    <hasActivationRequired>false</hasActivationRequired>',
    `    <label>${escapeXml(label)}</label>`,
    '    <objectPermissions>',
    // Salesforce writes the fields in alphabetical order, <object> among them.
    ...[...Object.entries(voiceCall).map(([k, v]): [string, string] => [k, String(v)]), ['object', 'VoiceCall'] as [string, string]]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `        <${k}>${v}</${k}>`),
    '    </objectPermissions>',
    ...(access ? ['    <pageAccesses>', `        <apexPage>${access.apexPage}</apexPage>`, '        <enabled>true</enabled>', '    </pageAccesses>'] : []),
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

const HOSTED_README = `
## The connector page and short-lived SIP credentials

The connector runs in the Visualforce page **${VOICE_PAGE_NAME}** (its built files are the static
resource ${VOICE_RESOURCE_NAME}); the ConversationVendorInfo's connectorUrl names it. With
\`credentialScheme: ephemeral\` no agent types a SIP password: the page calls the Apex method
\`${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_REMOTE_ACTION}\` by Visualforce JavaScript remoting (Salesforce
Voice has no Open CTI runApex) and signs in with a username \`<expiry>:<extension>\` and the password
base64(HMAC-SHA1(secret, username)), renewed before it expires. Admin steps:

1. Configure a long random secret in the phone system (Kamailio \`auth_ephemeral\`), and the same
   value in Setup > Custom Metadata Types > **Switchboard Phone Secret** > record \`${PHONE_SECRET_RECORD}\`
   (\`${PHONE_SECRET_TYPE}\`, field Secret; Credential Lifetime (s) as you wish). Keep the org
   setting **Restrict access to custom metadata types** on.
2. Set **SIP Extension** (\`User.${EXTENSION_FIELD}\`) on each agent's user record.
3. The **Switchboard Voice Agent** permission set gives agents the page and the class.
4. The page has no Content-Security-Policy of its own: Visualforce adds its remoting scripts to it,
   so the org's policy (Trusted URLs) applies; the SIP WebSocket host is a Trusted URL with connect-src.
`;

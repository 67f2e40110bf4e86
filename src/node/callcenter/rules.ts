/**
 * The linter's rule catalog: one stable id per rule, its severity and what it protects against.
 * Ids are part of the tool's contract (JSON output, docs, tests): never rename one, add new ones.
 */
export type Severity = 'error' | 'warning';

export interface RuleSpec {
  readonly severity: Severity;
  readonly summary: string;
}

export const RULES = {
  'xml-not-well-formed': { severity: 'error', summary: 'The file is not well-formed XML; nothing else is checked until it is.' },
  'wrong-root': { severity: 'error', summary: 'The root element is neither <callCenter> (Setup import) nor <CallCenter> (Metadata API).' },
  'format-mixed': { severity: 'error', summary: 'Elements, attributes or the file name of one format used in the other (Setup import vs Metadata API).' },
  'metadata-xmlns': { severity: 'error', summary: 'A Metadata API <CallCenter> must be in the http://soap.sforce.com/2006/04/metadata namespace.' },
  'metadata-file-name': { severity: 'warning', summary: 'Metadata API files are named callCenters/<InternalName>.callCenter-meta.xml.' },
  'metadata-field-missing': { severity: 'error', summary: 'A field the Metadata API requires (displayNameLabel, internalNameLabel) is missing.' },
  'duplicate-element': { severity: 'error', summary: 'A single-valued element appears more than once.' },
  'wrong-nesting': { severity: 'error', summary: 'An element sits at the wrong level (e.g. <item> outside a <section>).' },
  'unexpected-element': { severity: 'error', summary: 'An element the format does not define.' },
  'unexpected-text': { severity: 'warning', summary: 'Text where the format expects only elements; Salesforce ignores it.' },
  'unknown-attribute': { severity: 'warning', summary: 'An attribute the format does not define; Salesforce ignores it.' },
  'no-sections': { severity: 'error', summary: 'A call center needs at least one section.' },
  'empty-section': { severity: 'error', summary: 'A section needs at least one item.' },
  'sort-order-missing': { severity: 'error', summary: 'Every section and item needs a sortOrder attribute.' },
  'sort-order-invalid': { severity: 'error', summary: 'sortOrder must be a non-negative whole number (0, 1, 2…).' },
  'sort-order-duplicate': { severity: 'error', summary: 'Two siblings share a sortOrder.' },
  'sort-order-gap': { severity: 'error', summary: 'sortOrders must run 0, 1, 2… without gaps.' },
  'name-missing': { severity: 'error', summary: 'Every section and item needs a name.' },
  'name-too-long': { severity: 'error', summary: 'Names are at most 40 characters.' },
  'name-not-alphanumeric': { severity: 'error', summary: 'Names are letters and digits only.' },
  'name-duplicate': { severity: 'error', summary: 'Two sections, or two items of one section, share a name.' },
  'name-reserved': { severity: 'error', summary: 'label, sortOrder, internalNameLabel and displayNameLabel are reserved names.' },
  'req-name-unknown': {
    severity: 'warning',
    summary:
      "A req-prefixed name Salesforce does not define: Setup imports it (vendor files and Salesforce's own samples use some), but the prefix is meant for Salesforce's sections and items.",
  },
  'custom-item-in-req-section': { severity: 'warning', summary: 'A custom item inside a Salesforce section; put custom items in your own section.' },
  'label-too-long': { severity: 'error', summary: 'Labels are at most 1,000 characters.' },
  'general-info-missing': { severity: 'error', summary: 'The reqGeneralInfo section is required.' },
  'general-info-order': { severity: 'warning', summary: 'reqGeneralInfo comes first, with reqInternalName at 0 and reqDisplayName at 1.' },
  'internal-name-missing': { severity: 'error', summary: 'reqInternalName is required and must be set in the file.' },
  'internal-name-invalid': { severity: 'error', summary: 'reqInternalName is at most 40 letters and digits and starts with a letter.' },
  'display-name-missing': { severity: 'error', summary: 'reqDisplayName is required.' },
  'adapter-url-missing': { severity: 'error', summary: 'reqAdapterUrl is the page Salesforce loads as the softphone.' },
  'adapter-url-invalid': { severity: 'error', summary: 'The adapter URL is neither an absolute https URL nor a path like /apex/Page.' },
  'adapter-url-not-https': { severity: 'error', summary: 'Lightning loads the softphone only from https.' },
  'adapter-url-localhost': { severity: 'warning', summary: 'An http://localhost adapter URL only works for local development (e.g. the console emulator).' },
  'adapter-url-relative': { severity: 'warning', summary: 'A relative Visualforce URL needs the page deployed, and CSP/cross-origin set-up for its assets.' },
  'adapter-url-mismatch': { severity: 'warning', summary: 'The Metadata adapterUrl field and the reqAdapterUrl item disagree.' },
  'use-api': { severity: 'error', summary: 'reqUseApi must be true for an Open CTI softphone.' },
  'compatibility-mode-missing': {
    severity: 'error',
    summary: 'Without reqSalesforceCompatibilityMode Salesforce assumes Classic and Lightning shows no phone.',
  },
  'compatibility-mode-classic': { severity: 'error', summary: 'Classic hides the softphone in Lightning Experience.' },
  'compatibility-mode-invalid': { severity: 'error', summary: 'reqSalesforceCompatibilityMode is Classic, Lightning or Classic_and_Lightning.' },
  'standby-without-timeout': { severity: 'error', summary: 'reqStandbyUrl requires reqTimeout.' },
  'timeout-without-standby': { severity: 'error', summary: 'reqTimeout requires reqStandbyUrl.' },
  'timeout-invalid': { severity: 'error', summary: 'reqTimeout is a positive number of milliseconds.' },
  'softphone-size-invalid': { severity: 'error', summary: 'reqSoftphoneHeight and reqSoftphoneWidth are whole numbers of pixels.' },
  'softphone-height-range': { severity: 'error', summary: 'Lightning softphone height is 240–2560 px.' },
  'softphone-width-range': { severity: 'error', summary: 'Lightning softphone width is 200–1920 px.' },
  'dialing-prefix-invalid': { severity: 'error', summary: 'Dialing prefixes are digits only.' },
  'custom-settings-invalid': { severity: 'error', summary: 'customSettings is a JSON object of string values.' },
  'switchboard-section-missing': { severity: 'warning', summary: 'Without the switchboard section the Switchboard connector has no phone-system settings.' },
  'switchboard-item-missing': { severity: 'error', summary: 'A required item of the switchboard section is missing or empty.' },
  'switchboard-item-invalid': { severity: 'error', summary: 'A switchboard item has a value its type does not allow.' },
  'switchboard-item-unknown': { severity: 'warning', summary: 'An item the Switchboard connector does not read (typo?).' },
  'sip-websocket-insecure': { severity: 'warning', summary: 'ws:// to a non-loopback host is blocked by browsers on an https page.' },
  'secret-in-file': {
    severity: 'error',
    summary: 'A shared sipPassword is readable by every agent assigned to the call center; refused unless demoCallCenter is true (then a warning).',
  },
  'credentials-ignored': { severity: 'warning', summary: 'With credentialScheme ephemeral, sipUsername and sipPassword are ignored.' },
  'voice-vendor-info-missing': {
    severity: 'error',
    summary: 'A Salesforce Voice contact center names its ConversationVendorInfo in reqGeneralInfo/reqVendorInfoApiName.',
  },
  'voice-vendor-info-invalid': { severity: 'error', summary: 'reqVendorInfoApiName is <namespace>__<developer name> of a ConversationVendorInfo.' },
  'voice-certificate-missing': {
    severity: 'error',
    summary: 'A Salesforce Voice contact center needs reqHvcc/reqTelephonyIntegrationCertificate to verify the Telephony Integration REST API JWTs.',
  },
  'voice-certificate-private-key': {
    severity: 'error',
    summary: 'The certificate item holds a private key, readable by every admin and agent of the contact center.',
  },
  'voice-certificate-invalid': { severity: 'error', summary: 'The Telephony Integration Certificate is not a parsable X.509 certificate (PEM).' },
  'voice-certificate-not-rsa': { severity: 'error', summary: 'The Telephony Integration REST API takes RS256 JWTs: the certificate must be of an RSA key.' },
  'voice-certificate-expired': { severity: 'error', summary: 'The Telephony Integration Certificate has expired: Salesforce refuses the JWTs of its key.' },
  'voice-certificate-expiring': { severity: 'warning', summary: 'The Telephony Integration Certificate expires within 30 days.' },
  'voice-adapter-url-missing': {
    severity: 'warning',
    summary: 'Without reqAdapterUrl the console emulator has no Voice connector page to load (an org takes it from ConversationVendorInfo.connectorUrl).',
  },
  'voice-opencti-item': { severity: 'warning', summary: 'An Open CTI softphone item or section in a Salesforce Voice contact center, where it means nothing.' },
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;

export interface LintProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  readonly rule: RuleId;
  readonly message: string;
  readonly fix: string;
}

/** `file.xml:12:5 error sort-order-gap Message. Fix: how.` */
export function formatProblem(p: LintProblem): string {
  return `${p.file}:${p.line}:${p.column} ${p.severity} ${p.rule} ${p.message} Fix: ${p.fix}`;
}

export function sortProblems<T extends { line: number; column: number }>(problems: T[]): T[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

export function hasErrors(problems: readonly { severity: Severity }[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

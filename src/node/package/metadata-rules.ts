/**
 * Format rules for the Salesforce metadata files `switchboard package build` writes, one row per
 * metadata type: where the file lives, its root element and namespace, the child elements it
 * requires and allows, and type-specific value checks. The builder checks its own output with
 * these rules before writing, and the tests check every generated file against them.
 */
import { lintCallCenter } from '../callcenter/lint.ts';
import { METADATA_NAMESPACE, VOICE_VENDOR_TYPE } from '../callcenter/salesforce-names.ts';
import { parseXml, type XmlElement } from '../callcenter/xml-tree.ts';

export interface MetadataProblem {
  readonly path: string;
  readonly message: string;
}

export interface MetadataTypeRule {
  readonly type: string;
  /** Matches the path relative to the package directory (force-app/main/default). */
  readonly path: RegExp;
  readonly root: string;
  readonly required: readonly string[];
  readonly allowed: readonly string[];
  readonly check?: (root: XmlElement, path: string) => string[];
}

const API_VERSION = /^\d{2}\.0$/;
/** The LightningComponentBundle targets the package's components declare. */
const LWC_TARGETS = ['lightning__Tab', 'lightning__AppPage', 'lightning__HomePage', 'lightning__RecordPage', 'lightning__UtilityBar'];
const text = (root: XmlElement, name: string): string | undefined => root.children.find((c) => c.name === name)?.text.trim();
const oneOf = (root: XmlElement, name: string, values: readonly string[]): string[] => {
  const v = text(root, name);
  return v === undefined || values.includes(v) ? [] : [`<${name}> is '${v}', expected one of ${values.join(', ')}.`];
};
const bool = (root: XmlElement, ...names: string[]): string[] => names.flatMap((n) => oneOf(root, n, ['true', 'false']));
const apiVersion = (root: XmlElement): string[] => {
  const v = text(root, 'apiVersion');
  return v === undefined || API_VERSION.test(v) ? [] : [`<apiVersion> '${v}' is not NN.0.`];
};

export const METADATA_RULES: readonly MetadataTypeRule[] = [
  {
    type: 'CallCenter',
    path: /^callCenters\/[A-Za-z][A-Za-z0-9]*\.callCenter-meta\.xml$/,
    root: 'CallCenter',
    required: ['adapterUrl', 'displayName', 'displayNameLabel', 'internalNameLabel', 'sections'],
    allowed: [
      'fullName',
      'adapterUrl',
      'contactCenterChannels',
      'customSettings',
      'displayName',
      'displayNameLabel',
      'internalNameLabel',
      'sections',
      'version',
    ],
  },
  {
    type: 'StaticResource',
    path: /^staticresources\/[A-Za-z][A-Za-z0-9_]*\.resource-meta\.xml$/,
    root: 'StaticResource',
    required: ['cacheControl', 'contentType'],
    allowed: ['cacheControl', 'contentType', 'description'],
    check: (root) => oneOf(root, 'cacheControl', ['Private', 'Public']),
  },
  {
    type: 'ApexPage',
    path: /^pages\/[A-Za-z][A-Za-z0-9_]*\.page-meta\.xml$/,
    root: 'ApexPage',
    required: ['apiVersion', 'label'],
    allowed: ['apiVersion', 'availableInTouch', 'confirmationTokenRequired', 'description', 'label', 'packageVersions'],
    check: (root) => [...apiVersion(root), ...bool(root, 'availableInTouch', 'confirmationTokenRequired')],
  },
  {
    type: 'CspTrustedSite',
    path: /^cspTrustedSites\/[A-Za-z][A-Za-z0-9_]*\.cspTrustedSite-meta\.xml$/,
    root: 'CspTrustedSite',
    required: ['endpointUrl', 'isActive', 'context'],
    allowed: [
      'canAccessCamera',
      'canAccessMicrophone',
      'context',
      'description',
      'endpointUrl',
      'isActive',
      'isApplicableToConnectSrc',
      'isApplicableToFontSrc',
      'isApplicableToFrameSrc',
      'isApplicableToImgSrc',
      'isApplicableToMediaSrc',
      'isApplicableToStyleSrc',
    ],
    check: (root) => {
      const problems = [
        ...oneOf(root, 'context', ['All', 'LEX', 'Communities', 'VisualForce']),
        ...bool(
          root,
          'canAccessCamera',
          'canAccessMicrophone',
          'isActive',
          'isApplicableToConnectSrc',
          'isApplicableToFontSrc',
          'isApplicableToFrameSrc',
          'isApplicableToImgSrc',
          'isApplicableToMediaSrc',
          'isApplicableToStyleSrc',
        ),
      ];
      const url = text(root, 'endpointUrl') ?? '';
      if (!/^(https?|wss?):\/\/[^/\s]+$/.test(url)) problems.push(`<endpointUrl> '${url}' is not a scheme://host[:port] origin.`);
      return problems;
    },
  },
  {
    type: 'LightningMessageChannel',
    path: /^messageChannels\/[A-Za-z][A-Za-z0-9_]*\.messageChannel-meta\.xml$/,
    root: 'LightningMessageChannel',
    required: ['masterLabel', 'isExposed'],
    allowed: ['description', 'isExposed', 'lightningMessageFields', 'masterLabel'],
    check: (root) => [
      ...bool(root, 'isExposed'),
      ...root.children
        .filter((c) => c.name === 'lightningMessageFields')
        .flatMap((f) => (f.children.some((c) => c.name === 'fieldName' && c.text.trim() !== '') ? [] : ['<lightningMessageFields> without a <fieldName>.'])),
    ],
  },
  {
    type: 'AuraDefinitionBundle',
    path: /^aura\/[A-Za-z][A-Za-z0-9_]*\/[A-Za-z][A-Za-z0-9_]*\.cmp-meta\.xml$/,
    root: 'AuraDefinitionBundle',
    required: ['apiVersion'],
    allowed: ['apiVersion', 'description', 'packageVersions'],
    check: apiVersion,
  },
  {
    type: 'LightningComponentBundle',
    path: /^lwc\/[a-z][A-Za-z0-9_]*\/[a-z][A-Za-z0-9_]*\.js-meta\.xml$/,
    root: 'LightningComponentBundle',
    required: ['apiVersion', 'isExposed'],
    allowed: ['apiVersion', 'description', 'isExposed', 'masterLabel', 'targets', 'targetConfigs', 'capabilities'],
    check: (root) => {
      const targets = root.children.filter((c) => c.name === 'targets').flatMap((t) => t.children.filter((c) => c.name === 'target').map((c) => c.text.trim()));
      return [
        ...apiVersion(root),
        ...bool(root, 'isExposed'),
        ...targets
          .filter((t) => !LWC_TARGETS.includes(t))
          .map((t) => `<target> '${t}' is not a Lightning page or app target this package uses (${LWC_TARGETS.join(', ')}).`),
        // Salesforce refuses targets on a component that is not exposed.
        ...(targets.length && text(root, 'isExposed') !== 'true' ? ['<targets> need <isExposed>true</isExposed>.'] : []),
      ];
    },
  },
  {
    // Only Lightning component tabs are generated: the tab's file name is its API name.
    type: 'CustomTab',
    path: /^tabs\/[A-Za-z][A-Za-z0-9_]*\.tab-meta\.xml$/,
    root: 'CustomTab',
    required: ['label', 'lwcComponent', 'motif'],
    allowed: ['description', 'label', 'lwcComponent', 'motif'],
    check: (root) => {
      const problems: string[] = [];
      if (!/^[a-z][A-Za-z0-9_]*$/.test(text(root, 'lwcComponent') ?? ''))
        problems.push(`<lwcComponent> '${text(root, 'lwcComponent') ?? ''}' is not a Lightning web component name.`);
      if (!/^Custom\d+: \S/.test(text(root, 'motif') ?? '')) problems.push(`<motif> '${text(root, 'motif') ?? ''}' is not a tab style like 'Custom53: Bell'.`);
      return problems;
    },
  },
  {
    type: 'ApexClass',
    path: /^classes\/[A-Za-z][A-Za-z0-9_]*\.cls-meta\.xml$/,
    root: 'ApexClass',
    required: ['apiVersion', 'status'],
    allowed: ['apiVersion', 'packageVersions', 'status'],
    check: (root) => [...apiVersion(root), ...oneOf(root, 'status', ['Active', 'Deleted', 'Deprecated', 'Inactive'])],
  },
  {
    type: 'PermissionSet',
    path: /^permissionsets\/[A-Za-z][A-Za-z0-9_]*\.permissionset-meta\.xml$/,
    root: 'PermissionSet',
    required: ['label'],
    allowed: [
      'applicationVisibilities',
      'classAccesses',
      'customMetadataTypeAccesses',
      'customPermissions',
      'description',
      'fieldPermissions',
      'hasActivationRequired',
      'label',
      'license',
      'objectPermissions',
      'pageAccesses',
      'recordTypeVisibilities',
      'tabSettings',
      'userPermissions',
    ],
    check: (root) => [
      ...root.children.filter((c) => c.name === 'objectPermissions').flatMap(checkObjectPermissions),
      ...bool(root, 'hasActivationRequired'),
      ...root.children
        .filter((c) => c.name === 'classAccesses')
        .flatMap((p) => (text(p, 'apexClass') && text(p, 'enabled') ? [] : ['<classAccesses> needs <apexClass> and <enabled>.'])),
      ...root.children
        .filter((c) => c.name === 'pageAccesses')
        .flatMap((p) => (text(p, 'apexPage') && text(p, 'enabled') ? [] : ['<pageAccesses> needs <apexPage> and <enabled>.'])),
      ...root.children
        .filter((c) => c.name === 'fieldPermissions')
        .flatMap((p) => {
          const field = text(p, 'field') ?? '';
          return /^[A-Za-z]+\.[A-Za-z0-9_]+$/.test(field) && text(p, 'readable') && text(p, 'editable')
            ? []
            : [`<fieldPermissions> '${field}' needs Object.Field, <readable> and <editable>.`];
        }),
      ...root.children
        .filter((c) => c.name === 'tabSettings')
        .flatMap((p) =>
          text(p, 'tab') && ['Available', 'Visible', 'None'].includes(text(p, 'visibility') ?? '')
            ? []
            : ['<tabSettings> needs <tab> and <visibility> Available, Visible or None.'],
        ),
      ...root.children
        .filter((c) => c.name === 'customMetadataTypeAccesses')
        .flatMap((p) => (text(p, 'name') && text(p, 'enabled') ? [] : ['<customMetadataTypeAccesses> needs <name> and <enabled>.'])),
    ],
  },
  {
    // The telephony provider of a Salesforce Voice contact center (partner telephony). Folder and
    // suffix as Salesforce's partner-telephony quickstart lays them out.
    type: 'ConversationVendorInfo',
    path: /^ConversationVendorInformation\/[A-Za-z][A-Za-z0-9_]*\.ConversationVendorInformation-meta\.xml$/,
    root: 'ConversationVendorInfo',
    required: ['connectorUrl', 'developerName', 'masterLabel', 'vendorType'],
    allowed: [
      'agentSSOSupported',
      'bridgeComponent',
      'clientAuthMode',
      'connectorUrl',
      'customConfig',
      'customIconId',
      'customLoginUrl',
      'developerName',
      'einsteinConversationInsightsSupported',
      'integrationClass',
      'masterLabel',
      'namedCredential',
      'namedCredentialSupported',
      'partnerContactCenterListSupported',
      'partnerTransferDestinationsSupported',
      'serverAuthMode',
      'userSyncingSupported',
      'vendorType',
    ],
    check: checkVendorInfo,
  },
  {
    // Only custom metadata types are generated as objects; their folder and file carry the __mdt name.
    type: 'CustomObject',
    path: /^objects\/[A-Za-z][A-Za-z0-9_]*__mdt\/[A-Za-z][A-Za-z0-9_]*__mdt\.object-meta\.xml$/,
    root: 'CustomObject',
    required: ['label', 'pluralLabel', 'visibility'],
    allowed: ['description', 'label', 'pluralLabel', 'visibility'],
    check: (root, path) => {
      const [, folder, file] = /^objects\/([^/]+)\/([^/]+)\.object-meta\.xml$/.exec(path) ?? [];
      return [
        ...oneOf(root, 'visibility', ['Public', 'Protected', 'PackageProtected']),
        ...(folder === file ? [] : [`The folder '${folder ?? ''}' and the file '${file ?? ''}' must name the same type.`]),
      ];
    },
  },
  {
    type: 'CustomField',
    path: /^objects\/[A-Za-z][A-Za-z0-9_]*\/fields\/[A-Za-z][A-Za-z0-9_]*__c\.field-meta\.xml$/,
    root: 'CustomField',
    required: ['fullName', 'label', 'type'],
    allowed: [
      'fullName',
      'caseSensitive',
      'defaultValue',
      'description',
      'externalId',
      'fieldManageability',
      'inlineHelpText',
      'label',
      'length',
      'precision',
      'required',
      'scale',
      'type',
      'unique',
    ],
    check: checkField,
  },
];

const FIELD_TYPES = ['Checkbox', 'Date', 'DateTime', 'Email', 'LongTextArea', 'Number', 'Percent', 'Phone', 'Picklist', 'Text', 'TextArea', 'Url'];

/** A custom field: its full name is its file's name; Text needs a length, Number a precision and scale. */
function checkField(root: XmlElement, path: string): string[] {
  const problems = [...oneOf(root, 'type', FIELD_TYPES), ...bool(root, 'caseSensitive', 'externalId', 'required', 'unique')];
  const fileName = /([^/]+)\.field-meta\.xml$/.exec(path)?.[1];
  const fullName = text(root, 'fullName');
  if (fullName !== fileName) problems.push(`<fullName> '${fullName ?? ''}' is not the file's name '${fileName ?? ''}'.`);
  const type = text(root, 'type');
  if (type === 'Text' && !/^\d+$/.test(text(root, 'length') ?? '')) problems.push('A Text field needs a <length>.');
  if (type === 'Number' && !(/^\d+$/.test(text(root, 'precision') ?? '') && /^\d+$/.test(text(root, 'scale') ?? '')))
    problems.push('A Number field needs <precision> and <scale>.');
  const onMetadataType = /^objects\/[^/]+__mdt\//.test(path);
  if (text(root, 'fieldManageability') !== undefined && !onMetadataType) problems.push('<fieldManageability> exists only on custom metadata type fields.');
  problems.push(...oneOf(root, 'fieldManageability', ['DeveloperControlled', 'SubscriberControlled', 'Locked']));
  return problems;
}

const VENDOR_CAPABILITIES = [
  'agentSSOSupported',
  'einsteinConversationInsightsSupported',
  'namedCredentialSupported',
  'partnerContactCenterListSupported',
  'partnerTransferDestinationsSupported',
  'userSyncingSupported',
];

function checkVendorInfo(root: XmlElement, path: string): string[] {
  const problems = [
    ...oneOf(root, 'vendorType', [VOICE_VENDOR_TYPE]),
    ...oneOf(root, 'clientAuthMode', ['SSO', 'Custom', 'Mixed']),
    ...oneOf(root, 'serverAuthMode', ['OAuth', 'None']),
    ...bool(root, ...VENDOR_CAPABILITIES),
  ];
  const fileName = /([^/]+)\.ConversationVendorInformation-meta\.xml$/.exec(path)?.[1];
  const developerName = text(root, 'developerName');
  if (developerName !== fileName) problems.push(`<developerName> '${developerName ?? ''}' is not the file's name '${fileName ?? ''}'.`);
  const url = text(root, 'connectorUrl') ?? '';
  if (!/^https:\/\/[^/\s]+/.test(url) && !/^\/apex\/[A-Za-z][A-Za-z0-9_]*$/.test(url))
    problems.push(`<connectorUrl> '${url}' is neither an https URL nor /apex/<namespace>__<page>.`);
  // Salesforce's guide: these capabilities work only through the Apex integration class and a Named Credential.
  const needsCredential = VENDOR_CAPABILITIES.filter((c) => c !== 'namedCredentialSupported' && text(root, c) === 'true');
  if (needsCredential.length && text(root, 'namedCredentialSupported') !== 'true')
    problems.push(`${needsCredential.join(', ')} need namedCredentialSupported true.`);
  if (VENDOR_CAPABILITIES.some((c) => text(root, c) === 'true') && !text(root, 'integrationClass'))
    problems.push('A capability set to true needs the <integrationClass> that implements it.');
  return problems;
}

const OBJECT_PERMISSIONS = ['allowCreate', 'allowDelete', 'allowEdit', 'allowRead', 'modifyAllRecords', 'viewAllRecords'];

/** One object's permissions: every flag given, and none that needs another missing (edit needs read…). */
function checkObjectPermissions(p: XmlElement): string[] {
  const object = text(p, 'object') ?? '';
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(object)) return [`<objectPermissions> needs an <object>, got '${object}'.`];
  const problems = [...bool(p, ...OBJECT_PERMISSIONS)];
  const missing = OBJECT_PERMISSIONS.filter((f) => text(p, f) === undefined);
  if (missing.length) problems.push(`<objectPermissions> of ${object} lacks ${missing.join(', ')}.`);
  const on = (f: string): boolean => text(p, f) === 'true';
  const needs: [string, string][] = [
    ['allowEdit', 'allowRead'],
    ['allowCreate', 'allowRead'],
    ['allowDelete', 'allowEdit'],
    ['viewAllRecords', 'allowRead'],
    ['modifyAllRecords', 'allowDelete'],
    ['modifyAllRecords', 'viewAllRecords'],
  ];
  for (const [flag, needed] of needs) if (on(flag) && !on(needed)) problems.push(`<objectPermissions> of ${object}: ${flag} needs ${needed}.`);
  return problems;
}

export function ruleFor(path: string): MetadataTypeRule | undefined {
  return METADATA_RULES.find((r) => r.path.test(path));
}

/** Checks one `*-meta.xml` file against its type's rules. `path` is relative to force-app/main/default. */
export function checkMetadataFile(path: string, content: string): MetadataProblem[] {
  const rule = ruleFor(path);
  if (!rule) return [{ path, message: 'No metadata rule matches this path (wrong folder or suffix).' }];
  const { root, errors } = parseXml(content);
  if (errors.length || !root) return errors.map((e) => ({ path, message: `${e.position.line}:${e.position.column} not well-formed: ${e.message}` }));
  const problems: string[] = [];
  if (!content.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) problems.push('Missing the <?xml version="1.0" encoding="UTF-8"?> declaration.');
  if (root.name !== rule.root) problems.push(`Root is <${root.name}>, expected <${rule.root}>.`);
  if (root.uri !== METADATA_NAMESPACE) problems.push(`Root namespace is '${root.uri}', expected ${METADATA_NAMESPACE}.`);
  for (const name of rule.required) if (!root.children.some((c) => c.name === name)) problems.push(`Missing required <${name}>.`);
  for (const c of root.children) if (!rule.allowed.includes(c.name)) problems.push(`<${c.name}> is not a field of ${rule.type}.`);
  problems.push(...(rule.check?.(root, path) ?? []));
  if (rule.type === 'CallCenter') {
    for (const p of lintCallCenter(content, path.split('/').pop() ?? path).problems) {
      if (p.severity === 'error') problems.push(`${p.line}:${p.column} ${p.rule} ${p.message}`);
    }
  }
  return problems.map((message) => ({ path, message }));
}

/** Checks the shape of sfdx-project.json. */
export function checkSfdxProject(content: string): MetadataProblem[] {
  const path = 'sfdx-project.json';
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (e) {
    return [{ path, message: `Not JSON: ${e instanceof Error ? e.message : String(e)}` }];
  }
  const problems: string[] = [];
  const obj = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const dirs = obj['packageDirectories'];
  if (!Array.isArray(dirs) || dirs.length === 0) problems.push('packageDirectories must be a non-empty array.');
  else {
    const defaults = dirs.filter((d) => typeof d === 'object' && d !== null && (d as Record<string, unknown>)['default'] === true);
    if (defaults.length !== 1) problems.push(`packageDirectories must have exactly one default, found ${defaults.length}.`);
    for (const d of dirs) if (typeof (d as Record<string, unknown>)['path'] !== 'string') problems.push('Every package directory needs a path.');
  }
  const version = obj['sourceApiVersion'];
  if (typeof version !== 'string' || !API_VERSION.test(version)) problems.push(`sourceApiVersion must be a string "NN.0", got ${JSON.stringify(version)}.`);
  return problems.map((message) => ({ path, message }));
}

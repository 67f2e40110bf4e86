/**
 * Builds a Salesforce DX project that installs the connector in an org:
 *
 *   sfdx-project.json
 *   force-app/main/default/
 *     callCenters/<Name>.callCenter-meta.xml           the call center (adapter URL → the page or the external URL)
 *     staticresources/SwitchboardSoftphone.resource    the built connector, zipped (Visualforce hosting only)
 *     pages/SwitchboardSoftphone.page                  the page Lightning frames; loads Open CTI + the resource's assets
 *     cspTrustedSites/SwitchboardSipWebSocket…         connect-src for the SIP WebSocket host (Visualforce hosting)
 *     cspTrustedSites/SwitchboardSoftphoneHost…        frame-src + microphone for an external host (--external-url)
 *     messageChannels/SwitchboardPresence…             LMS channel the softphone publishes presence on
 *     lwc/switchboardPresenceBridge/                   LMS side of the Omni-Channel bridge
 *     lwc/switchboardSetup/                            the Switchboard Setup page (setup-lwc.ts): settings linted as `callcenter lint` does, connection test
 *     tabs/Switchboard_Setup.tab-meta.xml              the tab that opens it
 *     classes/SwitchboardSetupController(.cls, Test.cls)  reads and saves the call center through the Metadata API (setup-apex.ts)
 *     aura/SwitchboardOmniBridge/                      Omni side (lightning:omniToolkitAPI is Aura-only)
 *     classes/SwitchboardCallLog(.cls, Test.cls)       the outbox's lookup by CallObject (exactly-once logging)
 *     classes/SwitchboardCredentials(.cls, Test.cls)   mints ephemeral SIP credentials (credentials-apex.ts)
 *     objects/SwitchboardPhoneSecret__mdt/             protected Custom Metadata type: the phone system's shared secret
 *     objects/User/fields/SwitchboardExtension__c…     the user → SIP extension mapping
 *     permissionsets/SwitchboardAgent…                 page and class access, the Task call fields, read on the extension (permission-sets.ts)
 *     permissionsets/SwitchboardAdmin…                 the Setup tab and its controller (permission-sets.ts)
 *   README.md                                          the admin steps (secret, extensions, permission set)
 *
 * A Salesforce Voice config (surface: voice) gets its own, smaller project: voice-package.ts (with the
 * connector in a Visualforce page when its adapter URL is not an https URL).
 *
 * Every generated metadata file is checked against metadata-rules.ts before it is returned.
 */
import { packageFileList, sfdxProjectJson } from './package-files.ts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SaxesParser } from 'saxes';
import { buildMetadataXml, escapeXml, metadataFileName } from '../callcenter/build.ts';
import { isVoice, type CallCenterDefinition } from '../callcenter/definition.ts';
import { METADATA_NAMESPACE } from '../callcenter/salesforce-names.ts';
import { checkMetadataFile, checkSfdxProject } from './metadata-rules.ts';
import { metadataXml as meta, XML_DECL } from './metadata-xml.ts';
import { writeZip, type ZipEntry } from './zip.ts';
import { VOICE_RESOURCE_NAME, voicePackageFiles, voicePageHead } from './voice-package.ts';
import { omniBridgeAura, presenceBridgeLwc } from './presence-bridge.ts';
import { CALL_LOG_APEX, CALL_LOG_APEX_CLASS, CALL_LOG_APEX_TEST, CALL_LOG_APEX_TEST_CLASS } from './call-log-apex.ts';
import { RECORDS_APEX, RECORDS_APEX_CLASS, RECORDS_APEX_TEST, RECORDS_APEX_TEST_CLASS } from './records-apex.ts';
import { connectorCsp, connectorPageMetaTags } from '../connector-page/connector-page.ts';
import { SETUP_APEX_CLASS, SETUP_APEX_TEST_CLASS, setupApex, setupApexTest } from './setup-apex.ts';
import { SETUP_LWC, SETUP_TAB, setupLwcFiles } from './setup-lwc.ts';
import { ADMIN_PERMISSION_SET_NAME, adminPermissionSet, agentPermissionSet, PERMISSION_SET_NAME } from './permission-sets.ts';
import {
  CREDENTIALS_APEX,
  CREDENTIALS_APEX_CLASS,
  CREDENTIALS_APEX_TEST,
  CREDENTIALS_APEX_TEST_CLASS,
  credentialsMetadata,
  PACKAGE_README,
} from './credentials-apex.ts';

export const DEFAULT_API_VERSION = '62.0';
export const PAGE_NAME = 'SwitchboardSoftphone';
export const RESOURCE_NAME = 'SwitchboardSoftphone';
export const CHANNEL_NAME = 'SwitchboardPresence';
export const PACKAGE_DIR = 'force-app/main/default';
/** Salesforce's size limit for one static resource. */
export const STATIC_RESOURCE_LIMIT = 5 * 1024 * 1024;

export interface PackageOptions {
  /** The built connector directory (index.html + assets), zipped into the static resource. */
  readonly connectorDist?: string;
  /** Host the connector at this https URL instead of in a Visualforce page. */
  readonly externalUrl?: string;
  readonly apiVersion?: string;
}

export interface PackageFile {
  /** Relative to the project root, forward slashes. */
  readonly path: string;
  readonly content: string | Buffer;
}

export class PackageBuildError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}\n  ${problems.join('\n  ')}` : message);
    this.name = 'PackageBuildError';
  }
}

export function buildPackage(def: CallCenterDefinition, options: PackageOptions): PackageFile[] {
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  if (!/^\d{2}\.0$/.test(apiVersion)) throw new PackageBuildError(`API version '${apiVersion}' is not NN.0 (e.g. 62.0).`);
  if (isVoice(def)) {
    // Hosted outside the org (an https adapter URL or --external-url), or in a Visualforce page of the package.
    const connectorUrl = options.externalUrl ?? (/^[a-z][a-z\d+.-]*:/i.test(def.adapterUrl) ? def.adapterUrl : undefined);
    if (connectorUrl !== undefined) {
      if (!/^https:\/\/[^\s/]+/i.test(connectorUrl))
        throw new PackageBuildError(
          `The Voice connector URL '${connectorUrl}' must be an https URL (the hosted connector's /voice/ page): Salesforce frames the connector only from https. Set callCenter.adapterUrl or pass --external-url.`,
        );
      return checked(voicePackageFiles(def, def.voice, connectorUrl, apiVersion, PACKAGE_DIR));
    }
    if (!options.connectorDist)
      throw new PackageBuildError(
        `The Voice connector URL '${def.adapterUrl}' is no https URL, so the package hosts the connector in a Visualforce page: pass --connector-dist (default dist/app/voice, made by \`npm run build\`) or --external-url https://….`,
      );
    const sipWebSocketUrl = def.switchboard['sipWebSocketUrl'];
    const { zip, page } = connectorResource(options.connectorDist, sipWebSocketUrl, VOICE_PAGE);
    return checked(voicePackageFiles(def, def.voice, { zip, page, webSocketOrigin: webSocketOrigin(sipWebSocketUrl ?? '') }, apiVersion, PACKAGE_DIR));
  }
  const external = options.externalUrl ?? (/^https:\/\//i.test(def.adapterUrl) ? def.adapterUrl : undefined);
  if (external !== undefined && !/^https:\/\/[^\s/]+/i.test(external))
    throw new PackageBuildError(`The external URL '${external}' must be an https URL: Lightning frames the softphone only from https.`);
  const adapterUrl = external ?? `/apex/${PAGE_NAME}`;
  const callCenter: CallCenterDefinition = { ...def, adapterUrl };
  const { files, add } = packageFileList(PACKAGE_DIR);

  add('sfdx-project.json', sfdxProjectJson(def.internalName, '', apiVersion));
  add(`callCenters/${metadataFileName(callCenter)}`, buildMetadataXml(callCenter));

  if (external === undefined) {
    if (!options.connectorDist)
      throw new PackageBuildError(
        'Visualforce hosting needs the built connector: pass --connector-dist (default dist/app/softphone, made by `npm run build`) or --external-url https://….',
      );
    const { zip, page } = connectorResource(options.connectorDist, def.switchboard['sipWebSocketUrl'], SOFTPHONE_PAGE);
    add(`staticresources/${RESOURCE_NAME}.resource`, zip);
    add(
      `staticresources/${RESOURCE_NAME}.resource-meta.xml`,
      meta('StaticResource', [
        ['cacheControl', 'Private'],
        ['contentType', 'application/zip'],
        ['description', 'The Switchboard softphone connector (built files).'],
      ]),
    );
    add(`pages/${PAGE_NAME}.page`, page);
    add(
      `pages/${PAGE_NAME}.page-meta.xml`,
      meta('ApexPage', [
        ['apiVersion', apiVersion],
        ['availableInTouch', 'false'],
        ['confirmationTokenRequired', 'false'],
        ['description', 'Hosts the Switchboard softphone in the Open CTI softphone panel.'],
        ['label', PAGE_NAME],
      ]),
    );
  }
  // connect-src for the SIP WebSocket host: the Visualforce softphone page opens it, and so does the
  // Setup tab's connection test in Lightning, however the softphone is hosted.
  const ws = webSocketOrigin(def.switchboard['sipWebSocketUrl'] ?? '');
  if (ws) {
    add(
      'cspTrustedSites/SwitchboardSipWebSocket.cspTrustedSite-meta.xml',
      meta('CspTrustedSite', [
        ['context', 'All'],
        ['description', 'SIP over WebSocket endpoint of the phone system (connect-src for the softphone page and the Switchboard Setup connection test).'],
        ['endpointUrl', ws],
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

  if (external !== undefined) {
    // The softphone page is framed from this origin. When the org sends the Permissions-Policy
    // header with microphone access for Trusted URLs only, the origin needs canAccessMicrophone
    // (API 59.0+), or the phone rings but the agent cannot be heard.
    const origin = new URL(external).origin;
    add(
      'cspTrustedSites/SwitchboardSoftphoneHost.cspTrustedSite-meta.xml',
      meta('CspTrustedSite', [
        ...(Number(apiVersion) >= 59
          ? ([
              ['canAccessCamera', 'false'],
              ['canAccessMicrophone', 'true'],
            ] as [string, string][])
          : []),
        ['context', 'All'],
        ['description', 'Where the Switchboard softphone is hosted: framed by the console, needs the microphone.'],
        ['endpointUrl', origin],
        ['isActive', 'true'],
        ['isApplicableToConnectSrc', 'false'],
        ['isApplicableToFontSrc', 'false'],
        ['isApplicableToFrameSrc', 'true'],
        ['isApplicableToImgSrc', 'false'],
        ['isApplicableToMediaSrc', 'false'],
        ['isApplicableToStyleSrc', 'false'],
      ]),
    );
  }

  add(
    `messageChannels/${CHANNEL_NAME}.messageChannel-meta.xml`,
    [
      XML_DECL,
      `<LightningMessageChannel xmlns="${METADATA_NAMESPACE}">`,
      '    <description>Agent presence between the Switchboard softphone and Omni-Channel.</description>',
      '    <isExposed>true</isExposed>',
      ...messageField('status', 'available, away or offline (on-call and wrap-up are published for information).'),
      ...messageField('reasonId', 'The away reason id (an awayReasons code) when status is away.'),
      ...messageField('source', 'Who published: softphone or omni; each side ignores its own messages.'),
      '    <masterLabel>Switchboard Presence</masterLabel>',
      '</LightningMessageChannel>',
      '',
    ].join('\n'),
  );
  for (const [name, content] of Object.entries(presenceBridgeLwc(CHANNEL_NAME)))
    add(
      `lwc/switchboardPresenceBridge/${name}`,
      name.endsWith('-meta.xml')
        ? meta('LightningComponentBundle', [
            ['apiVersion', apiVersion],
            ['description', 'Relays the SwitchboardPresence channel to the Omni-Channel bridge.'],
            ['isExposed', 'false'],
          ])
        : content,
    );
  for (const [name, content] of Object.entries(setupLwcFiles())) add(`lwc/${SETUP_LWC}/${name}`, content);
  add(
    `lwc/${SETUP_LWC}/${SETUP_LWC}.js-meta.xml`,
    [
      XML_DECL,
      `<LightningComponentBundle xmlns="${METADATA_NAMESPACE}">`,
      `    <apiVersion>${apiVersion}</apiVersion>`,
      '    <description>Switchboard Setup: the connector settings of a call center, checked as switchboard callcenter lint checks them, with a live connection test.</description>',
      '    <isExposed>true</isExposed>',
      '    <masterLabel>Switchboard Setup</masterLabel>',
      '    <targets>',
      '        <target>lightning__Tab</target>',
      '        <target>lightning__AppPage</target>',
      '    </targets>',
      '</LightningComponentBundle>',
      '',
    ].join('\n'),
  );
  add(
    `tabs/${SETUP_TAB}.tab-meta.xml`,
    meta('CustomTab', [
      ['description', 'Opens the Switchboard Setup page (LWC switchboardSetup).'],
      ['label', 'Switchboard Setup'],
      ['lwcComponent', SETUP_LWC],
      ['motif', 'Custom53: Bell'],
    ]),
  );
  for (const [name, content] of Object.entries(omniBridgeAura(CHANNEL_NAME)))
    add(
      `aura/SwitchboardOmniBridge/${name}`,
      name.endsWith('-meta.xml')
        ? meta('AuraDefinitionBundle', [
            ['apiVersion', apiVersion],
            ['description', 'Keeps Omni-Channel presence and the Switchboard softphone in step.'],
          ])
        : content,
    );

  for (const [name, source] of [
    [CALL_LOG_APEX_CLASS, CALL_LOG_APEX],
    [CALL_LOG_APEX_TEST_CLASS, CALL_LOG_APEX_TEST],
    [CREDENTIALS_APEX_CLASS, CREDENTIALS_APEX],
    [CREDENTIALS_APEX_TEST_CLASS, CREDENTIALS_APEX_TEST],
    [RECORDS_APEX_CLASS, RECORDS_APEX],
    [RECORDS_APEX_TEST_CLASS, RECORDS_APEX_TEST],
    [SETUP_APEX_CLASS, setupApex(apiVersion)],
    [SETUP_APEX_TEST_CLASS, setupApexTest(apiVersion)],
  ] as const) {
    add(`classes/${name}.cls`, source);
    add(
      `classes/${name}.cls-meta.xml`,
      meta('ApexClass', [
        ['apiVersion', apiVersion],
        ['status', 'Active'],
      ]),
    );
  }

  for (const m of credentialsMetadata()) add(m.path, meta(m.type, m.fields));
  add('README.md', PACKAGE_README);

  add(`permissionsets/${PERMISSION_SET_NAME}.permissionset-meta.xml`, agentPermissionSet(external === undefined ? PAGE_NAME : undefined));
  add(`permissionsets/${ADMIN_PERMISSION_SET_NAME}.permissionset-meta.xml`, adminPermissionSet());

  return checked(files);
}

/** Every generated metadata file against its type's rules, before anything is written. */
function checked(files: PackageFile[]): PackageFile[] {
  const problems = [
    ...checkSfdxProject(String(files.find((f) => f.path === 'sfdx-project.json')?.content ?? '')),
    ...files.filter((f) => f.path.endsWith('-meta.xml')).flatMap((f) => checkMetadataFile(f.path.slice(PACKAGE_DIR.length + 1), String(f.content))),
  ];
  if (problems.length)
    throw new PackageBuildError(
      'The generated package breaks Salesforce metadata rules:',
      problems.map((p) => `${p.path}: ${p.message}`),
    );
  return files;
}

function messageField(name: string, description: string): string[] {
  return [
    '    <lightningMessageFields>',
    `        <description>${escapeXml(description)}</description>`,
    `        <fieldName>${name}</fieldName>`,
    '    </lightningMessageFields>',
  ];
}

/** `wss://pbx.example.com:8089` from the WebSocket URL; undefined when it is not a ws(s) URL. */
export function webSocketOrigin(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'wss:' || u.protocol === 'ws:' ? `${u.protocol}//${u.host}` : undefined;
  } catch {
    return undefined;
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * Zips the built connector and writes the Visualforce page that loads its index.html's scripts and
 * stylesheets from the static resource, under the connector page's Content-Security-Policy (a meta
 * tag first in <head>, so it governs every script after it; `sipWebSocketUrl` is its connect-src).
 *
 * The page does not include Open CTI: the connector loads it, once, from the sfdcIframeOrigin /
 * sfdcIFrameOrigin of its URL after checking that origin is Salesforce's and frames it
 * (src/crm/shared/trusted-origins.ts). Included here too it would run twice, the page's copy
 * first, before any check, at the package's API version rather than the connector's, and the
 * Lightning library even under Classic.
 */
/** How the Visualforce page that hosts a connector build is named and what it adds to the build's head. */
export interface HostingPage {
  /** The static resource the build is zipped into. */
  readonly resource: string;
  readonly title: string;
  /** What the build is, for errors (e.g. dist/app/softphone). */
  readonly buildName: string;
  /** `<apex:page>` attributes besides the layout ones (e.g. `controller="…"`). */
  readonly pageAttributes?: string;
  /** More head tags, after the configuration meta tags. */
  readonly head?: readonly string[];
  /** false: no Content-Security-Policy meta tag (the org's policy applies). Default true. */
  readonly csp?: boolean;
}

const SOFTPHONE_PAGE: HostingPage = { resource: RESOURCE_NAME, title: 'Switchboard Softphone', buildName: 'dist/app/softphone' };
/**
 * The Voice connector's page is the credential class's page (its controller), so Visualforce
 * registers the class's remote action with the page's remoting provider. No policy meta tag:
 * Visualforce adds its remoting scripts (one inline, with per-request tokens) to the page.
 */
const VOICE_PAGE: HostingPage = {
  resource: VOICE_RESOURCE_NAME,
  title: 'Switchboard for Salesforce Voice',
  buildName: 'dist/app/voice',
  pageAttributes: `controller="${CREDENTIALS_APEX_CLASS}"`,
  head: voicePageHead(),
  csp: false,
};

export function connectorResource(dist: string, sipWebSocketUrl: string | undefined, hosting: HostingPage): { zip: Buffer; page: string } {
  let paths: string[];
  try {
    paths = listFiles(dist);
  } catch {
    throw new PackageBuildError(`The connector build '${dist}' does not exist: run \`npm run build\` first (or pass --connector-dist / --external-url).`);
  }
  // Source maps stay out: they are most of the build's size and Salesforce caps a static resource at 5 MB.
  const entries: ZipEntry[] = paths.filter((p) => !p.endsWith('.map')).map((p) => ({ path: relative(dist, p).split(sep).join('/'), data: readFileSync(p) }));
  const index = entries.find((e) => e.path === 'index.html');
  if (!index) throw new PackageBuildError(`'${dist}' has no index.html: is it the built connector (${hosting.buildName})?`);
  const html = Buffer.from(index.data).toString('utf8');
  const assets = htmlAssets(html);
  for (const a of assets) {
    if (!entries.some((e) => e.path === a.path)) throw new PackageBuildError(`index.html refers to '${a.path}', which is not in '${dist}'.`);
  }
  const body = bodyOf(html);
  const resource = (path: string): string => `{!URLFOR($Resource.${hosting.resource}, '${path}')}`;
  const page = [
    `<apex:page${hosting.pageAttributes ? ` ${hosting.pageAttributes}` : ''} showHeader="false" sidebar="false" standardStylesheets="false" applyHtmlTag="false" applyBodyTag="false" docType="html-5.0" cache="false">`,
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    ...connectorPageMetaTags({
      trustedOrigins: [],
      csp: hosting.csp === false ? undefined : connectorCsp({ trustedOrigins: [], sipWebSocketUrls: sipWebSocketUrl ? [sipWebSocketUrl] : [] }),
    }),
    ...(hosting.head ?? []),
    `<title>${escapeXml(hosting.title)}</title>`,
    ...assets.filter((a) => a.kind === 'style').map((a) => `<link rel="stylesheet" href="${resource(a.path)}"/>`),
    ...assets.filter((a) => a.kind === 'script').map((a) => `<script${a.module ? ' type="module"' : ''} src="${resource(a.path)}"></script>`),
    '</head>',
    `<body>${body}</body>`,
    '</html>',
    '</apex:page>',
    '',
  ].join('\n');
  const zip = writeZip(entries);
  if (zip.length > STATIC_RESOURCE_LIMIT)
    throw new PackageBuildError(
      `The zipped connector is ${(zip.length / 1048576).toFixed(1)} MB; a static resource may be at most 5 MB. Host it externally with --external-url.`,
    );
  return { zip, page };
}

interface Asset {
  readonly kind: 'script' | 'style';
  readonly path: string;
  readonly module: boolean;
}

/** Relative script and stylesheet references of the connector's index.html. */
function htmlAssets(html: string): Asset[] {
  const assets: Asset[] = [];
  const attr = (tag: string, name: string): string | undefined =>
    new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i')
      .exec(tag)
      ?.slice(2)
      .find((v) => v !== undefined);
  for (const m of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const tag = m[0];
    const isScript = (m[1] ?? '').toLowerCase() === 'script';
    const url = attr(tag, isScript ? 'src' : 'href');
    if (!url || /^([a-z]+:)?\/\//i.test(url) || url.startsWith('/')) continue;
    if (!isScript && !/stylesheet/i.test(attr(tag, 'rel') ?? '')) continue;
    assets.push({ kind: isScript ? 'script' : 'style', path: url.replace(/^\.\//, ''), module: isScript && /module/i.test(attr(tag, 'type') ?? '') });
  }
  return assets;
}

/** The body markup of index.html without its scripts; it must be well-formed for Visualforce. */
function bodyOf(html: string): string {
  const body = /<body[^>]*>([\s\S]*?)<\/body>/i.exec(html)?.[1] ?? '';
  const markup = body.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '').trim();
  const parser = new SaxesParser({ fragment: true });
  const errors: string[] = [];
  parser.on('error', (e) => errors.push(e.message));
  parser.write(markup).close();
  if (errors.length) throw new PackageBuildError("The connector's index.html body is not well-formed markup, which a Visualforce page requires:", errors);
  return markup;
}

/**
 * What the values mean, once a reader has made the parts: the general information (names, adapter
 * URL, reqUseApi, compatibility mode, standby, panel size) for Open CTI, the Salesforce Voice checks
 * for a contact center, the dialing prefixes, and the switchboard section for that profile.
 */
import { SWITCHBOARD_SECTION } from '../../core/index.ts';
import type { CallCenterSurface, LintProfile } from './lint-profile.ts';
import type { Reporter } from './lint-reporter.ts';
import type { ParsedCallCenter, ParsedItem } from './parsed-call-center.ts';
import type { Position } from './position.ts';
import type { LocatedValue, ReadParts } from './read-parts.ts';
import { COMPATIBILITY_MODES, DIALING_OPTIONS, GENERAL_INFO, INTERNAL_NAME, LIMITS, METADATA_SUFFIX } from './salesforce-names.ts';
import { checkSwitchboard } from './switchboard-checks.ts';
import { checkUrl } from './url-checks.ts';
import { checkVoice } from './voice-checks.ts';
import type { XmlElement } from './xml-tree.ts';

export function checkSemantics(
  cc: ParsedCallCenter,
  parts: ReadParts,
  root: XmlElement,
  r: Reporter,
  profile: LintProfile,
  surface: CallCenterSurface,
  now: Date,
): void {
  const general = cc.section(GENERAL_INFO);
  const item = (section: string, name: string): ParsedItem | undefined => cc.section(section)?.items.find((i) => i.name === name);
  /** A general value with where it is: the item, or for Metadata files the field/customSettings. */
  const generalValue = (name: string): LocatedValue | undefined => {
    const found = item(GENERAL_INFO, name);
    if (found) return { value: found.value, at: found.valuePosition };
    const fallback = parts.generalFallbacks?.[name];
    return fallback !== undefined ? { value: fallback, at: parts.fallbackPositions?.[name] ?? root.position } : undefined;
  };
  const generalAt = general?.position ?? root.position;

  if (!general && parts.format === 'import') {
    r.report(
      'general-info-missing',
      root.position,
      'The call center has no reqGeneralInfo section.',
      'Add <section sortOrder="0" name="reqGeneralInfo" label="General Information"> with reqInternalName, reqDisplayName and reqAdapterUrl items.',
    );
  }
  if (parts.format === 'import' && general) {
    const name = parts.internalName;
    if (name === undefined)
      r.report(
        'internal-name-missing',
        generalAt,
        'reqGeneralInfo has no reqInternalName item; Salesforce requires it in the file.',
        'Add <item sortOrder="0" name="reqInternalName" label="Internal Name">MySoftphone</item>.',
      );
    else if (name === '')
      r.report(
        'internal-name-missing',
        parts.internalNamePosition ?? generalAt,
        'reqInternalName is empty; it must be set in the file (it cannot be filled in later in Setup).',
        'Write a unique name: a letter then letters and digits, at most 40.',
      );
    else checkInternalName(name, parts.internalNamePosition ?? generalAt, r);
    if (parts.displayName === undefined)
      r.report(
        'display-name-missing',
        generalAt,
        'reqGeneralInfo has no reqDisplayName item.',
        'Add <item sortOrder="1" name="reqDisplayName" label="Display Name">My Softphone</item>.',
      );
    else if (parts.displayName === '')
      r.report('display-name-missing', parts.displayNamePosition ?? generalAt, 'reqDisplayName is empty.', 'Write the name agents and admins see.');
    if (general.sortOrder !== 0)
      r.report(
        'general-info-order',
        general.position,
        `reqGeneralInfo has sortOrder ${general.sortOrder}; Salesforce's samples keep it first.`,
        'Give reqGeneralInfo sortOrder 0 and move the other sections after it.',
      );
    const expected: Record<string, number> = { reqInternalName: 0, reqDisplayName: 1 };
    for (const [name, order] of Object.entries(expected)) {
      const found = item(GENERAL_INFO, name);
      if (found && found.sortOrder !== order)
        r.report(
          'general-info-order',
          found.position,
          `${name} has sortOrder ${found.sortOrder}; Salesforce requires ${order}.`,
          `Give ${name} sortOrder ${order}.`,
        );
    }
  }
  if (parts.format === 'metadata') {
    const name = parts.internalName;
    if (name === undefined || name === '')
      r.report(
        'internal-name-missing',
        parts.internalNamePosition ?? root.position,
        'The internal name is unknown: no <fullName>, no reqInternalName item and no <Name>.callCenter-meta.xml file name.',
        `Name the file callCenters/<InternalName>${METADATA_SUFFIX}.`,
      );
    else checkInternalName(name, parts.internalNamePosition ?? root.position, r);
    if (parts.displayName === undefined || parts.displayName === '')
      r.report(
        'display-name-missing',
        parts.displayNamePosition ?? root.position,
        '<CallCenter> has no <displayName>.',
        'Add <displayName>My Softphone</displayName>.',
      );
    if (!general)
      r.report(
        'general-info-missing',
        root.position,
        'The call center has no reqGeneralInfo <sections>.',
        'Add <sections><label>General Information</label><name>reqGeneralInfo</name> with the reqAdapterUrl, reqUseApi and reqSalesforceCompatibilityMode items.',
      );
  }

  const voice = surface === 'voice';
  if (voice) checkVoice(cc, root, r, profile, generalValue, now);
  if (!voice && (general || parts.format === 'metadata')) {
    const adapter = generalValue('reqAdapterUrl');
    if (!adapter || adapter.value === '')
      r.report(
        'adapter-url-missing',
        adapter?.at ?? generalAt,
        'There is no reqAdapterUrl: Salesforce has no page to load as the softphone.',
        'Add reqAdapterUrl: /apex/SwitchboardSoftphone (with `switchboard package build`) or the https URL of the hosted connector.',
      );
    else checkUrl('reqAdapterUrl', adapter.value, adapter.at, r, profile);

    const useApi = generalValue('reqUseApi');
    if (!useApi)
      r.report('use-api', generalAt, 'reqUseApi is missing; an Open CTI softphone declares reqUseApi true.', 'Add reqUseApi with the value true.', 'warning');
    else if (useApi.value !== 'true')
      r.report('use-api', useApi.at, `reqUseApi is '${useApi.value}'; an Open CTI softphone needs true.`, 'Set reqUseApi to true.');

    const mode = generalValue('reqSalesforceCompatibilityMode');
    if (!mode || mode.value === '')
      r.report(
        'compatibility-mode-missing',
        mode?.at ?? generalAt,
        'reqSalesforceCompatibilityMode is not set, so Salesforce assumes Classic and the phone never appears in Lightning Experience.',
        'Add reqSalesforceCompatibilityMode with the value Lightning (or Classic_and_Lightning).',
      );
    else if (mode.value === 'Classic')
      r.report(
        'compatibility-mode-classic',
        mode.at,
        'reqSalesforceCompatibilityMode is Classic: the softphone is hidden in Lightning Experience.',
        'Use Lightning, or Classic_and_Lightning if Classic users need it too.',
      );
    else if (!(COMPATIBILITY_MODES as readonly string[]).includes(mode.value))
      r.report(
        'compatibility-mode-invalid',
        mode.at,
        `reqSalesforceCompatibilityMode '${mode.value}' is not one of ${COMPATIBILITY_MODES.join(', ')}.`,
        'Use Lightning or Classic_and_Lightning (values are case-sensitive).',
      );

    const standby = generalValue('reqStandbyUrl');
    const timeout = generalValue('reqTimeout');
    const hasStandby = standby !== undefined && standby.value !== '';
    const hasTimeout = timeout !== undefined && timeout.value !== '';
    if (hasStandby && !hasTimeout)
      r.report(
        'standby-without-timeout',
        standby.at,
        'reqStandbyUrl is set without reqTimeout: Salesforce never switches to it.',
        'Add reqTimeout (milliseconds to wait for notifyInitializationComplete, e.g. 10000).',
      );
    if (hasTimeout && !hasStandby)
      r.report('timeout-without-standby', timeout.at, 'reqTimeout is set without reqStandbyUrl.', 'Add reqStandbyUrl, or remove reqTimeout.');
    if (hasStandby) checkUrl('reqStandbyUrl', standby.value, standby.at, r, profile);
    if (hasTimeout && (!/^\d+$/.test(timeout.value) || Number(timeout.value) <= 0))
      r.report(
        'timeout-invalid',
        timeout.at,
        `reqTimeout '${timeout.value}' is not a positive number of milliseconds.`,
        'Write a whole number of milliseconds, e.g. 10000.',
      );

    checkSize(generalValue('reqSoftphoneHeight'), 'reqSoftphoneHeight', 'softphone-height-range', LIMITS.height, r);
    checkSize(generalValue('reqSoftphoneWidth'), 'reqSoftphoneWidth', 'softphone-width-range', LIMITS.width, r);
  }

  for (const prefix of cc.section(DIALING_OPTIONS)?.items ?? []) {
    if (!/^\d*$/.test(prefix.value))
      r.report(
        'dialing-prefix-invalid',
        prefix.valuePosition,
        `${prefix.name} '${prefix.value}' is not a string of digits.`,
        'Write digits only, e.g. 9 (outside line), 1 (long distance), 011 (international); leave it empty for none.',
      );
  }

  if (profile === 'switchboard') checkSwitchboard(cc.section(SWITCHBOARD_SECTION), root, r);
}

function checkInternalName(name: string, at: Position, r: Reporter): void {
  if (name.length > LIMITS.nameLength || !INTERNAL_NAME.test(name)) {
    const why =
      name.length > LIMITS.nameLength
        ? `is ${name.length} characters long (limit ${LIMITS.nameLength})`
        : /^[A-Za-z]/.test(name)
          ? 'contains characters other than letters and digits'
          : 'does not start with a letter';
    const suggestion = name
      .replace(/[^A-Za-z0-9]/g, '')
      .replace(/^[0-9]+/, '')
      .slice(0, LIMITS.nameLength);
    r.report(
      'internal-name-invalid',
      at,
      `The internal name '${name}' ${why}.`,
      suggestion
        ? `Use e.g. '${suggestion}': a letter, then letters and digits, at most ${LIMITS.nameLength}.`
        : `Use a letter, then letters and digits, at most ${LIMITS.nameLength}.`,
    );
  }
}

function checkSize(
  entry: { value: string; at: Position } | undefined,
  item: string,
  rule: 'softphone-height-range' | 'softphone-width-range',
  range: { min: number; max: number },
  r: Reporter,
): void {
  if (!entry || entry.value === '') return;
  if (!/^\d+$/.test(entry.value)) {
    r.report(
      'softphone-size-invalid',
      entry.at,
      `${item} '${entry.value}' is not a whole number of pixels.`,
      `Write a number between ${range.min} and ${range.max}, without units.`,
    );
    return;
  }
  const n = Number(entry.value);
  if (n < range.min || n > range.max)
    r.report(rule, entry.at, `${item} is ${n} px; Lightning allows ${range.min}–${range.max}.`, `Use a value between ${range.min} and ${range.max}.`);
}

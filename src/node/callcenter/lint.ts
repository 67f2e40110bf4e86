/**
 * The Call Center file linter. Reads either format — the Setup import file
 * (`<callCenter><section sortOrder name label><item …>value</item>`) or the Metadata API file
 * (`<CallCenter xmlns="http://soap.sforce.com/2006/04/metadata"><sections><items><name>…`) — and
 * reports every problem with its position, a stable rule id (rules.ts) and how to fix it.
 * Here the file is parsed and its root picks the reader (read-setup-import.ts, read-metadata.ts);
 * what the values mean is judged by semantic-checks.ts (with voice-checks.ts and
 * switchboard-checks.ts), the same for both formats.
 *
 * Used by `switchboard callcenter lint` and by the console emulator's Setup import, which refuses a
 * file with errors exactly as Salesforce would and otherwise feeds `toSettingsMap()` to Open CTI.
 *
 * Decisions (documented in docs/callcenter.md):
 * - A file that is not well-formed gets only its XML errors: its structure cannot be trusted.
 * - The root element decides how a file is read. One that also carries parts of the other format
 *   (a `*.callCenter-meta.xml` name on a `<callCenter>`, `<section>` in a `<CallCenter>`…) is the
 *   hybrid: each part is a format-mixed error, and the result names it (`hybrid`) so tools can say so.
 * - A missing reqSalesforceCompatibilityMode is an error, like `Classic`: Salesforce then assumes
 *   Classic and the phone never shows in Lightning, the most common cause of a blank utility bar.
 * - A file without the `switchboard` section gets a warning (other vendors' files stay importable);
 *   once the section is there, its required items are errors.
 * - Gaps in sortOrder are only checked among siblings whose sortOrders are all present and valid.
 * - Salesforce Voice contact centers (a `reqHvcc` section or `reqVendorInfoApiName`) skip the Open CTI
 *   checks (compatibility mode, panel size, reqUseApi) and get their own: the vendor info API name,
 *   the certificate (parsed with node's X509Certificate, never echoed), reqHvcc/reqLongDistPrefix;
 *   Open CTI items in them are warnings (Salesforce ignores them), not errors.
 */
import { SWITCHBOARD_SECTION } from '../../core/index.ts';
import type { CallCenterSurface, LintProfile } from './lint-profile.ts';
import { Reporter } from './lint-reporter.ts';
import { makeParsedCallCenter, type CallCenterFormat, type ParsedCallCenter } from './parsed-call-center.ts';
import { readMetadata } from './read-metadata.ts';
import type { ReadParts } from './read-parts.ts';
import { readImport } from './read-setup-import.ts';
import { sortProblems, type LintProblem } from './rules.ts';
import { GENERAL_INFO, HVCC } from './salesforce-names.ts';
import { checkSemantics } from './semantic-checks.ts';
import { parseXml } from './xml-tree.ts';

export type { LintProblem, RuleId, Severity } from './rules.ts';
export type { ParsedCallCenter, ParsedItem, ParsedSection, CallCenterFormat } from './parsed-call-center.ts';
export type { Position } from './position.ts';
export type { CallCenterSurface, LintProfile } from './lint-profile.ts';
export { RULES, formatProblem, hasErrors } from './rules.ts';

export interface LintOptions {
  /** `auto` picks `switchboard` when the file has a switchboard section or its adapter URL names Switchboard. Default `switchboard`. */
  readonly profile?: LintProfile | 'auto';
  /** Judges certificate expiry at this time (default: now). */
  readonly now?: Date;
}

/**
 * A file of one format that carries parts of the other — e.g. a Setup import `<callCenter>` saved
 * as `*.callCenter-meta.xml`, or a Metadata `<CallCenter>` with `<section sortOrder>` elements —
 * each a format-mixed error: neither Setup nor a deploy takes it as it is.
 */
export interface HybridFormat {
  /** The root's format, which the file is read as. */
  readonly root: CallCenterFormat;
  /** What of the other format it carries, each once, in the order found: `<sections>`, `the sortOrder attribute`… */
  readonly marks: readonly string[];
}

export interface LintResult {
  readonly problems: LintProblem[];
  /** Present when the file is well-formed and has a Call Center root (even with other errors). */
  readonly callCenter?: ParsedCallCenter;
  /** The file's format, when its root says (Setup import `<callCenter>` or Metadata API `<CallCenter>`). */
  readonly format?: CallCenterFormat;
  /** Present when the file is the hybrid: read by its root as `format`, it carries parts of the other format. */
  readonly hybrid?: HybridFormat;
  readonly profile: LintProfile;
  /** Present with `callCenter`. */
  readonly surface?: CallCenterSurface;
}

/** Lints a Call Center file of either format. `fileName` is used in messages and to check the naming. */
export function lintCallCenter(text: string, fileName: string, options: LintOptions = {}): LintResult {
  const wanted = options.profile ?? 'switchboard';
  const unknownProfile: LintProfile = wanted === 'auto' ? 'generic' : wanted;
  const r = new Reporter(fileName);
  const { root, errors } = parseXml(text);
  if (errors.length > 0 || !root) {
    for (const e of errors) {
      r.report(
        'xml-not-well-formed',
        e.position,
        `Not well-formed XML: ${e.message}.`,
        'Correct the XML syntax at this position (matching start and end tags, quoted attributes, &amp; for a literal &).',
      );
    }
    if (errors.length === 0)
      r.report(
        'xml-not-well-formed',
        { line: 1, column: 1 },
        'The file has no root element.',
        'Start the file with <callCenter> (Setup import) or <CallCenter xmlns="http://soap.sforce.com/2006/04/metadata"> (Metadata API).',
      );
    return { problems: sortProblems(r.problems), profile: unknownProfile };
  }

  let parts: ReadParts | undefined;
  if (root.name === 'callCenter') parts = readImport(root, fileName, r);
  else if (root.name === 'CallCenter') parts = readMetadata(root, fileName, r);
  else {
    const hint = root.name.toLowerCase() === 'callcenter' ? ` Element names are case-sensitive: did you mean <callCenter> or <CallCenter>?` : '';
    r.report(
      'wrong-root',
      root.position,
      `The root element is <${root.name}>, not a Call Center.${hint}`,
      'Use <callCenter> for a Setup import file or <CallCenter xmlns="http://soap.sforce.com/2006/04/metadata"> for a Metadata API file.',
    );
    return { problems: sortProblems(r.problems), profile: unknownProfile };
  }
  const callCenter = makeParsedCallCenter(parts);
  const profile: LintProfile = wanted !== 'auto' ? wanted : looksLikeSwitchboard(callCenter, parts) ? 'switchboard' : 'generic';
  const surface = surfaceOf(callCenter);
  checkSemantics(callCenter, parts, root, r, profile, surface, options.now ?? new Date());
  const hybrid = r.otherFormatMarks.length > 0 ? { hybrid: { root: parts.format, marks: [...r.otherFormatMarks] } } : {};
  return { problems: sortProblems(r.problems), callCenter, format: parts.format, ...hybrid, profile, surface };
}

function surfaceOf(cc: ParsedCallCenter): CallCenterSurface {
  return cc.section(HVCC) !== undefined || cc.value(GENERAL_INFO, 'reqVendorInfoApiName') !== undefined ? 'voice' : 'opencti';
}

/** A switchboard section, or an adapter URL that names Switchboard (our package's page, our hosted connector). */
function looksLikeSwitchboard(cc: ParsedCallCenter, parts: ReadParts): boolean {
  if (cc.section(SWITCHBOARD_SECTION)) return true;
  const adapter = cc.section(GENERAL_INFO)?.items.find((i) => i.name === 'reqAdapterUrl')?.value ?? parts.generalFallbacks?.['reqAdapterUrl'] ?? '';
  return /switchboard/i.test(adapter);
}

/**
 * Setup → Call Centers → Import: the file is validated with the project's Call Center linter before
 * anything is stored, and every problem is reported with its line and column. Setup refuses a file
 * for what Salesforce itself rejects (structure, names, sort orders, required items); the linter's
 * deployment advice (a Classic-only mode, http adapter URLs, Lightning size ranges, the connector's
 * own section) is shown as a warning but does not block the import, as it would not in an org.
 */
import { lintCallCenter } from '../../callcenter/lint.ts';

export interface ImportProblem {
  readonly line: number;
  readonly column: number;
  readonly severity: 'error' | 'warning';
  readonly rule: string;
  readonly message: string;
  readonly fix: string;
}

export interface ImportVerdict {
  readonly fileName: string;
  /** Problems Salesforce's Setup import refuses the file for: nothing is imported. */
  readonly errors: readonly ImportProblem[];
  /**
   * Errors of `callcenter lint` (same rule, same severity) that Salesforce's Setup accepts: the
   * file imports, and the softphone will hit them (no phone in Lightning, a shared password…).
   */
  readonly connectorErrors: readonly ImportProblem[];
  readonly warnings: readonly ImportProblem[];
  /** getCallCenterSettings' map of the file, when it parsed. */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * Linter rules whose problems Salesforce's Setup import accepts: advice about a working deployment
 * or our own policy, not reasons Setup refuses a file. Their severity is the linter's everywhere.
 */
export const SETUP_ACCEPTS: ReadonlySet<string> = new Set([
  'compatibility-mode-classic',
  'compatibility-mode-missing',
  'adapter-url-not-https',
  'use-api',
  'softphone-height-range',
  'softphone-width-range',
  'switchboard-item-missing',
  'switchboard-item-invalid',
  'secret-in-file',
]);

export async function validateCallCenterText(text: string, fileName: string): Promise<ImportVerdict> {
  if (text.trim() === '') {
    return {
      fileName,
      warnings: [],
      connectorErrors: [],
      errors: [
        {
          line: 1,
          column: 1,
          severity: 'error',
          rule: 'empty-file',
          message: 'The file is empty.',
          fix: 'Choose a Call Center definition file (<callCenter>…</callCenter>).',
        },
      ],
    };
  }
  // Another vendor's file gets no Switchboard advice, as with `callcenter lint` (auto profile).
  const result = lintCallCenter(text, fileName, { profile: 'auto' });
  const problems: ImportProblem[] = result.problems.map((p) => ({
    line: p.line,
    column: p.column,
    severity: p.severity,
    rule: p.rule,
    message: p.message,
    fix: p.fix,
  }));
  return {
    fileName,
    errors: problems.filter((p) => p.severity === 'error' && !SETUP_ACCEPTS.has(p.rule)),
    connectorErrors: problems.filter((p) => p.severity === 'error' && SETUP_ACCEPTS.has(p.rule)),
    warnings: problems.filter((p) => p.severity === 'warning'),
    ...(result.callCenter ? { settings: result.callCenter.toSettingsMap() } : {}),
  };
}

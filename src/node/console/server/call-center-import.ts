/**
 * Setup → Call Centers → Import: the file is validated with the project's Call Center linter before
 * anything is stored, and every problem is reported with its line and column, as Setup would
 * refuse the file (warnings are shown but do not block the import).
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
  readonly errors: readonly ImportProblem[];
  readonly warnings: readonly ImportProblem[];
  /** getCallCenterSettings' map of the file, when it parsed. */
  readonly settings?: Readonly<Record<string, string>>;
}

export async function validateCallCenterText(text: string, fileName: string): Promise<ImportVerdict> {
  if (text.trim() === '') {
    return { fileName, warnings: [], errors: [{ line: 1, column: 1, severity: 'error', rule: 'empty-file', message: 'The file is empty.', fix: 'Choose a Call Center definition file (<callCenter>…</callCenter>).' }] };
  }
  const result = lintCallCenter(text, fileName);
  const problems: ImportProblem[] = result.problems.map((p) => ({ line: p.line, column: p.column, severity: p.severity, rule: p.rule, message: p.message, fix: p.fix }));
  return {
    fileName,
    errors: problems.filter((p) => p.severity === 'error'),
    warnings: problems.filter((p) => p.severity === 'warning'),
    ...(result.callCenter ? { settings: result.callCenter.toSettingsMap() } : {}),
  };
}

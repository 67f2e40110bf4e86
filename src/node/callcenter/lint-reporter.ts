/** Collects the linter's problems for one file, each with the severity its rule gives unless told otherwise. */
import type { Position } from './position.ts';
import { RULES, type LintProblem, type RuleId, type Severity } from './rules.ts';

export class Reporter {
  readonly problems: LintProblem[] = [];
  /**
   * What of the other format the file carries (its file name, elements, attributes), each once in
   * the order found: a file with any is the hybrid, which the linter names as its format.
   */
  readonly otherFormatMarks: string[] = [];
  constructor(private readonly file: string) {}

  report(rule: RuleId, at: Position, message: string, fix: string, severity?: Severity): void {
    this.problems.push({ file: this.file, line: at.line, column: at.column, severity: severity ?? RULES[rule].severity, rule, message, fix });
  }

  /** Reports a `format-mixed` problem and records `mark`, a short name of what belongs to the other format (e.g. `<sections>`). */
  mixed(mark: string, at: Position, message: string, fix: string): void {
    if (!this.otherFormatMarks.includes(mark)) this.otherFormatMarks.push(mark);
    this.report('format-mixed', at, message, fix);
  }
}

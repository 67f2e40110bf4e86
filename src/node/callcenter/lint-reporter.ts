/** Collects the linter's problems for one file, each with the severity its rule gives unless told otherwise. */
import type { Position } from './position.ts';
import { RULES, type LintProblem, type RuleId, type Severity } from './rules.ts';

export class Reporter {
  readonly problems: LintProblem[] = [];
  constructor(private readonly file: string) {}

  report(rule: RuleId, at: Position, message: string, fix: string, severity?: Severity): void {
    this.problems.push({ file: this.file, line: at.line, column: at.column, severity: severity ?? RULES[rule].severity, rule, message, fix });
  }
}

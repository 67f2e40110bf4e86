/**
 * Apex syntax as @apexdevtools/apex-parser reads it (the ANTLR grammar the Apex language server
 * and PMD-style tools use): every lexer and parser error of a class file, with its position.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';

export interface ApexSyntaxProblem {
  readonly line: number;
  /** 1-based, as editors count (ANTLR counts from 0). */
  readonly column: number;
  readonly message: string;
}

class CollectingListener extends ApexErrorListener {
  readonly problems: ApexSyntaxProblem[] = [];
  apexSyntaxError(line: number, column: number, msg: string): void {
    this.problems.push({ line, column: column + 1, message: shorten(msg) });
  }
}

/** ANTLR lists every token it would have taken, often two hundred of them: keep the message readable. */
function shorten(message: string): string {
  return message.replace(/expecting \{([^}]{120,})\}/, (_, set: string) => `expecting one of ${set.split(',').length} tokens`);
}

/** Every syntax error of one class (compilationUnit: a .cls file holds one top-level type). */
export function apexSyntaxProblems(source: string): ApexSyntaxProblem[] {
  const listener = new CollectingListener();
  ApexParserFactory.createLexerAndParser(source, listener).parser.compilationUnit();
  return listener.problems;
}

/** `classes/X.cls:12:5 message` for every syntax error of every .cls in `classesDir`, and the files read. */
export function checkApexClasses(classesDir: string, label: string): { files: string[]; problems: string[] } {
  const files = readdirSync(classesDir)
    .filter((f) => f.endsWith('.cls'))
    .sort();
  const problems = files.flatMap((f) =>
    apexSyntaxProblems(readFileSync(join(classesDir, f), 'utf8')).map((p) => `${label}/${f}:${p.line}:${p.column} ${p.message}`),
  );
  return { files, problems };
}

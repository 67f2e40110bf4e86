/**
 * The linter never throws and always points inside the file, whatever it is given: every prefix of
 * the valid corpus and many deterministic random mutations of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCallCenter } from '../../src/node/callcenter/lint.ts';

const validDir = join(dirname(fileURLToPath(import.meta.url)), 'corpus', 'valid');
const files = readdirSync(validDir)
  .filter((f) => f.endsWith('.xml'))
  .map((f) => ({ name: f, text: readFileSync(join(validDir, f), 'utf8') }));

function checkInside(name: string, text: string): void {
  const { problems, callCenter } = lintCallCenter(text, name);
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const p of problems) {
    assert.ok(p.line >= 1 && p.line <= lines.length, `${name}: line ${p.line} of ${lines.length}`);
    assert.ok(p.column >= 1 && p.column <= (lines[p.line - 1]?.length ?? 0) + 1, `${name}: column ${p.column} on line ${p.line}`);
    assert.ok(p.message && p.fix, 'message and fix');
  }
  if (callCenter) callCenter.toSettingsMap();
}

test('every prefix of every valid file is linted without throwing', () => {
  for (const { name, text } of files) {
    for (let end = 0; end <= text.length; end += 7) checkInside(name, text.slice(0, end));
  }
});

test('random mutations are linted without throwing', () => {
  let seed = 0x5eed;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = [
    '<',
    '>',
    '/',
    '"',
    "'",
    '=',
    '&',
    ';',
    ' ',
    '\n',
    'a',
    '0',
    '-',
    'req',
    '<item>',
    '</section>',
    '<!--',
    ']]>',
    'sortOrder="9"',
    '\u00e9',
    '\uD83D\uDCDE',
  ];
  for (let round = 0; round < 600; round++) {
    const { name, text } = files[round % files.length] ?? { name: '', text: '' };
    let mutated = text;
    for (let k = 0; k < 1 + random(4); k++) {
      const at = random(mutated.length + 1);
      const op = random(3);
      const piece = alphabet[random(alphabet.length)] ?? '';
      mutated =
        op === 0
          ? mutated.slice(0, at) + piece + mutated.slice(at)
          : op === 1
            ? mutated.slice(0, at) + mutated.slice(at + 1 + random(20))
            : mutated.slice(0, at) + piece + mutated.slice(at + piece.length);
    }
    checkInside(name, mutated);
  }
});

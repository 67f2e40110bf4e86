/**
 * An esbuild plugin for sip.js's SIP grammar (peggy output, sip.js 0.21): the generated `peg$parse`
 * rebuilds its rule table on every call — `const peg$bytecode = [peg$decode("…"), …]`, 235 strings
 * split and mapped — and sip.js calls it once per parsed header (From, To, Via, CSeq, Contact… of
 * every SIP message). Profiled in the softphone, that table was most of sip.js's message parsing
 * (bench/profile-calls.ts). The table is a pure function of the grammar, so the bundle decodes it
 * once per page and reuses it; the per-parse constants (`peg$consts`: actions closing over the
 * parse's own state) are left as they are. If sip.js's grammar stops having this shape the build
 * fails, naming the file, rather than quietly shipping the slow path.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

const GRAMMAR = /[\\/]sip\.js[\\/]lib[\\/]grammar[\\/]pegjs[\\/]dist[\\/]grammar\.js$/;
const TABLE_START = '    const peg$bytecode = [\n';
const TABLE_END = '\n    ];\n';

/** The grammar's source with its bytecode table decoded on the first parse and kept. */
export function decodeGrammarOnce(source: string, file = 'grammar.js'): string {
  const start = source.indexOf(TABLE_START);
  const end = start < 0 ? -1 : source.indexOf(TABLE_END, start);
  const parse = source.indexOf('function peg$parse(');
  if (start < 0 || end < 0 || parse < 0 || parse > start || source.indexOf(TABLE_START, start + 1) >= 0) {
    throw new Error(`${file}: expected one 'const peg$bytecode = [' table inside peg$parse (sip.js 0.21's generated grammar); sip.js changed, so scripts/esbuild/sip-grammar-once.ts needs a look`);
  }
  const table = source.slice(start + TABLE_START.length, end);
  if (!/^\s*peg\$decode\("/.test(table) || /\bpeg\$(?!decode\b)\w+/.test(table)) {
    throw new Error(`${file}: the peg$bytecode table holds more than peg$decode("…") calls; it may depend on the parse's state and cannot be kept`);
  }
  return source.slice(0, parse) + 'let peg$bytecodeOnce;\n'
    + source.slice(parse, start)
    + '    const peg$bytecode = peg$bytecodeOnce ??= [\n' + table + '\n    ];\n'
    + source.slice(end + TABLE_END.length);
}

export function sipGrammarOnce(): Plugin {
  return {
    name: 'sip-grammar-once',
    setup(build) {
      build.onLoad({ filter: GRAMMAR }, async (args) => ({ contents: decodeGrammarOnce(await readFile(args.path, 'utf8'), args.path), loader: 'js' }));
    },
  };
}

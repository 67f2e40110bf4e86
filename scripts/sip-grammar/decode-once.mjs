// sip.js's SIP grammar (peggy output, sip.js 0.21) rebuilds its rule table on every call of its
// parser — `const peg$bytecode = [peg$decode("…"), …]`, 235 strings split and mapped — and sip.js
// parses every header of every SIP message through it (From, To, Via, CSeq, Contact…). Profiled,
// that table was most of the SIP CPU of the softphone (npm run bench:profile) and of the embedded
// SIP server. The table is a pure function of the grammar, so it is decoded on the first parse and
// kept. The per-parse constants (`peg$consts`: actions that close over the parse's own state) stay
// as they are. Used by the browser build (scripts/esbuild/sip-grammar-once.ts) and by Node
// (./hooks.mjs); if the grammar stops having this shape, both fail naming the file rather than
// quietly keep the slow path.

/** Where sip.js keeps the generated grammar, as a path or a file URL. */
export const SIP_GRAMMAR = /[\\/]sip\.js[\\/]lib[\\/]grammar[\\/]pegjs[\\/]dist[\\/]grammar\.js$/;

const TABLE_START = '    const peg$bytecode = [\n';
const TABLE_END = '\n    ];\n';

/**
 * The grammar's source with its bytecode table decoded once and kept.
 * @param {string} source the generated grammar.js
 * @param {string} [file] for the error message
 * @returns {string}
 */
export function decodeGrammarOnce(source, file = 'grammar.js') {
  const start = source.indexOf(TABLE_START);
  const end = start < 0 ? -1 : source.indexOf(TABLE_END, start);
  const parse = source.indexOf('function peg$parse(');
  if (start < 0 || end < 0 || parse < 0 || parse > start || source.indexOf(TABLE_START, start + 1) >= 0) {
    throw new Error(
      `${file}: expected one 'const peg$bytecode = [' table inside peg$parse (sip.js 0.21's generated grammar); sip.js changed, so scripts/sip-grammar/decode-once.mjs needs a look`,
    );
  }
  const table = source.slice(start + TABLE_START.length, end);
  if (!/^\s*peg\$decode\("/.test(table) || /\bpeg\$(?!decode\b)\w+/.test(table)) {
    throw new Error(`${file}: the peg$bytecode table holds more than peg$decode("…") calls; it may depend on the parse's state and cannot be kept`);
  }
  return (
    source.slice(0, parse) +
    'let peg$bytecodeOnce;\n' +
    source.slice(parse, start) +
    '    const peg$bytecode = peg$bytecodeOnce ??= [\n' +
    table +
    '\n    ];\n' +
    source.slice(end + TABLE_END.length)
  );
}

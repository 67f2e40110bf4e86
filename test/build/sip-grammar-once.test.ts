/**
 * The build's fix to sip.js's grammar (scripts/esbuild/sip-grammar-once.ts): the bundled grammar
 * parses every header kind as stock sip.js does, decodes its rule table once (not once per parse),
 * and the build refuses a grammar of another shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { decodeGrammarOnce } from '../../scripts/sip-grammar/decode-once.mjs';
import { sipGrammarOnce } from '../../scripts/esbuild/sip-grammar-once.ts';

const require = createRequire(import.meta.url);
const ROOT = resolve(import.meta.dirname, '../..');
const GRAMMAR_FILE = require.resolve('sip.js/lib/grammar/pegjs/dist/grammar.js');

type Parse = (input: string, options?: { startRule?: string }) => unknown;

/** sip.js's grammar bundled as the app is (with or without the plugin), loaded as a module. */
async function bundledGrammar(withPlugin: boolean): Promise<{ parse: Parse; source: string }> {
  const result = await build({
    entryPoints: [GRAMMAR_FILE],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    plugins: withPlugin ? [sipGrammarOnce()] : [],
  });
  const source = result.outputFiles[0]!.text;
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`)) as { parse: Parse };
  return { parse: mod.parse, source };
}

const HEADERS: readonly [string, string][] = [
  ['From', '"Maria Lopez" <sip:+14155550134@switchboard.test;user=phone>;tag=a8f3k2'],
  ['To', '<sip:2001@switchboard.test>'],
  ['Via', 'SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK4bbl4x0;rport=51231;received=127.0.0.1'],
  ['Contact', '<sip:2001@df7jal23ls0d.invalid;transport=ws;ob>;expires=600;+sip.instance="<urn:uuid:4a7c…>"'],
  ['CSeq', '3 INVITE'],
  ['Call_ID', 'b4c9e1f2-77aa-4c55-9d0e-1f2e3d4c5b6a'],
  ['Record_Route', '<sip:127.0.0.1:5080;transport=ws;lr;r2=on>'],
  ['Proxy_Authenticate', 'Digest realm="switchboard.test", nonce="6f1c2a", algorithm=MD5, qop="auth"'],
  ['Refer_To', '<sip:1002@switchboard.test?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>'],
  ['Subscription_State', 'active;expires=3600'],
  ['Session_Expires', '1800;refresher=uac'],
  ['Content_Type', 'application/sdp'],
  ['Event', 'dialog;id=7'],
];

test('the bundled grammar parses every header as stock sip.js does, and refuses what stock refuses', async () => {
  const stock = await bundledGrammar(false);
  const once = await bundledGrammar(true);
  for (const [rule, value] of HEADERS) {
    const parse = (p: Parse): unknown => {
      try {
        return p(value, { startRule: rule });
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    assert.deepEqual(parse(once.parse), parse(stock.parse), `${rule}: ${value}`);
    // Twice: the second parse uses the kept table.
    assert.deepEqual(parse(once.parse), parse(stock.parse), `${rule} again`);
  }
  assert.throws(() => once.parse('not a uri', { startRule: 'SIP_URI' }));
  assert.throws(() => stock.parse('not a uri', { startRule: 'SIP_URI' }));
});

/** Bytecode decodes (String.prototype.split on '') in a fresh load of `source`: the first parse's, then two more parses'. */
async function decodes(source: string): Promise<{ first: number; later: number }> {
  const fresh = `${source}\n// ${Math.random()}`;
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(fresh).toString('base64')}`)) as { parse: Parse };
  const split = String.prototype.split;
  let splits = 0;
  String.prototype.split = function (this: string, separator: string, limit?: number) {
    if (separator === '') splits++;
    return Reflect.apply(split, this, [separator, limit]) as string[];
  } as typeof split;
  try {
    mod.parse('3 INVITE', { startRule: 'CSeq' });
    const first = splits;
    mod.parse('4 BYE', { startRule: 'CSeq' });
    mod.parse('<sip:2001@switchboard.test>', { startRule: 'To' });
    return { first, later: splits - first };
  } finally {
    String.prototype.split = split;
  }
}

test('the rule table is decoded on the first parse only (stock sip.js decodes it on every parse)', async () => {
  const stock = await decodes((await bundledGrammar(false)).source);
  assert.ok(stock.first >= 200 && stock.later >= 400, `stock decodes the table at each parse (${stock.first}, then ${stock.later})`);
  const once = await decodes((await bundledGrammar(true)).source);
  assert.equal(once.first, stock.first, 'the first parse decodes the whole table');
  assert.equal(once.later, 0, 'later parses decode nothing');
});

test('a grammar of another shape fails the build with the file named', () => {
  const real = readFileSync(GRAMMAR_FILE, 'utf8');
  assert.throws(
    () => decodeGrammarOnce(real.replace('const peg$bytecode = [', 'var peg$bytecode = ['), '/x/grammar.js'),
    /\/x\/grammar\.js: expected one 'const peg\$bytecode = \[' table/,
  );
  assert.throws(() => decodeGrammarOnce(real.replace('peg$decode("2 \\"\\"6 7!")', 'peg$consts[0]'), '/x/grammar.js'), /more than peg\$decode/);
});

/** Decodes in a Node process that imports sip.js's Grammar (with or without the project's module hooks). */
function nodeDecodes(withHooks: boolean): { first: number; later: number } {
  const script = `
    const { Grammar } = await import('sip.js');
    const split = String.prototype.split;
    let splits = 0;
    String.prototype.split = function (s, l) { if (s === '') splits++; return Reflect.apply(split, this, [s, l]); };
    Grammar.parse('3 INVITE', 'CSeq');
    const first = splits;
    Grammar.parse('4 BYE', 'CSeq');
    Grammar.parse('<sip:2001@switchboard.test>', 'To');
    String.prototype.split = split;
    console.log(JSON.stringify({ first, later: splits - first }));`;
  const args = [...(withHooks ? ['--import', pathToFileURL(join(ROOT, 'scripts/sip-grammar/register.mjs')).href] : []), '--input-type=module', '-e', script];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { first: number; later: number };
}

test('in Node (the embedded SIP server, the CLI, tests), the module hooks give sip.js the same grammar', () => {
  const stock = nodeDecodes(false);
  assert.ok(stock.later >= 400, `without the hooks each parse decodes the table (${stock.later})`);
  const once = nodeDecodes(true);
  assert.equal(once.first, stock.first);
  assert.equal(once.later, 0);
});

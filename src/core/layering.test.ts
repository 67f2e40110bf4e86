// Proves the core's layer rule is mechanical: code in src/core that reaches for the DOM, Node, a
// package, SIP or Salesforce does not get through `npm run typecheck` (tsconfig.core.json) and/or
// `npm run lint` (eslint.config.js). Probes are virtual files: nothing is written into src/.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ESLint } from 'eslint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROBE = path.join(ROOT, 'src/core/__probe__.ts');

function coreCompilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.core.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  assert.ok(parsed, 'tsconfig.core.json could not be read');
  assert.deepEqual(parsed.errors, []);
  return parsed.options;
}

/** Type-checks `code` as if it were src/core/__probe__.ts, with the core's compiler options. */
function makeChecker() {
  const options = coreCompilerOptions();
  const host = ts.createCompilerHost(options);
  let code = '';
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === PROBE ? ts.createSourceFile(file, code, language, true) : getSourceFile.call(host, file, language, ...rest);
  host.fileExists = (file) => path.resolve(file) === PROBE || fileExists.call(host, file);
  host.readFile = (file) => (path.resolve(file) === PROBE ? code : readFile.call(host, file));
  let previous: ts.Program | undefined;
  return (source: string): string[] => {
    code = source;
    const program = ts.createProgram({ rootNames: [PROBE], options, host, ...(previous ? { oldProgram: previous } : {}) });
    previous = program;
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || path.resolve(d.file.fileName) === PROBE)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };
}

describe('core layer: the TypeScript gate (tsconfig.core.json)', () => {
  let check: (source: string) => string[];
  before(() => {
    check = makeChecker();
  });

  it('a clean core file type-checks', () => {
    assert.deepEqual(check(`import { Emitter } from './events/emitter.ts';\nexport const e = new Emitter<{ a: [number] }>();\ne.emit('a', 1);\n`), []);
  });

  const forbidden: [what: string, code: string, diagnostic: RegExp][] = [
    ['document', `export const t = document.title;`, /Cannot find name 'document'/],
    ['window', `export const w = window.location.href;`, /Cannot find name 'window'/],
    ['navigator', `export const m = navigator.mediaDevices;`, /Cannot find name 'navigator'/],
    ['localStorage', `localStorage.setItem('a', 'b');`, /Cannot find name 'localStorage'/],
    ['RTCPeerConnection', `export const pc = new RTCPeerConnection();`, /Cannot find name 'RTCPeerConnection'/],
    ['WebSocket', `export const ws = new WebSocket('wss://x');`, /Cannot find name 'WebSocket'/],
    ['setTimeout', `setTimeout(() => {}, 1);`, /Cannot find name 'setTimeout'/],
    ['console', `console.log('x');`, /Cannot find name 'console'/],
    ['process', `export const env = process.env;`, /Cannot find name 'process'/],
    ['Buffer', `export const b = Buffer.from('x');`, /Cannot find name 'Buffer'/],
    ['require', `export const fs = require('fs');`, /Cannot find name 'require'/],
    ['node:fs import', `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;`, /Cannot find (module|name) 'node:fs'/],
    ['node:fs side-effect import', `import 'node:fs';`, /Cannot find module or type declarations for side-effect import of 'node:fs'/],
    ['fs import', `import * as fs from 'fs';\nexport const r = fs;`, /Cannot find (module|name) 'fs'/],
    ['sforce (Open CTI global)', `sforce.opencti.notifyInitializationComplete();`, /Cannot find name 'sforce'/],
    [
      'sip.js used with WebRTC types',
      `import { Web } from 'sip.js';\nexport const pc: RTCPeerConnection | undefined = (undefined as unknown as Web.SessionDescriptionHandler).peerConnection;`,
      /Cannot find name 'RTCPeerConnection'/,
    ],
  ];
  for (const [what, code, diagnostic] of forbidden) {
    it(`refuses ${what}`, () => {
      const diagnostics = check(code);
      assert.ok(
        diagnostics.some((d) => diagnostic.test(d)),
        `expected ${diagnostic} for ${what}, got: ${JSON.stringify(diagnostics)}`,
      );
    });
  }

  it('a plain sip.js import type-checks (sip.js ships types): the lint rule is what refuses packages', () => {
    // Documented limit of the compiler gate; the ESLint suite below proves the package is refused.
    assert.deepEqual(check(`import { Grammar } from 'sip.js';\nexport const g = Grammar;\n`), []);
  });
});

describe('core layer: the ESLint gate (eslint.config.js)', () => {
  let eslint: ESLint;
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  async function lint(code: string, filePath = PROBE) {
    const [result] = await eslint.lintText(code, { filePath });
    assert.ok(result);
    return result.messages;
  }

  it('a clean core file passes', async () => {
    const messages = await lint(
      `import { Emitter } from './events/emitter.ts';\nimport type { Clock } from './ports/clock.ts';\nexport function later(clock: Clock): () => void {\n  return clock.setTimeout(() => new Emitter<{ a: [] }>().emit('a'), 1);\n}\n`,
    );
    assert.deepEqual(messages, []);
  });

  const imports: [string, RegExp][] = [
    [`import '../telephony/sip/index.ts';`, /must not import from src\/telephony|imports no package/],
    [`import { createSipTelephony } from '../telephony/sip/index.ts';\nexport const c = createSipTelephony;`, /src\/telephony/],
    [`import '../crm/index.ts';`, /src\/crm/],
    [`import '../crm/fake/index.ts';`, /src\/crm/],
    [`import '../ui/panel-host.ts';`, /src\/ui/],
    [`import '../app/softphone/softphone.entry.ts';`, /src\/app/],
    [`import '../node/console/server.ts';`, /src\/node/],
    [`import 'node:fs';`, /imports no package, no Node built-in/],
    [`import fs from 'fs';\nexport const f = fs;`, /imports no package/],
    [`import 'sip.js';`, /imports no package/],
    [`import { UserAgent } from 'sip.js';\nexport const u = UserAgent;`, /imports no package/],
    [`import { html } from 'lit';\nexport const h = html;`, /imports no package/],
  ];
  for (const [code, message] of imports) {
    it(`refuses ${code.split('\n')[0]}`, async () => {
      const messages = await lint(code);
      const hit = messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2);
      assert.ok(hit.length > 0 && hit.every((m) => /Layer rule \(CONTRIBUTING\.md\)/.test(m.message)), JSON.stringify(messages));
      assert.ok(
        hit.some((m) => message.test(m.message)),
        JSON.stringify(hit.map((m) => m.message)),
      );
    });
  }

  for (const name of [
    'setTimeout',
    'setInterval',
    'console',
    'document',
    'window',
    'process',
    'Buffer',
    'sforce',
    'fetch',
    'localStorage',
    'crypto',
    'performance',
    'WebSocket',
    'navigator',
  ]) {
    it(`refuses the global ${name}`, async () => {
      const messages = await lint(`export const x = ${name};\n`);
      assert.ok(
        messages.some((m) => m.ruleId === 'no-restricted-globals' && m.severity === 2 && m.message.includes(`'${name}'`)),
        JSON.stringify(messages),
      );
    });
  }

  it('core tests may use the behaving fakes, but not the UI, app or Node tools', async () => {
    const testFile = path.join(ROOT, 'src/core/__probe__.test.ts');
    assert.deepEqual(await lint(`import '../telephony/fake/index.ts';\nimport '../crm/fake/index.ts';\nimport 'node:assert/strict';\n`, testFile), []);
    const messages = await lint(`import '../ui/panel-host.ts';\n`, testFile);
    assert.ok(
      messages.some((m) => m.ruleId === 'no-restricted-imports'),
      JSON.stringify(messages),
    );
  });

  it('the real core tree is clean', async () => {
    const results = await eslint.lintFiles(['src/core/**/*.ts']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`));
    assert.deepEqual(problems, []);
    assert.ok(results.length >= 20, `linted ${results.length} core files`);
  });
});

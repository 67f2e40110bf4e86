#!/usr/bin/env node
// The `switchboard` command line. It runs the built JavaScript (dist/cli/switchboard.mjs, made by
// `npm run build`), so a command starts without compiling TypeScript. In a checkout that has not
// been built yet, or with SWITCHBOARD_CLI_FROM_SOURCE=1 (while editing src/node), it runs the
// TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// sip.js's SIP grammar decoded once per process (the embedded SIP server parses every message with it).
await import('../scripts/sip-grammar/register.mjs');

const built = fileURLToPath(new URL('../dist/cli/switchboard.mjs', import.meta.url));
let main;
if (process.env.SWITCHBOARD_CLI_FROM_SOURCE !== '1' && existsSync(built)) {
  ({ main } = await import(built));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/node/cli/run.ts'));
}
await main();

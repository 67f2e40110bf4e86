#!/usr/bin/env node
// The `switchboard` command line. It runs the TypeScript sources directly through tsx's loader, so
// it works from a fresh checkout without `npm run build`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/node/cli/run.ts');
await main();

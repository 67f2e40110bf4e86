// Type-checks every layer with its own tsconfig so a layer cannot see types it must not use.
// Two configs at a time: the machines this runs on have two cores.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

const configs = readdirSync('.').filter((f) => /^tsconfig\.[a-z-]+\.json$/.test(f) && f !== 'tsconfig.base.json');
const failed = [];
const queue = [...configs];

async function worker() {
  for (let config = queue.shift(); config; config = queue.shift()) {
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    if (code !== 0) {
      failed.push(config);
      process.stdout.write(`${out}\ntypecheck failed: ${config}\n`);
    }
  }
}
await Promise.all([worker(), worker()]);
console.log(`typecheck: ${configs.length - failed.length} of ${configs.length} configs clean`);
process.exit(failed.length ? 1 : 0);

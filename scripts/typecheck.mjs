// Type-checks every layer with its own tsconfig so a layer cannot see types it must not use.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const configs = readdirSync('.').filter((f) => /^tsconfig\.[a-z-]+\.json$/.test(f) && f !== 'tsconfig.base.json');
let failed = 0;
for (const config of configs) {
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', config], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.error(`typecheck failed: ${config}`); }
}
console.log(`typecheck: ${configs.length - failed} of ${configs.length} configs clean`);
process.exit(failed ? 1 : 0);

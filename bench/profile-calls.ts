/**
 * `npm run bench:profile`: ours alone, N calls under Chromium's CPU profiler; writes the raw profile
 * (bench/out/ours.cpuprofile, opens in Chromium's DevTools) and prints the top self and inclusive
 * time by original source position (through the bundles' source maps), so a cause is named in our
 * sources or sip.js's, not by a minified name.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR } from './support/pages.ts';
import { withOursAlone } from './support/ours-alone.ts';
import { rawCpuProfile, summariseProfile } from './support/profile.ts';

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 40;
/** `--first`: profile the first call after load (the agent idle 1 s after registering) instead of warm calls. */
const first = process.argv.includes('--first');
await withOursAlone(async ({ phone, call }) => {
  if (first) await new Promise((ok) => setTimeout(ok, 1000));
  else for (let i = 0; i < 20; i++) await call();
  const pops: number[] = [];
  const { profile } = await rawCpuProfile(phone.page, phone.frame(), async () => {
    for (let i = 0; i < (first ? 1 : calls); i++) {
      if (!first) await new Promise((ok) => setTimeout(ok, 250));
      pops.push(await call());
    }
  });
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'ours.cpuprofile'), JSON.stringify(profile));
  const summary = await summariseProfile(profile, Number(process.env.TOP ?? 25));
  console.log(`pops (ms): ${pops.map((p) => Math.round(p)).join(' ')}`);
  console.log('self:');
  for (const f of summary.self) console.log(`  ${f.ms.toFixed(1).padStart(8)} ms  ${f.fn}  ${f.where}`);
  console.log('inclusive:');
  for (const f of summary.total) console.log(`  ${f.ms.toFixed(1).padStart(8)} ms  ${f.fn}  ${f.where}`);
});

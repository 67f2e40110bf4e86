/**
 * Benchmark: INVITE sent → agent ringing, p50 and p95 over N calls (default 50).
 *
 * The caller is always a bare sip.js UA (bare.html). "INVITE sent" is when the caller's page hands
 * the first INVITE of a call to its WebSocket (so the figure includes the proxy's 407 challenge
 * round where the server asks for auth); "ringing" is when the callee announced the call:
 * - `switchboard`: our SIP adapter's `incoming` event (header mapping, identity, delegate, ringer);
 * - `bare sip.js`: a bare sip.js UA's onInvite, measured in the same run as the baseline.
 * Each through the embedded server (src/node/sip-server) and through Kamailio. Printed as a table
 * and written to bench/out/sip-ringing.json. Figures, not assertions.
 *
 * Run: npm run build && node scripts/in-netns.mjs npx tsx bench/sip-ringing.ts [calls]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { serveStatic } from '../test/support/static-server.ts';
import { startKamailio } from '../test/support/kamailio.ts';
import { startSipServer } from '../src/node/sip-server/index.ts';

const DIST = resolve(import.meta.dirname, '../dist');
const PASSWORD = 'secret';

/** Records the send time of every initial INVITE (by Call-ID) in the page. */
const INVITE_PROBE = `(() => {
  window.__invites = {};
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string' && data.startsWith('INVITE ')) {
      const id = /\\r\\nCall-ID:\\s*([^\\r\\n]+)/i.exec(data)?.[1]?.trim();
      if (id && !(id in window.__invites)) window.__invites[id] = performance.timeOrigin + performance.now();
    }
    return send.call(this, data);
  };
})();`;

export interface RingingFigures {
  readonly server: string;
  readonly callee: string;
  readonly calls: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

async function page(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(INVITE_PROBE);
  const p = await context.newPage();
  await p.goto(url);
  return p;
}

async function measure(
  browser: Browser,
  base: string,
  server: { name: string; wsUrl: string; domain: string },
  callee: 'switchboard' | 'bare sip.js',
  calls: number,
): Promise<RingingFigures> {
  const caller = await page(browser, `${base}/telephony/sip/web/bare.html`);
  const agent = await page(browser, callee === 'switchboard' ? `${base}/telephony/sip/web/index.html` : `${base}/telephony/sip/web/bare.html`);
  const cfg = (username: string) => ({ wsUrl: server.wsUrl, domain: server.domain, username, password: PASSWORD });
  await caller.waitForFunction('window.bare !== undefined');
  await caller.evaluate(`window.bare.start(${JSON.stringify(cfg('1001'))})`);
  if (callee === 'switchboard') {
    await agent.waitForFunction('window.harness !== undefined');
    await agent.evaluate(`window.harness.start(${JSON.stringify(cfg('1002'))}).then(() => { window.harness.autoDecline = true; })`);
  } else {
    await agent.waitForFunction('window.bare !== undefined');
    await agent.evaluate(`window.bare.start(${JSON.stringify(cfg('1002'))})`);
  }
  const samples: number[] = [];
  // One warm-up call (first-call costs: getUserMedia, codec setup) is not counted.
  for (let i = 0; i <= calls; i++) {
    const callId = (await caller.evaluate(`window.bare.call('1002', ${JSON.stringify(server.domain)})`)) as string;
    const sent = (await caller.evaluate(`window.__invites[${JSON.stringify(callId)}]`)) as number;
    const rang = (await agent.evaluate(
      callee === 'switchboard'
        ? `window.harness.events.find((e) => e.event === 'incoming' && e.args[0].callId === ${JSON.stringify(callId)})?.at`
        : `window.bare.rings[${JSON.stringify(callId)}]`,
    )) as number | undefined;
    if (rang === undefined || sent === undefined) throw new Error(`call ${callId} via ${server.name}: no ${rang === undefined ? 'ring' : 'INVITE'} timestamp`);
    if (i > 0) samples.push(rang - sent);
  }
  await caller.context().close();
  await agent.context().close();
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    server: server.name,
    callee,
    calls,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    minMs: percentile(sorted, 0),
    maxMs: percentile(sorted, 100),
  };
}

export async function runSipRingingBench(calls = 50): Promise<RingingFigures[]> {
  const users = ['1001', '1002'].map((username) => ({ username, password: PASSWORD }));
  const [browser, web, embedded, kamailio] = await Promise.all([
    launchChromium(),
    serveStatic(DIST),
    startSipServer({ host: '127.0.0.1', port: 0, domain: '127.0.0.1', users }),
    startKamailio({ auth: true, blf: true, password: PASSWORD }),
  ]);
  try {
    const servers = [
      { name: 'embedded', wsUrl: embedded.url, domain: embedded.domain },
      { name: 'kamailio', wsUrl: kamailio.wsUrl, domain: kamailio.domain },
    ];
    const figures: RingingFigures[] = [];
    for (const server of servers) {
      for (const callee of ['switchboard', 'bare sip.js'] as const) figures.push(await measure(browser, web.url, server, callee, calls));
    }
    return figures;
  } finally {
    await browser.close();
    await web.close();
    await embedded.close();
    await kamailio.stop();
  }
}

export function printRingingTable(figures: readonly RingingFigures[]): void {
  const rows = figures.map((f) => {
    const base = figures.find((b) => b.server === f.server && b.callee === 'bare sip.js');
    const ratio = base && f.callee !== 'bare sip.js' ? ` (${(f.p50Ms / base.p50Ms).toFixed(2)}× bare)` : '';
    return `| ${f.server.padEnd(9)} | ${f.callee.padEnd(11)} | ${String(f.calls).padStart(5)} | ${f.p50Ms.toFixed(2).padStart(8)}${ratio.padEnd(13)} | ${f.p95Ms.toFixed(2).padStart(8)} | ${f.minMs.toFixed(2).padStart(7)} | ${f.maxMs.toFixed(2).padStart(7)} |`;
  });
  console.log('INVITE sent → agent ringing (ms)');
  console.log('| server    | callee      | calls |      p50                |      p95 |     min |     max |');
  console.log('|-----------|-------------|-------|-------------------------|----------|---------|---------|');
  for (const r of rows) console.log(r);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const calls = Number(process.argv[2] ?? 50);
  const figures = await runSipRingingBench(calls);
  printRingingTable(figures);
  const out = resolve(import.meta.dirname, 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(resolve(out, 'sip-ringing.json'), JSON.stringify({ measuredAt: new Date().toISOString(), figures }, null, 2));
  console.log(`wrote ${resolve(out, 'sip-ringing.json')}`);
}

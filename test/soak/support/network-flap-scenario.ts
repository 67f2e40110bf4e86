/**
 * Run by network-flap.soak.ts inside a namespace of its own (so taking `lo` down cannot disturb
 * other tests): the console, the embedded SIP server and the real connector in Chromium; the
 * loopback link goes down for a few seconds and comes back; the agent touches nothing. Prints one
 * JSON line `{ ok, ... }` and exits 0 when the connector takes a call again.
 */
import { spawnSync } from 'node:child_process';
import { launchChromium } from '../../support/chromium.ts';
import { agentUser, CALLERS, startStack } from '../../../bench/support/stack.ts';
import { openOurs } from '../../../bench/support/pages.ts';
import { inviteClock } from '../../../bench/support/measure.ts';
import { popCall } from '../../../bench/support/calls.ts';

const DOWN_MS = Number(process.env.FLAP_DOWN_MS ?? 4000);
const AGENT = agentUser(0);

function link(state: 'up' | 'down'): void {
  const r = spawnSync('ip', ['link', 'set', 'lo', state], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip link set lo ${state} failed: ${r.stderr || r.error?.message}`);
}

async function main(): Promise<Record<string, unknown>> {
  const stack = await startStack({ agents: 1 });
  const browser = await launchChromium();
  try {
    const phone = await openOurs(browser, stack.console.consoleUrl());
    await stack.registered(AGENT);
    let registrations = 0;
    stack.sip!.on('registered', (r) => {
      if (r.aor.startsWith(`sip:${AGENT}@`) && !r.refreshed) registrations++;
    });
    const caller = await stack.caller(CALLERS[0]!);
    const sent = inviteClock(caller);
    await popCall(caller, sent, AGENT, phone, 0);
    link('down');
    await new Promise((ok) => setTimeout(ok, DOWN_MS)); // the outage itself
    link('up');
    const upAt = Date.now();
    // The agent does nothing: the next call must pop (the caller retries while its own link recovers).
    const deadline = upAt + 60_000;
    let popped = false;
    let attempts = 0;
    let lastError = '';
    while (!popped && Date.now() < deadline) {
      attempts++;
      try {
        const fresh = await stack.caller(CALLERS[1 + (attempts % 5)]!);
        await popCall(fresh, inviteClock(fresh), AGENT, phone, 0);
        await fresh.stop();
        popped = true;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        await new Promise((ok) => setTimeout(ok, 500));
      }
    }
    return {
      ok: popped && stack.sip!.registrations(AGENT).length > 0,
      downMs: DOWN_MS,
      popAfterUpMs: Date.now() - upAt,
      attempts,
      newRegistrations: registrations,
      registeredNow: stack.sip!.registrations(AGENT).length > 0,
      ...(popped ? {} : { lastError }),
    };
  } finally {
    await browser.close();
    await stack.close();
  }
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(result.ok ? 0 : 1);
  },
  (e: unknown) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) })}\n`);
    process.exit(1);
  },
);

/**
 * A shift: one agent in the console emulator with the real connector takes 300 calls back to back
 * through the embedded SIP server. Every call pops, every call is logged exactly once (one Task per
 * CallObject), and the softphone frame's memory stays flat: DOM nodes and listeners back to within
 * ±5 of their value after a warm-up, JS heap after GC ≤ 1.1× its value after the warm-up, and the
 * JS objects the page keeps (a heap snapshot without compiled code) growing by less than 0.5 KB a
 * call, whatever the number of calls.
 *
 * Why the warm-up is 100 calls and why the snapshot: V8 keeps compiling the code the calls run
 * (baseline, then optimised machine code) for about the first hundred calls, and that code counts
 * in the JS heap. Compiled code is bounded (one copy per function), so it is left out of the
 * objects figure, which is what a leak grows: the log that kept every SIP message (about 2 KB a
 * call, fixed by the logger's character budget) would fail it fourfold.
 *
 * The calls ring and the caller hangs up before the agent answers (a missed call, which the
 * connector logs like any other): answering needs WebRTC media that a Node caller cannot offer,
 * and 300 browser-to-browser calls do not fit the soak budget on 2 cores.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { STRICT_CHROMIUM_ARGS } from '../../src/node/console/index.ts';
import { agentUser, CALLERS, startStack, type Stack } from '../../bench/support/stack.ts';
import { openOurs, type Softphone } from '../../bench/support/pages.ts';
import { heapMetrics, inviteClock, until, type HeapMetrics } from '../../bench/support/measure.ts';
import { popCall } from '../../bench/support/calls.ts';
import { newTasksSince } from './support/tasks.ts';

const CALLS = Number(process.env.SOAK_SHIFT_CALLS ?? 300);
if (!Number.isInteger(CALLS) || CALLS < 4) throw new Error(`SOAK_SHIFT_CALLS must be an integer ≥ 4, got '${process.env.SOAK_SHIFT_CALLS}'`);
/** Calls before the baseline: V8's compilers settle in about 100 (a short run takes a third of its calls). */
const WARM = Math.min(100, Math.floor(CALLS / 3));
const MAX_OBJECT_GROWTH_KB_PER_CALL = 0.5;
/** Set to a directory to keep the two heap snapshots (open them in DevTools' Memory tab to compare). */
const SNAPSHOT_DIR = process.env.SOAK_SHIFT_SNAPSHOT_DIR;

let stack: Stack;
let browser: Browser;
let phone: Softphone;

before(async () => {
  // Salesforce-shaped origins: the frame's host differs from the console's, so Chromium can give it a
  // process of its own (--isolate-origins ignores ports) and its memory is measured alone.
  stack = await startStack({ agents: 1, strictOrigins: true });
  browser = await launchChromium([...STRICT_CHROMIUM_ARGS, `--isolate-origins=${stack.console.vfOrigin}`]);
  phone = await openOurs(browser, stack.console.consoleUrl());
  phone.page.on('pageerror', (e) => pageErrors.push(e.message));
  await stack.registered(agentUser(0));
});

after(async () => {
  await phone?.close();
  await browser?.close();
  await stack?.close();
});

/** Sizes (KB) in a heap snapshot of the frame, after GC: all of it, and without compiled code and V8/Blink internals. */
interface SnapshotSizes {
  readonly objectsKb: number;
  readonly codeKb: number;
}

async function snapshotSizes(name: string): Promise<SnapshotSizes> {
  const session = await phone.page.context().newCDPSession(phone.frame());
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
  try {
    await session.send('HeapProfiler.enable');
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    await session.detach().catch(() => undefined);
  }
  const text = chunks.join('');
  if (SNAPSHOT_DIR) writeFileSync(join(SNAPSHOT_DIR, `shift-${name}.heapsnapshot`), text);
  const snap = JSON.parse(text) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  let objects = 0;
  let code = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt]!];
    const size = snap.nodes[i + sizeAt]!;
    if (type === 'code') code += size;
    else if (type !== 'native' && type !== 'synthetic' && type !== 'hidden') objects += size;
  }
  return { objectsKb: objects / 1024, codeKb: code / 1024 };
}

/** Uncaught errors in the pages (the browser keeps each, stack and all, for DevTools): named when the heap check fails. */
const pageErrors: string[] = [];

let warm: HeapMetrics | undefined;
let end: HeapMetrics | undefined;
let warmSnapshot: SnapshotSizes | undefined;
let endSnapshot: SnapshotSizes | undefined;

it(`takes ${CALLS} calls in a row: ${CALLS} pops, exactly one Task each, DOM nodes and listeners flat`, { timeout: 420_000 }, async () => {
  const tasksNow = await newTasksSince(stack);
  const caller = await stack.caller(CALLERS[0]!);
  const sent = inviteClock(caller);
  /** Waits until the first `n` calls are logged: the frame is quiet (no save in flight) when it is measured. */
  const logged = (n: number) =>
    until(
      `${n} Tasks`,
      async () => {
        const list = await tasksNow();
        return list.length >= n ? list : undefined;
      },
      30_000,
      200,
    );
  for (let i = 0; i < CALLS; i++) {
    await popCall(caller, sent, agentUser(0), phone, 0);
    if (i + 1 === WARM) {
      await logged(WARM);
      warm = await heapMetrics(phone.page, phone.frame());
      warmSnapshot = await snapshotSizes(`after-${WARM}`);
    }
  }
  // popCall waited for this call's own pop on every call: one searchAndScreenPop per call.
  assert.ok((await phone.pops()).length >= CALLS);
  const tasks = await logged(CALLS);
  assert.equal(tasks.length, CALLS, 'a call was logged more than once');
  assert.equal(new Set(tasks.map((t) => t.CallObject)).size, CALLS);
  end = await heapMetrics(phone.page, phone.frame());
  endSnapshot = await snapshotSizes(`after-${CALLS}`);
  process.stdout.write(
    `# shift (${end.scope} scope): heap after ${WARM} calls ${warm!.jsHeapUsedKb} KB, after ${CALLS} ${end.jsHeapUsedKb} KB (${(end.jsHeapUsedKb / warm!.jsHeapUsedKb).toFixed(2)}×); ` +
      `objects ${warmSnapshot!.objectsKb.toFixed(0)} → ${endSnapshot.objectsKb.toFixed(0)} KB, code ${warmSnapshot!.codeKb.toFixed(0)} → ${endSnapshot.codeKb.toFixed(0)} KB; nodes ${warm!.nodes} → ${end.nodes}; listeners ${warm!.jsEventListeners} → ${end.jsEventListeners}; uncaught errors ${pageErrors.length}\n`,
  );
  assert.equal(end.scope, 'frame', 'the softphone frame shared its process: its memory cannot be told apart');
  assert.ok(end.nodes - warm!.nodes <= 5, `DOM nodes ${warm!.nodes} → ${end.nodes}`);
  assert.ok(Math.abs(end.jsEventListeners - warm!.jsEventListeners) <= 5, `listeners ${warm!.jsEventListeners} → ${end.jsEventListeners}`);
});

it('keeps the softphone heap flat over the shift (≤ 1.1× after GC; kept objects < 0.5 KB a call)', () => {
  assert.ok(warm && end && warmSnapshot && endSnapshot, 'the shift did not run');
  const errors = pageErrors.length ? `; ${pageErrors.length} uncaught errors in the pages, kept by the browser for DevTools (first: ${pageErrors[0]})` : '';
  const growth = end.jsHeapUsedKb / warm.jsHeapUsedKb;
  assert.ok(growth <= 1.1, `heap grew ${growth.toFixed(2)}× over the shift (${warm.jsHeapUsedKb} → ${end.jsHeapUsedKb} KB)${errors}`);
  const perCall = (endSnapshot.objectsKb - warmSnapshot.objectsKb) / (CALLS - WARM);
  assert.ok(
    perCall < MAX_OBJECT_GROWTH_KB_PER_CALL,
    `the page kept ${perCall.toFixed(2)} KB more objects per call (${warmSnapshot.objectsKb.toFixed(0)} → ${endSnapshot.objectsKb.toFixed(0)} KB over ${CALLS - WARM} calls)${errors}`,
  );
});

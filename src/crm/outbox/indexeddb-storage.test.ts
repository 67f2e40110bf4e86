/*
 * IndexedDbStorage and the outbox in a real browser: Debian's Chromium with real IndexedDB and real
 * Web Locks, two tabs of one origin. The "org" lives in this Node process (FakeOrg) and the pages
 * reach it through page.exposeFunction, so both tabs write to one Salesforce.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';

import { fileURLToPath } from 'node:url';

import { dirname } from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../../test/support/chromium.ts';
import { FakeOrg } from '../fake/fake-org.ts';

const here = dirname(fileURLToPath(import.meta.url));

// The page-side harness: the real IndexedDbStorage and CallLogOutbox, a real clock, navigator.locks.
const HARNESS = `
import { IndexedDbStorage } from './indexeddb-storage.ts';
import { CallLogOutbox } from './call-log-outbox.ts';
const w = window;
w.IndexedDbStorage = IndexedDbStorage;
w.startOutbox = (owner) => {
  const storage = new IndexedDbStorage({ name: 'outbox-test' });
  const clock = { now: () => Date.now(), setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } };
  const writer = {
    create: (object, fields) => w.sfCreate(object, fields),
    findByCallObject: (object, callObject) => w.sfFind(object, callObject),
    refresh: async () => {},
  };
  const outbox = new CallLogOutbox({
    storage, writer, clock, logger: { log: () => {} }, locks: navigator.locks, owner,
    leaseMs: 1500, attemptTimeoutMs: 700, backoff: { baseMs: 20, maxMs: 200 }, lockRetryMs: 50,
  });
  outbox.start();
  w.outbox = outbox;
  return true;
};
`;

let server: Server;
let origin: string;
let browser: Browser;

before(async () => {
  const bundle = await build({
    stdin: { contents: HARNESS, resolveDir: here, sourcefile: 'harness.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    target: 'es2022',
  });
  const script = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    if (req.url === '/harness.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>outbox</title><script type="module" src="/harness.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => typeof (window as unknown as { startOutbox?: unknown }).startOutbox === 'function', undefined, { timeout: 10_000 });
  return page;
}

test('IndexedDbStorage: set/get/keys/delete, durable across a reload, update atomic across two tabs', async () => {
  const context = await browser.newContext();
  try {
    const a = await open(context);
    const b = await open(context);
    await a.evaluate(async () => {
      const s = new (window as unknown as { IndexedDbStorage: new (o: object) => import('./indexeddb-storage.ts').IndexedDbStorage }).IndexedDbStorage({
        name: 'kv-test',
      });
      await s.set('outbox/entry/1', { n: 1 });
      await s.set('outbox/entry/2', { n: 2 });
      await s.set('other/x', 'y');
      await s.delete('outbox/entry/2');
    });
    await a.reload();
    await a.waitForFunction(() => typeof (window as unknown as { IndexedDbStorage?: unknown }).IndexedDbStorage === 'function');
    const afterReload = await a.evaluate(async () => {
      const s = new (window as unknown as { IndexedDbStorage: new (o: object) => import('./indexeddb-storage.ts').IndexedDbStorage }).IndexedDbStorage({
        name: 'kv-test',
      });
      return { one: await s.get('outbox/entry/1'), two: await s.get('outbox/entry/2'), keys: await s.keys('outbox/'), all: (await s.keys('')).sort() };
    });
    assert.deepEqual(afterReload, { one: { n: 1 }, two: undefined, keys: ['outbox/entry/1'], all: ['other/x', 'outbox/entry/1'] });
    // 2 tabs × 150 read-modify-write increments of one key, interleaved: none may be lost.
    const increment = async () => {
      const s = new (window as unknown as { IndexedDbStorage: new (o: object) => import('./indexeddb-storage.ts').IndexedDbStorage }).IndexedDbStorage({
        name: 'kv-test',
      });
      await Promise.all(Array.from({ length: 150 }, () => s.update('counter', (c) => (typeof c === 'number' ? c + 1 : 1))));
    };
    await Promise.all([a.evaluate(increment), b.evaluate(increment)]);
    const total = await b.evaluate(async () => {
      const s = new (window as unknown as { IndexedDbStorage: new (o: object) => import('./indexeddb-storage.ts').IndexedDbStorage }).IndexedDbStorage({
        name: 'kv-test',
      });
      await s.update('gone', () => 'x');
      await s.update('gone', () => undefined);
      return { counter: await s.get('counter'), gone: await s.get('gone') };
    });
    assert.deepEqual(total, { counter: 300, gone: undefined });
  } finally {
    await context.close();
  }
});

test('the outbox in two real tabs (IndexedDB + Web Locks), with failing saves and a reload: every call logged exactly once', async () => {
  const org = new FakeOrg();
  org.setSaveFailureRate(0.3, { seed: 11, modes: ['reject', 'lost'] });
  const context = await browser.newContext();
  try {
    await context.exposeFunction('sfCreate', (object: string, fields: Record<string, string | number>) => {
      const outcome = org.saveLog(object, fields);
      if (outcome.kind === 'saved') return outcome.id;
      throw new Error(outcome.kind === 'error' ? outcome.errors.map((e) => `${e.code}: ${e.description}`).join('; ') : 'hang');
    });
    await context.exposeFunction('sfFind', (object: string, callObject: string) => {
      const found = org.tasks.find((t) => t.objectApiName === object && t.fields.CallObject === callObject);
      return found ? found.id : null;
    });
    const a = await open(context);
    const b = await open(context);
    await a.evaluate(() => (window as unknown as { startOutbox(o: string): boolean }).startOutbox('tab-a'));
    await b.evaluate(() => (window as unknown as { startOutbox(o: string): boolean }).startOutbox('tab-b'));
    const enqueue = async ({ prefix, from, to }: { prefix: string; from: number; to: number }) => {
      const w = window as unknown as { outbox: import('./call-log-outbox.ts').CallLogOutbox };
      for (let i = from; i < to; i++) {
        await w.outbox.enqueue(`${prefix}-${i}`, 'Task', { Subject: `call ${i}`, CallObject: `${prefix}-${i}`, Status: 'Completed' });
      }
    };
    await Promise.all([a.evaluate(enqueue, { prefix: 'a', from: 0, to: 30 }), b.evaluate(enqueue, { prefix: 'b', from: 0, to: 60 })]);
    // Tab A reloads mid-way (in-flight saves abandoned), then queues more.
    await a.reload();
    await a.waitForFunction(() => typeof (window as unknown as { startOutbox?: unknown }).startOutbox === 'function');
    await a.evaluate(() => (window as unknown as { startOutbox(o: string): boolean }).startOutbox('tab-a2'));
    await a.evaluate(enqueue, { prefix: 'a', from: 30, to: 60 });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const pending = await b.evaluate(async () => {
        const w = window as unknown as { outbox: import('./call-log-outbox.ts').CallLogOutbox };
        return (await w.outbox.entries()).filter((e) => e.state !== 'saved').length;
      });
      if (pending === 0) break;
      assert.ok(Date.now() < deadline, `outbox still has ${pending} unsaved entries after 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const counts = new Map<string, number>();
    for (const t of org.tasks) counts.set(String(t.fields.CallObject), (counts.get(String(t.fields.CallObject)) ?? 0) + 1);
    assert.deepEqual(
      [...counts].filter(([, n]) => n > 1),
      [],
      'no duplicates',
    );
    assert.equal(org.tasks.length, 120);
    assert.ok(
      org.saveAttempts.some((s) => s.outcome === 'lost'),
      'lost saves were injected',
    );
  } finally {
    await context.close();
  }
});

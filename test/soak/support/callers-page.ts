/**
 * Serves and opens the callers page (callers.web.ts bundled with sip.js by esbuild into a
 * throwaway folder) in its own browser context: 127.0.0.1 is a secure context, so getUserMedia
 * (Chromium's fake microphone) works and the callers offer real WebRTC.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../support/static-server.ts';
import type { CallerConfig, CallRecord } from './callers.web.ts';

export type { CallerConfig, CallRecord };

export interface CallersPage {
  readonly page: Page;
  /** Places every call at once and resolves with one record per caller when all have ended (bounded by `ms`). */
  run(ms: number): Promise<CallRecord[]>;
  /** The records so far (also while `run` is in flight). */
  records(): Promise<CallRecord[]>;
  close(): Promise<void>;
}

export async function openCallers(browser: Browser, config: CallerConfig): Promise<CallersPage> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-callers-'));
  let server: StaticServer | undefined;
  let context: BrowserContext | undefined;
  try {
    await build({
      entryPoints: [join(import.meta.dirname, 'callers.web.ts')],
      outfile: join(dir, 'callers.js'),
      bundle: true,
      format: 'esm',
      target: ['chrome100'],
      platform: 'browser',
      logLevel: 'warning',
    });
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>callers</title><script type="module" src="./callers.js"></script></head><body></body></html>\n',
    );
    server = await serveStatic(dir);
    context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/index.html`);
    await page
      .waitForFunction(() => 'callers' in window, undefined, { timeout: 15_000 })
      .catch((e: unknown) => {
        throw new Error(`the callers page did not load: ${String(e)}; page errors: ${errors.join('; ')}`);
      });
    await page.evaluate((c) => window.callers.start(c), config);
    const srv = server;
    const ctx = context;
    return {
      page,
      run: async (ms) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, fail) => {
          timer = setTimeout(() => fail(new Error(`the calls did not all end within ${ms} ms`)), ms);
        });
        try {
          return await Promise.race([page.evaluate(() => window.callers.run()), timeout]);
        } finally {
          clearTimeout(timer);
        }
      },
      records: () => page.evaluate(() => window.callers.records),
      close: async () => {
        await page.evaluate(() => window.callers.stop()).catch(() => undefined);
        await ctx.close();
        await srv.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

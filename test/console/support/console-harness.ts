/**
 * One console emulator (strict Salesforce-shaped origins, fixture Visualforce pages) and one
 * Chromium that maps *.force.com to 127.0.0.1, for the console's browser tests.
 */
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { startConsole, STRICT_CHROMIUM_ARGS, type RunningConsole, type ConsoleOptions } from '../../../src/node/console/index.ts';
import { launchChromium } from '../../support/chromium.ts';
import { callCenterXml, type CallCenterXmlOptions } from './call-centers.ts';

export const APEX_DIR = join(import.meta.dirname, '..', 'fixtures', 'apex');

export interface Harness {
  readonly app: RunningConsole;
  readonly browser: Browser;
  /** JSON call to the Lightning listener (by 127.0.0.1, whatever the origin mode). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Imports a call center and assigns it to `userId`; returns the call center Id. */
  useCallCenter(userId: string, options: CallCenterXmlOptions): Promise<string>;
  defaultUserId(): Promise<string>;
  setLayout(userId: string, layout: unknown): Promise<void>;
  /** Opens the Lightning console for `user` and waits for the softphone frame at `framePath`. */
  openConsole(options?: { user?: string; framePath?: string; classic?: boolean }): Promise<{ page: Page; frame: Frame }>;
  close(): Promise<void>;
}

export async function startHarness(options: ConsoleOptions = {}): Promise<Harness> {
  const app = await startConsole({ port: 0, vfPort: 0, dbFile: ':memory:', apexDir: APEX_DIR, strictOrigins: true, ...options });
  let browser: Browser;
  try {
    browser = await launchChromium(STRICT_CHROMIUM_ARGS);
  } catch (e) {
    await app.close();
    throw e;
  }
  const api = <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> =>
    fetchText(app.lightningOrigin.startsWith('https:'), app.port, method, path, body, { authorization: `Bearer ${app.apiToken}` }).then(({ status, text }) => ({
      status,
      body: (text ? JSON.parse(text) : null) as T,
    }));
  const harness: Harness = {
    app,
    browser,
    api,
    async defaultUserId() {
      const { body } = await api<{ user: { Id: string } }>('GET', '/emulator/api/console/session');
      return body.user.Id;
    },
    async useCallCenter(userId, cc) {
      const imported = await api<{ callCenter?: { Id: string }; errors?: unknown[] }>('POST', '/emulator/api/console/setup/call-centers/import', {
        text: callCenterXml(cc),
        fileName: `${cc.internalName}.xml`,
      });
      if (imported.status !== 201 || !imported.body.callCenter) throw new Error(`call center import failed: ${JSON.stringify(imported.body)}`);
      const assigned = await api('POST', '/emulator/api/console/setup/assign', { userId, callCenterId: imported.body.callCenter.Id });
      if (assigned.status !== 200) throw new Error(`assign failed: ${JSON.stringify(assigned.body)}`);
      return imported.body.callCenter.Id;
    },
    async setLayout(userId, layout) {
      const r = await api('PUT', `/emulator/api/console/setup/softphone-layout?user=${encodeURIComponent(userId)}`, layout);
      if (r.status !== 200) throw new Error(`layout save failed: ${JSON.stringify(r.body)}`);
    },
    async openConsole({ user, framePath = '/apex/OpenCtiProbe', classic = false } = {}) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(classic ? app.classicUrl(user) : app.consoleUrl(user));
      await page
        .waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 10_000 })
        .catch(() => {
          throw new Error(`console did not start: ${errors.join('; ')}`);
        });
      const deadline = Date.now() + 10_000;
      let frame: Frame | undefined;
      while (!frame && Date.now() < deadline) {
        frame = page.frames().find((f) => f.url().includes(framePath));
        if (!frame) await page.waitForEvent('frameattached', { timeout: 1000 }).catch(() => undefined);
      }
      if (!frame)
        throw new Error(
          `softphone frame ${framePath} did not load; frames: ${page
            .frames()
            .map((f) => f.url())
            .join(', ')}`,
        );
      await frame.waitForFunction(
        () => (window as unknown as { probe?: { ready?: boolean } }).probe?.ready === true || document.readyState === 'complete',
        undefined,
        { timeout: 10_000 },
      );
      return { page, frame };
    },
    async close() {
      await browser.close();
      await app.close();
    },
  };
  return harness;
}

/** A layout: Inbound searches these objects with these display fields and pop rules. */
export function layout(inbound: { objects: Record<string, string[]>; pops?: Record<string, { screenPopType: string; screenPopData?: string }> }): unknown {
  const section = (objects: Record<string, string[]>, pops: Record<string, unknown> = {}) => ({
    callRelatedFields: ['ANI', 'DNIS'],
    objects: Object.fromEntries(Object.entries(objects).map(([o, fields]) => [o, fields.map((f) => ({ apiName: f, displayName: f }))])),
    screenPopSettings: { screenPopsOpenWithin: 'ExistingWindow', ...pops },
  });
  return { Inbound: section(inbound.objects, inbound.pops), Outbound: section(inbound.objects), Internal: section({}) };
}

/**
 * A request to the emulator by 127.0.0.1 (strict mode's certificate is self-signed). Writes need
 * the emulator's session: pass `{authorization: 'Bearer ' + app.apiToken}` in `headers`.
 */
export function fetchText(
  tls: boolean,
  port: number,
  method: string,
  path: string,
  body?: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ status: number; text: string; type: string; cacheControl: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const opts = {
      host: '127.0.0.1',
      port,
      method,
      path,
      rejectUnauthorized: false,
      headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
    };
    const req = (tls ? request : httpRequest)(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          type: String(res.headers['content-type'] ?? ''),
          cacheControl: String(res.headers['cache-control'] ?? ''),
        }),
      );
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(payload);
  });
}

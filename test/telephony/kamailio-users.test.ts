// Kamailio with a users file (WITH_USERS_FILE: db_text subscriber table): each user signs in with
// their own password; someone else's password is refused with SB20001.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { DIST } from './scenarios.ts';

let browser: Browser, web: StaticServer, kamailio: KamailioHandle;

before(async () => {
  [browser, web, kamailio] = await Promise.all([
    launchChromium(),
    serveStatic(DIST),
    startKamailio({
      users: [
        { username: '2001', password: 'alpha-1' },
        { username: '2002', password: 'beta:2' },
      ],
    }),
  ]);
});

after(async () => {
  await browser?.close();
  await web?.close();
  await kamailio?.stop();
});

async function signIn(username: string, password: string): Promise<string> {
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(`${web.url}/telephony/sip/web/index.html`);
    await page.waitForFunction(() => 'harness' in window);
    return await page.evaluate(
      (c) =>
        window.harness.start(c).then(
          () => 'registered',
          (e: { code?: string }) => String(e.code),
        ),
      { wsUrl: kamailio.wsUrl, domain: kamailio.domain, username, password },
    );
  } finally {
    await page.evaluate(() => window.harness.tel?.dispose()).catch(() => {});
    await page.context().close();
  }
}

test('users from the users file sign in with their own passwords only', async () => {
  assert.equal(
    await signIn('2001', 'alpha-1'),
    'registered',
    kamailio
      .log()
      .split('\n')
      .filter((l) => /ERROR|auth/i.test(l))
      .slice(-15)
      .join('\n'),
  );
  assert.equal(await signIn('2002', 'beta:2'), 'registered');
  assert.equal(await signIn('2001', 'beta:2'), 'SB20001');
  assert.equal(await signIn('2003', 'secret'), 'SB20001');
});

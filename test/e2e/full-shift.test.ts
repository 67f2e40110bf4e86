/**
 * A slice of an agent's shift in one console, end to end, on the embedded SIP server and on
 * Kamailio (the project's deploy/kamailio config with auth_ephemeral): the real connector in the
 * Lightning console emulator (Ada, and Bob as the colleague), Chromium customer phones, real SIP and
 * WebRTC. Every Task the shift leaves is then checked field by field against the logging model in
 * the README ("Call logging": one Task per customer conversation per agent).
 *
 * 1. Maria calls: her Contact pops; Ada takes notes on the call card.
 * 2. Call waiting: Wanda calls meanwhile; Maria's record stays on screen until Ada answers Wanda;
 *    Ada wraps up Wanda and goes back to Maria.
 * 3. Ada consults Bob about Maria, then completes the transfer; one wrap-up.
 * 4. Alan calls; Ada consults Bob, joins the three, leaves the conference; one wrap-up.
 * 5. Katherine (a Lead) calls and hangs up before Ada answers: a missed call.
 * 6. Ada dials a number nobody answers: the panel says why.
 * 7. Ada dials Wanda back from the keypad: the call is related to Wanda.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { DEMO, STRICT_CHROMIUM_ARGS, startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { clickEach, openCustomerPhone, shot, waitUntil, type TaskRecord } from './harness.ts';
import { embeddedPhoneSystem, kamailioPhoneSystem, openConsoleOn, type PhoneSystem } from './phone-systems.ts';

const ADA = DEMO.agent;
const BOB = DEMO.secondAgent;
const WANDA_PHONE = '+14155550155';
const NOBODY = '+14155550111';
const CALLERS = {
  maria: DEMO.uniqueContact.e164,
  wanda: WANDA_PHONE,
  alan: DEMO.ukContact.e164,
  katherine: DEMO.lead.e164,
} as const;

const embedded = (): Promise<PhoneSystem> => embeddedPhoneSystem({ callers: Object.values(CALLERS) });
const kamailio = (): Promise<PhoneSystem> => kamailioPhoneSystem({ callers: Object.values(CALLERS) });

for (const start of [embedded, kamailio]) {
  describe(`a shift slice in one console (${start.name})`, { concurrency: false, timeout: 420_000 }, () => {
    let system: PhoneSystem;
    let app: RunningConsole;
    let browser: Browser;
    let ada: { page: Page; phone: FrameLocator };
    let bob: { page: Page; phone: FrameLocator };
    const customers: Record<keyof typeof CALLERS, Page> = {} as Record<keyof typeof CALLERS, Page>;
    let wanda = '';
    const ids: Record<string, string> = {};

    before(
      async () => {
        system = await start();
        app = await startConsole({ dbFile: ':memory:', sipServer: system.wsUrl, sipDomain: system.domain, strictOrigins: true, sipSecret: system.secret });
        browser = await launchChromium(STRICT_CHROMIUM_ARGS);
        wanda = app.data.create('Contact', { FirstName: 'Wanda', LastName: 'Waiting', Phone: '(415) 555-0155' }, app.data.defaultUser().Id);
        ada = await openConsoleOn(browser, app, system, ADA.username, ADA.extension);
        bob = await openConsoleOn(browser, app, system, BOB.username, BOB.extension);
        const h = { browser, console: app, sip: { url: system.wsUrl } };
        for (const [who, number] of Object.entries(CALLERS) as [keyof typeof CALLERS, string][]) {
          customers[who] = await openCustomerPhone(h, number, {
            dial: ADA.extension,
            domain: system.domain,
            ...(system.callerPassword ? { password: system.callerPassword } : {}),
          });
        }
      },
      { timeout: 120_000 },
    );
    after(async () => {
      await browser?.close().catch(() => {});
      await app?.close().catch(() => {});
      await system?.close().catch(() => {});
    });

    const currentTab = () => ada.page.evaluate('window.__console.currentTab()') as Promise<{ recordId?: string } | null>;
    const ringing = (phone: FrameLocator) => phone.getByRole('article').filter({ has: phone.getByRole('button', { name: 'Answer' }) });
    const adaTasks = (): TaskRecord[] =>
      (app.data.list('Task', 10_000) as unknown as TaskRecord[]).filter((t) => t.fields['OwnerId'] === ADA.id && !seeded.has(t.Id));
    const customerLine = (who: keyof typeof CALLERS) => customers[who].locator('li');

    async function saveWrapUp(phone: FrameLocator, disposition?: string): Promise<void> {
      const form = phone.getByRole('form', { name: 'Wrap-up' }).first();
      await form.waitFor({ timeout: 15_000 });
      if (disposition) await form.getByLabel('Disposition').selectOption({ label: disposition });
      await form.getByRole('button', { name: 'Save' }).click();
    }

    async function bobHangsUpAndWrapsUp(): Promise<void> {
      await bob.phone.getByRole('button', { name: 'Hang up' }).first().click({ timeout: 10_000 });
      const forms = bob.phone.getByRole('form', { name: 'Wrap-up' });
      await forms.first().waitFor({ timeout: 10_000 });
      await clickEach(forms, 'Save');
    }

    const seeded = new Set<string>();

    test('the shift, as Ada works it', { timeout: 300_000 }, async (t) => {
      for (const task of adaTasks()) seeded.add(task.Id);
      let done = false;
      t.after(async () => {
        if (!done) {
          await shot(ada.page, `shift-${system.name}-failed-ada`);
          await shot(bob.page, `shift-${system.name}-failed-bob`);
          for (const [who, page] of Object.entries(customers)) await shot(page, `shift-${system.name}-failed-${who}`);
        }
      });
      // 1. Maria: pop, notes on the card.
      await customers.maria.getByRole('button', { name: 'Call', exact: true }).click();
      await ringing(ada.phone).getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
      await waitUntil(async () => (await currentTab())?.recordId === DEMO.uniqueContact.id, 10_000, 'Maria pops');
      await ada.phone.getByText('Notes for this call').click();
      await ada.phone.getByLabel('Notes').fill('Order 1042 arrived damaged');

      // 2. Wanda waits; Maria's record stays until Ada answers Wanda.
      await customers.wanda.getByRole('button', { name: 'Call', exact: true }).click();
      await ringing(ada.phone).getByText('Wanda Waiting', { exact: true }).waitFor({ timeout: 20_000 });
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await currentTab())?.recordId, DEMO.uniqueContact.id, "Maria's record stays while Wanda rings");
      await ringing(ada.phone).getByRole('button', { name: 'Answer' }).click();
      await waitUntil(async () => (await currentTab())?.recordId === wanda, 10_000, 'Wanda pops on answer');
      const wandaCard = ada.phone.getByRole('article').filter({ hasText: 'Wanda Waiting' });
      await wandaCard.getByText('Connected').waitFor({ timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 1500));
      await wandaCard.getByRole('button', { name: 'Hang up' }).click();
      await saveWrapUp(ada.phone, 'Resolved');
      const mariaCard = ada.phone.getByRole('article').filter({ hasText: 'Maria Lopez' });
      await mariaCard.getByRole('button', { name: 'Resume' }).click({ timeout: 10_000 });
      await mariaCard.getByText('Connected').waitFor({ timeout: 10_000 });

      // 3. Consult Bob about Maria, then complete the transfer.
      await mariaCard.getByRole('button', { name: 'Transfer', exact: true }).click();
      await ada.phone.getByRole('button', { name: 'Consult Bob Backup' }).click();
      await ringing(bob.phone).getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
      await ada.phone.getByRole('article', { name: 'Consultation' }).getByText('Connected').waitFor({ timeout: 15_000 });
      await ada.phone.getByRole('button', { name: 'Complete transfer' }).click();
      await saveWrapUp(ada.phone, 'Follow-up needed');
      await waitUntil(async () => /: connected/.test((await customerLine('maria').first().textContent()) ?? ''), 10_000, 'Maria talks with Bob');
      await bobHangsUpAndWrapsUp();

      // 4. Alan: consult Bob, conference, leave.
      await customers.alan.getByRole('button', { name: 'Call', exact: true }).click();
      await ringing(ada.phone).getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
      await ada.phone.getByRole('button', { name: 'Transfer', exact: true }).click({ timeout: 10_000 });
      await ada.phone.getByRole('button', { name: 'Consult Bob Backup' }).click();
      await ringing(bob.phone).getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
      await ada.phone.getByRole('article', { name: 'Consultation' }).getByText('Connected').waitFor({ timeout: 15_000 });
      await ada.phone.getByRole('button', { name: 'Conference', exact: true }).first().click();
      await ada.phone.getByRole('button', { name: 'Leave conference' }).click({ timeout: 10_000 });
      await saveWrapUp(ada.phone, 'Resolved');
      await waitUntil(async () => /: connected/.test((await customerLine('alan').first().textContent()) ?? ''), 10_000, 'Alan talks with Bob');
      await bobHangsUpAndWrapsUp();

      // 5. Katherine gives up before Ada answers.
      await customers.katherine.getByRole('button', { name: 'Call', exact: true }).click();
      await ringing(ada.phone).waitFor({ timeout: 20_000 });
      await customerLine('katherine').first().getByRole('button', { name: 'Hang up' }).click();
      await waitUntil(async () => (await ringing(ada.phone).count()) === 0, 10_000, 'the missed call stops ringing');

      // 6. Nobody answers that number: the panel says why.
      await ada.phone.getByRole('textbox', { name: 'Number to dial' }).fill(NOBODY);
      await ada.phone.getByRole('button', { name: 'Call', exact: true }).click();
      const why = ada.phone.getByText(/Call to .* failed: (no such number|no answer)\./);
      await why.first().waitFor({ timeout: 30_000 });
      ids['failedText'] = (await why.first().textContent()) ?? '';
      await shot(ada.page, `shift-${system.name}-unreachable`);

      // 7. Ada calls Wanda back from the keypad; Wanda answers.
      await ada.phone.getByRole('textbox', { name: 'Number to dial' }).fill('(415) 555-0155');
      await ada.phone.getByRole('button', { name: 'Call', exact: true }).click();
      await customers.wanda.getByRole('button', { name: /Answer/ }).click({ timeout: 20_000 });
      await ada.phone.getByRole('article', { name: 'Outgoing call' }).getByText('Connected').waitFor({ timeout: 15_000 });
      await new Promise((r) => setTimeout(r, 1500));
      await ada.phone.getByRole('button', { name: 'Hang up' }).click();
      await saveWrapUp(ada.phone, 'Resolved');
      done = true;
    });

    test("every Task of the shift, field by field, as the README's logging model says", { timeout: 60_000 }, async () => {
      await waitUntil(() => adaTasks().length >= 6, 20_000, 'six Tasks for Ada');
      await new Promise((r) => setTimeout(r, 1000));
      const tasks = adaTasks().map((t) => t.fields);
      const subjects = tasks.map((f) => String(f['Subject']));
      assert.equal(tasks.length, 6, `exactly six Tasks: ${JSON.stringify(subjects)}`);
      assert.equal(new Set(tasks.map((f) => f['CallObject'])).size, 6, 'one Task per call');
      assert.equal(tasks.filter((f) => f['CallType'] === 'Internal').length, 0, 'no Task for a consultation');
      for (const f of tasks) {
        assert.deepEqual([f['Status'], f['Type'], f['TaskSubtype']], ['Completed', 'Call', 'Call']);
        assert.match(String(f['ActivityDate']), /^\d{4}-\d{2}-\d{2}$/);
      }
      const one = (what: string, pick: (f: Readonly<Record<string, unknown>>) => boolean) => {
        const found = tasks.filter(pick);
        assert.equal(found.length, 1, `one Task ${what}: ${JSON.stringify(subjects)}`);
        return found[0]!;
      };
      const talked = (f: Readonly<Record<string, unknown>>) => Number(f['CallDurationInSeconds']) >= 1;

      const maria = one('with Maria', (f) => f['WhoId'] === DEMO.uniqueContact.id);
      assert.equal(maria['CallType'], 'Inbound');
      assert.equal(maria['CallDisposition'], 'FollowUp');
      assert.ok(talked(maria), `Maria's talk time: ${String(maria['CallDurationInSeconds'])}`);
      assert.match(String(maria['Subject']), /\+1 415 555 0134/);
      const mariaLines = String(maria['Description']).split('\n');
      assert.equal(mariaLines[0], 'Order 1042 arrived damaged');
      assert.match(mariaLines[2] ?? '', /^Consulted Bob Backup \(1002\), talked \d:\d\d: the call was transferred to them\.$/);
      assert.equal(mariaLines[3], 'Transferred to Bob Backup (1002) after consulting them (consultative transfer).');

      const wandaIn = one('from Wanda', (f) => f['WhoId'] === wanda && f['CallType'] === 'Inbound');
      assert.deepEqual([wandaIn['CallDisposition'], wandaIn['Description'] ?? ''], ['Resolved', '']);
      assert.ok(talked(wandaIn), `Wanda's talk time: ${String(wandaIn['CallDurationInSeconds'])}`);
      assert.equal(wandaIn['WhatId'] ?? null, null, "nothing of Maria's");
      assert.match(String(wandaIn['Subject']), /\+1 415 555 0155/);

      const alan = one('with Alan', (f) => f['WhoId'] === DEMO.ukContact.id);
      assert.equal(alan['CallType'], 'Inbound');
      assert.match(String(alan['Subject']), /\+44 20 7946 0958/);
      assert.equal(alan['CallDisposition'], 'Resolved');
      assert.ok(talked(alan), `Alan's talk time: ${String(alan['CallDurationInSeconds'])}`);
      assert.equal(alan['WhatId'] ?? null, null, 'nothing was related but the caller');
      const alanLines = String(alan['Description']).split('\n');
      assert.match(alanLines[0] ?? '', /^Consulted Bob Backup \(1002\), talked \d:\d\d: joined in a conference\.$/);
      assert.equal(alanLines[1], 'Left the conference; the caller stayed on with Bob Backup (1002).');

      const missed = one('missed from Katherine', (f) => f['WhoId'] === DEMO.lead.id);
      assert.deepEqual([missed['CallType'], missed['CallDisposition'], missed['CallDurationInSeconds']], ['Inbound', 'Missed', 0]);
      assert.match(String(missed['Subject']), /^Missed call from \+1 /);
      assert.equal(missed['WhatId'] ?? null, null, 'a Lead as Name takes no Related To');

      const failed = one('to nobody', (f) => f['CallType'] === 'Outbound' && String(f['Subject']).startsWith('Failed call to'));
      assert.equal(failed['CallDurationInSeconds'], 0);
      assert.deepEqual([failed['WhoId'] ?? null, failed['WhatId'] ?? null], [null, null], 'a number nobody has is related to nothing');
      assert.match(String(failed['Subject']), /\+1 415 555 0111/);
      // The panel and the Task tell the same story: nobody registered there (480) or no such user (404).
      const result = String(failed['CallDisposition']);
      assert.ok(['No Answer', 'No Such Number'].includes(result), result);
      assert.match(String(failed['Subject']), result === 'No Answer' ? /\(no answer\)$/ : /\(no such number\)$/);

      const keypad = one('dialled to Wanda', (f) => f['WhoId'] === wanda && f['CallType'] === 'Outbound');
      assert.equal(keypad['CallDisposition'], 'Resolved');
      assert.match(String(keypad['Subject']), /\+1 415 555 0155/);
      assert.equal(keypad['WhatId'] ?? null, null);
      assert.ok(talked(keypad), `the keypad call's talk time: ${String(keypad['CallDurationInSeconds'])}`);
    });
  });
}

/**
 * "The agent's day": what happens when a call does not become a conversation, seen as the agent and
 * Salesforce see it. Real connector in the Lightning console emulator, real SIP through the
 * embedded server, Chromium pages for agents and customers.
 * - Declining a ring-group offer releases only that agent: the support line 5000 rings two agents,
 *   one declines, the other can still answer, and the caller stays connected (a 603 from the
 *   decliner would make the forking proxy cancel every branch, RFC 3261 §16.7).
 * - A call the agent places that fails says why in the panel (busy, no such number, no answer).
 * - Declined, missed and failed calls are logged as such: Subject and Call Result (CallDisposition).
 *
 * The server here is the harness's (minted per-user credentials) with two differences: the support
 * line rings agents 1001 and 1002, and two far ends stand for the outside world, a busy line (486)
 * and a carrier gateway that answers 404 for a number nobody has (as gateways map Q.850 cause 1,
 * "unallocated number"). Under minted credentials any extension may exist, so the embedded server
 * itself answers an unknown local number with 480, not 404; that case is checked too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO } from '../../src/node/console/seed/index.ts';
import { DEMO_SIP_DOMAIN } from '../../src/node/demo/demo-phone-system.ts';
import type { TestPhone } from '../../src/node/sip-server/test-support/sip-phone.ts';
import { CALLERS, openCustomerPhone, startHarness, shot, tasksFor, waitRegistered, waitUntil, type Harness, type TaskRecord } from './harness.ts';

/** Far ends the agent dials: guests of the SIP server that refuse every call in their own way. */
const FAR = {
  busy: '+14155550199', //      a line that is busy (486 Busy Here)
  gateway: '+14155550144', //   a PSTN gateway: the number is unallocated (404 Not Found)
  nobody: '+14155550111', //    nobody registered: the embedded server answers 480
} as const;

const BOB = DEMO.secondAgent;
const ADA = DEMO.agent;

/** The demo's support line as a ring group of two agents, rung in parallel; the scripted far ends as guests. */
const startTwoAgentHarness = (): Promise<Harness> => startHarness({ ringGroup: [ADA.extension, BOB.extension], guests: [FAR.busy, FAR.gateway] });

/** A far end that answers every INVITE with `status`. */
async function refusingPhone(h: Harness, user: string, status: number): Promise<TestPhone> {
  const { TestPhone } = await import('../../src/node/sip-server/test-support/sip-phone.ts');
  const phone = await TestPhone.start({ url: h.sip.url, domain: DEMO_SIP_DOMAIN, user });
  assert.equal(await phone.register(), 'registered', `${user} registers`);
  const refuse = async (): Promise<void> => {
    for (;;) {
      const invitation = await phone.invitations.next(`a call to ${user}`, () => true, 600_000).catch(() => undefined);
      if (!invitation) return;
      await invitation.reject({ statusCode: status }).catch(() => {});
    }
  };
  void refuse();
  return phone;
}

describe("the agent's day: declined, missed and failed calls", { concurrency: false, timeout: 240_000 }, () => {
  let h: Harness;
  const farEnds: TestPhone[] = [];

  before(async () => {
    h = await startTwoAgentHarness();
    farEnds.push(await refusingPhone(h, FAR.busy, 486), await refusingPhone(h, FAR.gateway, 404));
  });
  after(async () => {
    for (const phone of farEnds) await phone.stop().catch(() => {});
    await h?.close();
  });

  /** A console opened as `username`, its softphone signed in (minted credentials) and registered. */
  async function openAs(username: string, extension: string) {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(h.console.consoleUrl(username));
    await waitRegistered(h, extension);
    const phone = page.frameLocator('iframe[title="Softphone"]');
    await phone.getByRole('textbox', { name: 'Number to dial' }).waitFor({ timeout: 15_000 });
    // The utility bar's Phone panel starts closed (an offer opens it; dialling needs it open).
    const utility = page.getByRole('contentinfo', { name: 'Utility Bar' }).getByRole('button', { name: 'Phone', exact: true });
    if ((await utility.getAttribute('aria-expanded')) !== 'true') await utility.click();
    return { context, page, phone };
  }

  const subject = (t: TaskRecord): string => String(t.fields['Subject'] ?? '');

  test('one agent declines a ring-group call; the other still answers it and the caller stays connected', { timeout: 90_000 }, async () => {
    const ada = await openAs(ADA.username, ADA.extension);
    const bob = await openAs(BOB.username, BOB.extension);
    // The org's seed data holds Tasks of its own; only the ones this call writes count.
    const seeded = new Set(tasksFor(h, () => true).map((t) => t.Id));
    const customer = await openCustomerPhone(h, CALLERS.ada);
    await customer.getByRole('button', { name: 'Call', exact: true }).click();

    await ada.phone.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 15_000 });
    await bob.phone.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 15_000 });
    await ada.phone.getByRole('button', { name: 'Decline' }).click();
    await ada.phone.getByRole('button', { name: 'Answer' }).waitFor({ state: 'detached', timeout: 10_000 });

    // Ada's decline is logged before Bob does anything. Her response went to the proxy before the
    // log was written, so by then a 603 would have made the proxy cancel Bob's branch and answer the
    // caller 603 (RFC 3261 §16.7): the offer must still ring for Bob and the caller must still wait.
    const adaLogged = () => tasksFor(h, (t) => t.fields['OwnerId'] === ADA.id && !seeded.has(t.Id));
    await waitUntil(() => adaLogged().length === 1, 15_000, "Ada's declined call is logged");
    assert.equal(await bob.phone.getByRole('button', { name: 'Answer' }).count(), 1, 'the call still rings for Bob');
    assert.doesNotMatch((await customer.getByRole('status').textContent()) ?? '', /ended/, 'the caller is still ringing');
    await shot(bob.page, 'day-01-colleague-declined');

    await bob.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 5_000 });
    await bob.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 15_000 });
    await waitUntil(async () => /connected/.test((await customer.getByRole('status').textContent()) ?? ''), 15_000, 'the caller is connected to Bob');
    await bob.phone.getByRole('button', { name: 'Hang up' }).click();
    await bob.phone.getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });

    const [declined] = adaLogged();
    assert.match(subject(declined!), /^Declined call from \+?1?[\s(]*415\D*555\D*0134$/);
    assert.equal(declined!.fields['CallDisposition'], 'Declined');
    assert.equal(declined!.fields['CallType'], 'Inbound');
    assert.equal(Number(declined!.fields['CallDurationInSeconds']), 0);
    // Bob's conversation is an ordinary call log, with the same call id as Ada's decline.
    await waitUntil(
      () => tasksFor(h, (t) => t.fields['OwnerId'] === BOB.id && t.fields['CallObject'] === declined!.fields['CallObject']).length === 1,
      15_000,
      "Bob's answered call is logged",
    );
    const [answered] = tasksFor(h, (t) => t.fields['OwnerId'] === BOB.id && t.fields['CallObject'] === declined!.fields['CallObject']);
    assert.match(subject(answered!), /^Inbound call /);
    assert.notEqual(answered!.fields['CallDisposition'], 'Declined');

    await customer.context().close();
    await bob.context.close();
    await waitUntil(() => h.sip.registrations(BOB.extension).length === 0, 10_000, "Bob's console is gone");
    await ada.context.close();
    await waitUntil(() => h.sip.registrations(ADA.extension).length === 0, 10_000, "Ada's console is gone");
  });

  test('a call the caller gives up on is logged as missed', { timeout: 60_000 }, async () => {
    const ada = await openAs(ADA.username, ADA.extension);
    const customer = await openCustomerPhone(h, CALLERS.unknown, { dial: ADA.extension });
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await ada.phone.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 15_000 });
    await customer.getByRole('button', { name: /^Hang up call with/ }).click();
    await ada.phone.getByRole('button', { name: 'Answer' }).waitFor({ state: 'detached', timeout: 10_000 });
    await waitUntil(() => tasksFor(h, (t) => subject(t).startsWith('Missed call from')).length === 1, 15_000, 'the missed call is logged');
    const [missed] = tasksFor(h, (t) => subject(t).startsWith('Missed call from'));
    assert.match(subject(missed!), /^Missed call from \+?1?[\s(]*650\D*555\D*0123$/);
    assert.equal(missed!.fields['CallDisposition'], 'Missed');
    assert.equal(missed!.fields['OwnerId'], ADA.id);
    await customer.context().close();
    await ada.context.close();
    await waitUntil(() => h.sip.registrations(ADA.extension).length === 0, 10_000, "Ada's console is gone");
  });

  test('a call the agent places that fails says why in the panel, and is logged as failed', { timeout: 90_000 }, async () => {
    const ada = await openAs(ADA.username, ADA.extension);
    const dial = async (number: string): Promise<void> => {
      await ada.phone.getByRole('textbox', { name: 'Number to dial' }).fill(number);
      await ada.phone.getByRole('button', { name: 'Call', exact: true }).click();
    };
    const notice = (text: RegExp) => ada.phone.getByRole('alert').filter({ hasText: text });
    const failedTask = (number: string) =>
      tasksFor(h, (t) => subject(t).startsWith('Failed call to') && subject(t).replace(/\D/g, '').includes(number.replace(/\D/g, '')));

    await dial(FAR.busy);
    await notice(/Call to .*0199 failed: the line is busy\./).waitFor({ timeout: 15_000 });
    await shot(ada.page, 'day-02-busy');
    await waitUntil(() => failedTask(FAR.busy).length === 1, 15_000, 'the busy call is logged');
    assert.match(subject(failedTask(FAR.busy)[0]!), / \(busy\)$/);
    assert.equal(failedTask(FAR.busy)[0]!.fields['CallDisposition'], 'Busy');
    assert.equal(failedTask(FAR.busy)[0]!.fields['CallType'], 'Outbound');

    await dial(FAR.gateway);
    await notice(/Call to .*0144 failed: no such number\./).waitFor({ timeout: 15_000 });
    // The new failure replaced the old notice: one alert, about the latest call.
    assert.equal(await ada.phone.getByRole('alert').count(), 1);
    await shot(ada.page, 'day-03-no-such-number');
    await waitUntil(() => failedTask(FAR.gateway).length === 1, 15_000, 'the call to no such number is logged');
    assert.match(subject(failedTask(FAR.gateway)[0]!), / \(no such number\)$/);
    assert.equal(failedTask(FAR.gateway)[0]!.fields['CallDisposition'], 'No Such Number');

    await dial(FAR.nobody);
    await notice(/Call to .*0111 failed: no answer\./).waitFor({ timeout: 15_000 });
    await waitUntil(() => failedTask(FAR.nobody).length === 1, 15_000, 'the unanswered call is logged');
    assert.equal(failedTask(FAR.nobody)[0]!.fields['CallDisposition'], 'No Answer');

    // The agent can dismiss it.
    await ada.phone.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
    await notice(/failed/).waitFor({ state: 'detached', timeout: 5_000 });
    await ada.context.close();
  });
});

// Hold and interaction metrics of a recorded call, measured by the embedded SIP server from the
// re-INVITEs it proxies and sent with the end through the real voice bridge. Real sip.js phones;
// the server's clock runs ahead of the wall clock on demand, so minutes on hold take no time.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inviter, type Invitation, type Session } from 'sip.js';
import { silentLogger, type Clock } from '../../core/index.ts';
import { generateKeyPair } from '../voice-bridge/keygen.ts';
import { loadPrivateKey } from '../voice-bridge/private-key.ts';
import { ScrtClient } from '../voice-bridge/scrt-client.ts';
import { startVoiceBridge, type VoiceBridge } from '../voice-bridge/bridge-server.ts';
import { startFakeScrt, type FakeScrt } from '../voice-bridge/test-support/fake-scrt.ts';
import { fixture, type Fixture } from './test-support/fixture.ts';
import { reach, SessionState, type TestPhone } from './test-support/sip-phone.ts';
import { systemClock } from './system-clock.ts';
import { until } from './test-support/wait.ts';

const ORG = '00D5g000000SwBdEAK';
const CENTER = 'Switchboard_Voice';

let dir: string;
let scrt: FakeScrt;
let bridge: VoiceBridge;
let f: Fixture;
/** How far the server's clock has been moved on. It does not move by itself: a slow machine adds no seconds to the figures. */
let ahead = 0;
const startedAt = Date.now();
const clock: Clock = { now: () => startedAt + ahead, setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms) };
const wait = (seconds: number): void => {
  ahead += seconds * 1000;
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-sip-holds-'));
  const files = generateKeyPair(dir);
  scrt = await startFakeScrt({ certificatePem: files.certificate, orgId: ORG, callCenter: CENTER, providerName: 'Switchboard' });
  const client = new ScrtClient({
    scrtUrl: scrt.url,
    orgId: ORG,
    callCenter: CENTER,
    providerName: 'Switchboard',
    key: loadPrivateKey({ file: files.keyPath }),
    logger: silentLogger,
    timeoutMs: 3000,
    attempts: 1,
  });
  bridge = await startVoiceBridge({ client, port: 0, logger: silentLogger });
  f = await fixture({ voiceBridge: { url: bridge.url }, clock });
});
after(async () => {
  await f.close();
  await bridge.close();
  await scrt.close();
  rmSync(dir, { recursive: true, force: true });
  // The test phones' sip.js can orphan a 2xx retransmission timer after back-to-back re-INVITEs
  // (two retransmission loops share one timer handle, and dispose clears only one): everything of
  // ours is closed by now, so such a timer must not keep this file's process, and npm test, alive.
  setTimeout(() => process.exit(), 2000).unref();
});

/** Puts `session` on hold (sendonly) or takes it off, by re-INVITE; resolves once the other side accepted. */
async function setHold(session: Session, hold: boolean): Promise<void> {
  // sip.js offers and answers later re-INVITEs with these options: a holding UA stays sendonly.
  session.sessionDescriptionHandlerOptionsReInvite = { hold } as Session['sessionDescriptionHandlerOptionsReInvite'];
  await new Promise<void>((resolve, reject) => {
    void session
      .invite({
        requestDelegate: { onAccept: () => resolve(), onReject: (r) => reject(new Error(`re-INVITE refused ${r.message.statusCode}`)) },
      })
      .catch(reject);
  });
}

/** The customer calls agent `user`, who answers: the call's Call-ID and both sides' sessions. */
async function answeredCall(
  user: string,
): Promise<{ customer: TestPhone; agent: TestPhone; callId: string; caller: Inviter; answered: Invitation; answeredAt: number }> {
  const customer = await f.phone('guest');
  const agent = await f.phone(user);
  const call = customer.call(user);
  const answered = await agent.invitations.next(`the offer to ${user}`);
  await answered.accept();
  assert.equal((await call.outcome).kind, 'established');
  return { customer, agent, callId: answered.request.callId, caller: call.inviter, answered, answeredAt: clock.now() };
}

/** Counts the ACKs `session` receives from now on (its delegate's onAck). */
function acksAt(session: Session): { count(): number; stop(): void } {
  let n = 0;
  const before = session.delegate;
  session.delegate = {
    ...before,
    onAck: (ack) => {
      n++;
      before?.onAck?.(ack);
    },
  };
  return {
    count: () => n,
    stop: () => {
      session.delegate = before;
    },
  };
}

function update(callId: string): Record<string, unknown> {
  const u = scrt.calls.get(callId)?.updates;
  assert.equal(u?.length, 1, 'closed once');
  return u[0] as Record<string, unknown>;
}

// The holds are placed from the customer's side (the caller's sip.js session) where the agent's
// would need a re-INVITE from the answering session, which the test phones' fixed SDP handler does
// not survive; the server measures both directions alike (the rule is in sdp-hold.ts).
describe('hold and interaction metrics of a recorded call (embedded SIP server)', () => {
  test('two holds, a refresh while held, the second hold open at the hang-up: count, total, longest, talk time, accept time', async () => {
    const { callId, caller, answered, answeredAt } = await answeredCall('1001');
    wait(10);
    await setHold(caller, true);
    wait(25);
    // The holding phone refreshes the session, still sendonly: the same hold goes on.
    await setHold(caller, true);
    wait(5);
    await setHold(caller, false);
    wait(5);
    const acked = acksAt(answered);
    await setHold(caller, true);
    // The agent's phone hangs up only once this re-INVITE is settled: sip.js leaves a 2xx
    // retransmission timer running for ever when the dialog ends right after it (a test-phone
    // artefact that kept this file's process alive).
    await until(() => acked.count() > 0 || undefined, 'the ACK of the last re-INVITE at the agent');
    acked.stop();
    wait(12);
    await answered.bye();
    await until(() => scrt.calls.get(callId)?.updates.length === 1 || undefined, 'the end sent');
    const sent = update(callId);
    assert.equal(sent.disconnectReason, 'AGENT_DISCONNECT');
    assert.ok(Math.abs(Date.parse(String(sent.acceptTime)) - answeredAt) < 1000, `accept ${String(sent.acceptTime)} is the answer`);
    assert.deepEqual([sent.numberOfHolds, sent.totalHoldDuration, sent.longestHoldDuration, sent.agentInteractionDuration], [2, 42, 30, 15]);
  });

  test('a call without a hold sends zeros and its whole talk time; the ring time is not talk time', async () => {
    const customer = await f.phone('guest');
    const agent = await f.phone('1003');
    const call = customer.call('1003');
    const offer = await agent.invitations.next('the offer to 1003');
    wait(9); // ringing
    await offer.accept();
    assert.equal((await call.outcome).kind, 'established');
    wait(33);
    await call.inviter.bye();
    const callId = offer.request.callId;
    await until(() => scrt.calls.get(callId)?.updates.length === 1 || undefined, 'the end');
    const b = update(callId);
    assert.deepEqual(
      [b.disconnectReason, b.numberOfHolds, b.totalHoldDuration, b.longestHoldDuration, b.agentInteractionDuration],
      ['CUSTOMER_DISCONNECT', 0, 0, 0, 33],
    );
    const accept = Date.parse(String(b.acceptTime));
    const start = Date.parse(String(scrt.calls.get(callId)?.created.startTime));
    assert.ok(Math.abs(accept - start - 9000) < 1000, `accepted ${accept - start} ms after the start`);
  });

  test('a reload take-back of a held call (INVITE with Replaces, sendrecv, then held again) continues the same hold', async () => {
    const { customer, callId, caller, answered } = await answeredCall('1004');
    wait(8);
    await setHold(caller, true);
    wait(15);
    // The agent's page reloads: its socket closes without a BYE, the new page takes the call back.
    const d = answered.dialog;
    assert.ok(d);
    const disconnected = new Promise<void>((r) => {
      f.server.on('disconnected', () => r());
    });
    await answered.userAgent.transport.disconnect();
    await disconnected;
    const back = await f.phone('1004');
    const takeBack = new Inviter(back.ua, d.remoteTarget, { extraHeaders: [`Replaces: ${d.callId};to-tag=${d.remoteTag};from-tag=${d.localTag}`] });
    const established = reach(takeBack, SessionState.Established);
    void takeBack.invite();
    const replacing = await customer.invitations.next('the take-back at the customer');
    await replacing.accept();
    await established;
    // The customer's phone drops the replaced dialog (RFC 3891 §3).
    await caller.bye();
    wait(2);
    // The new page holds again (as the connector does for a call that was held): the same hold.
    await setHold(takeBack, true);
    wait(20);
    await setHold(takeBack, false);
    wait(7);
    await takeBack.bye();
    await until(() => scrt.calls.get(callId)?.updates.length === 1 || undefined, 'the end after the take-back');
    const sent = update(callId);
    assert.equal(scrt.calls.get(replacing.request.callId), undefined, 'the take-back is no VoiceCall of its own');
    assert.deepEqual(
      [sent.disconnectReason, sent.numberOfHolds, sent.totalHoldDuration, sent.longestHoldDuration, sent.agentInteractionDuration],
      ['AGENT_DISCONNECT', 1, 37, 37, 15],
    );
  });
});

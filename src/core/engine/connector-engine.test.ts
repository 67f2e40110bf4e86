// The connector engine's decisions, driven against the behaving fakes (test/support/engine-harness.ts):
// start and sign-in, robustness, the behaving Salesforce, and invariants under random traffic.
// The other engine tests are split by concern: engine-screen-pop, engine-call-logging, engine-presence, engine-calls.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorEngine } from './connector-engine.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../testing/index.ts';
import { FakePhoneSystem } from '../../telephony/fake/index.ts';
import { FakeCrm, type FakeRecord } from '../../crm/fake/index.ts';
import { parseConnectorSettings } from '../settings/connector-settings.ts';
import { AGENT, setup, rejectsWith, type Harness } from '../../../test/support/engine-harness.ts';

// ── start, settings, registration ───────────────────────────────────────────────────────────

describe('engine start and sign-in', () => {
  it('reads the settings, tells the CRM it is ready, enables click-to-dial, waits signed out', async () => {
    const h = await setup({ signIn: false });
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.equal(h.engine.state.settings?.sip.domain, 'pbx.example.com');
    assert.deepEqual(h.crm.methods.slice(0, 3), ['loadSettings', 'notifyReady', 'enableClickToDial']);
    assert.equal(h.engine.state.clickToDialEnabled, true);
    assert.equal(h.presence, 'offline');
  });

  it('goes misconfigured (and still tells the CRM it is ready) when the settings do not parse', async () => {
    const h = await setup({ signIn: false, map: { '/switchboard/sipWebSocketUrl': '', '/switchboard/wrapUpSeconds': 'soon' } });
    assert.equal(h.engine.state.phase, 'misconfigured');
    assert.equal(h.engine.state.lastError?.code, 'SB10001');
    assert.match(h.engine.state.lastError?.message ?? '', /sipWebSocketUrl is required/);
    assert.match(h.engine.state.lastError?.message ?? '', /wrapUpSeconds must be a whole number/);
    assert.deepEqual(
      h.errors.map((e) => e.code),
      ['SB10001'],
    );
    assert.ok(h.crm.methods.includes('notifyReady'));
    await rejectsWith(h, { type: 'dial', number: '1002' }, 'SB20001');
    // The phone system adapter was never built: nothing to sign in to.
    await rejectsWith(h, { type: 'sign-in', ...AGENT }, 'SB10001');
  });

  it('goes misconfigured (and still tells the CRM it is ready) when the phone adapter refuses the settings', async () => {
    const h = await setup({ signIn: false, telephonyError: new SwitchboardError('SB10002', 'sipWebSocketUrl is not a WebSocket URL.') });
    assert.equal(h.engine.state.phase, 'misconfigured');
    assert.equal(h.engine.state.lastError?.code, 'SB10002');
    assert.deepEqual(
      h.errors.map((e) => e.code),
      ['SB10002'],
    );
    assert.ok(h.crm.methods.includes('notifyReady'));
    const other = await setup({ signIn: false, telephonyError: new TypeError('bad ICE server') });
    assert.equal(other.engine.state.lastError?.code, 'SB10001');
  });

  it('tells the CRM it is ready while an asynchronous phone adapter is still loading, then waits signed out', async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const crm = new RecordingCrm({ settings: settingsMap({}) });
    let release!: () => void;
    const loaded = new Promise<void>((resolve) => {
      release = resolve;
    });
    const engine = new ConnectorEngine({
      crm,
      createTelephony: async () => {
        await loaded;
        return phone.createTelephony();
      },
      storage: new MemoryStorage(),
      clock,
      logger: new CapturingLogger(),
    });
    const started = engine.start();
    // The adapter's code has not arrived, yet the panel is already declared ready.
    for (let i = 0; i < 20 && !crm.methods.includes('notifyReady'); i++) await Promise.resolve();
    assert.deepEqual(crm.methods, ['loadSettings', 'notifyReady']);
    assert.equal(engine.state.phase, 'loading');
    release();
    await started;
    assert.equal(engine.state.phase, 'signed-out');
    assert.deepEqual(
      crm.methods.filter((m) => m === 'notifyReady'),
      ['notifyReady'],
    );
    await engine.execute({ type: 'sign-in', ...AGENT });
    assert.equal(engine.state.registration.state, 'registered');
    engine.dispose();
  });

  it('goes misconfigured (and tells the CRM it is ready once) when an asynchronous phone adapter fails to load', async () => {
    const crm = new RecordingCrm({ settings: settingsMap({}) });
    const engine = new ConnectorEngine({
      crm,
      createTelephony: () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')),
      storage: new MemoryStorage(),
      clock: new FakeClock(),
      logger: new CapturingLogger(),
    });
    const errors: string[] = [];
    engine.events.on('error', (e) => errors.push(e.code));
    await engine.start();
    assert.equal(engine.state.phase, 'misconfigured');
    assert.equal(engine.state.lastError?.code, 'SB10001');
    assert.deepEqual(errors, ['SB10001']);
    assert.deepEqual(crm.methods, ['loadSettings', 'notifyReady']);
    engine.dispose();
  });

  it('signs in: registers, becomes available, publishes presence to the phone system and the CRM', async () => {
    const h = await setup();
    assert.equal(h.engine.state.phase, 'ready');
    assert.equal(h.engine.state.registration.state, 'registered');
    assert.equal(h.presence, 'available');
    assert.deepEqual(h.phone.publishedPresence('1001'), ['available']);
    assert.equal(h.crm.presence.at(-1)?.status, 'available');
  });

  it('calls notifyReady before registration completes, and a hanging registration does not block start()', { timeout: 30_000 }, async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    phone.pauseRegistrations();
    const h = await setup({ phone, signIn: false, items: { sipUsername: '1001', sipPassword: 'secret' } });
    // start() returned although the registration is still pending.
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'connecting');
    assert.equal(h.engine.state.phase, 'ready');
    assert.ok(h.crm.methods.includes('notifyReady'));
    assert.equal(h.presence, 'offline');
    phone.releaseRegistrations();
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'registered');
    assert.equal(h.presence, 'available');
  });

  it('a wrong password fails sign-in with SB20001 and returns to the sign-in form', async () => {
    const h = await setup({ signIn: false });
    await rejectsWith(h, { type: 'sign-in', username: '1001', password: 'wrong' }, 'SB20001');
    await h.settle();
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.deepEqual(h.engine.state.registration, { state: 'failed', code: 'SB20001', reason: '403 Forbidden (wrong extension or password)' });
    assert.equal(h.presence, 'offline');
    // And then the right one works.
    await h.run({ type: 'sign-in', ...AGENT });
    assert.equal(h.engine.state.phase, 'ready');
  });

  it('signing out during wrap-up completes it (the call is logged) and goes offline', async () => {
    const h = await setup();
    const far = await h.callEndedByCaller();
    await h.run({ type: 'set-wrap-up', callId: far.callId, notes: 'half written' });
    await h.run({ type: 'sign-out' });
    assert.deepEqual(
      h.crm.logs.map((l) => [l.callId, l.notes]),
      [[far.callId, 'half written']],
    );
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.presence, 'offline');
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.deepEqual(h.phone.publishedPresence('1001').slice(-2), ['wrap-up', 'offline'], 'no flicker through available');
  });

  it('asks for credentials when neither the command nor the settings give them', async () => {
    const h = await setup({ signIn: false });
    await rejectsWith(h, { type: 'sign-in' }, 'SB20001');
  });

  it('follows a dropped connection: reconnecting, then registered again, presence re-published', async () => {
    const h = await setup();
    h.phone.dropConnection({ reason: 'WebSocket closed (1006)' });
    await h.settle();
    const r = h.engine.state.registration;
    assert.equal(r.state, 'reconnecting');
    assert.equal(r.state === 'reconnecting' ? r.reason : '', 'WebSocket closed (1006)');
    h.phone.restoreConnection();
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'registered');
    assert.deepEqual(h.phone.publishedPresence('1001'), ['available', 'available']);
  });

  it('signs out: offline, unregistered; refused with a call up', async () => {
    const h = await setup();
    const far = await h.talk();
    await rejectsWith(h, { type: 'sign-out' }, 'SB40002');
    await h.farHangsUp(far);
    await h.wrapUp(far.callId);
    await h.run({ type: 'sign-out' });
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.equal(h.engine.state.registration.state, 'unregistered');
    assert.equal(h.presence, 'offline');
    // Unregistered: the phone system answers callers 480 itself.
    assert.equal(h.phone.callAgent({ from: '+14155550199', to: '1001' }).sipCode, 480);
  });
});

describe('engine robustness', () => {
  it('a throwing UI listener is logged and breaks nothing', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    h.engine.events.on('change', () => {
      throw new Error('render failed');
    });
    h.engine.events.on('offered', () => {
      throw new Error('ringer failed');
    });
    await h.callEndedByCaller();
    assert.equal(h.crm.count('logCall'), 1);
    assert.ok(h.logger.find('error', "listener for 'change' threw").length > 0);
    assert.equal(h.logger.find('error', "listener for 'offered' threw").length, 1);
  });

  it('after dispose the engine no longer follows the phone system and cancels its timers', async () => {
    const h = await setup({ items: { wrapUpSeconds: '30' } });
    await h.callEndedByCaller();
    assert.equal(h.clock.pending, 2, 'the wrap-up time limit and the call journal heartbeat');
    h.engine.dispose();
    assert.equal(h.clock.pending, 0);
    const before = h.engine.state;
    assert.equal(h.phone.callAgent({ from: '+14155550999' }).status, 'refused');
    h.phone.restoreConnection();
    await h.settle();
    assert.equal(h.engine.state, before);
  });
});

// ── against the behaving Salesforce (src/crm/fake) ─────────────────────────────────────────────

describe('engine with FakeCrm (the behaving Salesforce)', () => {
  const ADA: FakeRecord = { id: '003000000000000ADA', objectType: 'Contact', name: 'Ada Lovelace', phones: ['(415) 555-0134'] };
  const ACME_ACCOUNT: FakeRecord = { id: '001000000000000ACM', objectType: 'Account', name: 'Acme', phones: ['+1 415 555 0134'] };

  async function salesforce(options: { items?: Readonly<Record<string, string>>; records?: readonly FakeRecord[]; settingsError?: string } = {}) {
    const items = Object.fromEntries(Object.entries(options.items ?? {}).map(([k, v]) => [`/switchboard/${k}`, v]));
    const parsed = parseConnectorSettings(settingsMap(items));
    assert.ok(parsed.ok);
    const fake = new FakeCrm({
      settings: parsed.settings,
      ...(options.records ? { records: options.records } : {}),
      ...(options.settingsError ? { settingsError: options.settingsError } : {}),
    });
    const h = await setup({ crm: fake, ...(options.items ? { items: options.items } : {}), signIn: options.settingsError === undefined });
    return { h, fake };
  }

  it('pops the one matching record in the console and logs exactly one Task for the call', async () => {
    const { h, fake } = await salesforce({ records: [ADA] });
    assert.equal(fake.clickToDialEnabled, true);
    assert.equal(fake.readNotifications, 1);
    const far = await h.talk({ from: '+14155550134' });
    assert.equal(fake.pops.length, 1);
    assert.equal(h.call(far.callId).relations.who?.id, ADA.id);
    await h.farHangsUp(far);
    await h.wrapUp(far.callId, { disposition: 'Resolved', notes: 'Asked about engines.' });
    await h.wrapUp(far.callId);
    await fake.settle();
    const tasks = fake.savedLogs.filter((t) => t.fields['CallObject'] === far.callId);
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]?.fields['WhoId'], ADA.id);
    assert.equal(tasks[0]?.fields['CallDisposition'], 'Resolved');
    assert.equal(fake.logRequests.length, 1);
  });

  it('several matches: candidates for the agent; the chosen one is opened and logged', async () => {
    const { h, fake } = await salesforce({ records: [ADA, ACME_ACCOUNT], items: { wrapUpEnabled: 'false' } });
    const far = await h.talk({ from: '+14155550134' });
    assert.deepEqual(
      h
        .call(far.callId)
        .relations.candidates.map((r) => r.id)
        .sort(),
      [ACME_ACCOUNT.id, ADA.id].sort(),
    );
    assert.equal(h.call(far.callId).relations.who, undefined);
    const acme = h.call(far.callId).relations.candidates.find((r) => r.id === ACME_ACCOUNT.id);
    assert.ok(acme);
    await h.run({ type: 'choose-record', callId: far.callId, record: acme });
    assert.deepEqual(
      fake.openedRecords.map((r) => r.id),
      [ACME_ACCOUNT.id],
    );
    await h.farHangsUp(far);
    await fake.settle();
    assert.deepEqual(
      fake.savedLogs.map((t) => [t.fields['CallObject'], t.fields['WhatId']]),
      [[far.callId, ACME_ACCOUNT.id]],
    );
  });

  it('a log whose save answer is lost is retried and still saved once', async () => {
    const { h, fake } = await salesforce({ items: { wrapUpEnabled: 'false' } });
    fake.failNextLogs(2, 'lost');
    const far = await h.callEndedByCaller();
    await fake.settle();
    assert.equal(fake.savedLogs.filter((t) => t.fields['CallObject'] === far.callId).length, 1);
    assert.equal(fake.logRequests.length, 1, 'the engine asked once; the outbox did the retrying');
  });

  it('click-to-dial in Salesforce places the call related to the record', async () => {
    const { h, fake } = await salesforce({ records: [ADA] });
    assert.equal(fake.clickToDial('(415) 555-0134', { id: ADA.id as string, objectType: 'Contact', name: ADA.name }), true);
    await h.settle();
    const far = h.phone.outboundCalls.at(-1);
    assert.ok(far);
    assert.equal(h.call(far.callId).relations.who?.id, ADA.id);
    assert.equal(h.call(far.callId).state, 'active');
  });

  it('Omni-Channel presence: applied when idle, deferred to after the call when on one', async () => {
    const { h, fake } = await salesforce();
    fake.omniPresence('away', 'Meeting');
    await h.settle();
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Meeting']);
    await h.run({ type: 'set-presence', status: 'available' });
    const far = await h.talk();
    fake.omniPresence('away', 'Break');
    await h.settle();
    assert.equal(h.presence, 'on-call');
    await h.farHangsUp(far);
    await h.wrapUp(far.callId);
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Break']);
    assert.equal(fake.presenceRequests.at(-1)?.status, 'away');
  });

  it('settings Salesforce cannot give → misconfigured', async () => {
    const { h } = await salesforce({ settingsError: 'The Switchboard section is missing.' });
    assert.equal(h.engine.state.phase, 'misconfigured');
    assert.match(h.engine.state.lastError?.message ?? '', /Switchboard section is missing/);
  });
});

// ── invariants under a random mix of everything (seeded, so a failure repeats) ──────────────────

describe('engine invariants under random traffic', () => {
  for (const seed of [1, 7, 42, 2026]) {
    it(`seed ${seed}: one talking call, at most two live, presence follows calls, one log per call, phone and engine agree`, async () => {
      let state = seed;
      const rand = (n: number) => {
        state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
        return (state >>> 8) % n;
      };
      const pick = <T>(items: readonly T[]): T | undefined => (items.length ? items[rand(items.length)] : undefined);
      const h = await setup({ items: { wrapUpSeconds: '20' } });
      h.phone.setFarEnd('+15550000001', 'busy');
      h.phone.setFarEnd('+15550000002', 'manual');
      h.phone.setFarEnd('+15550000003', 'no-answer');
      h.phone.setFarEnd('1003', 'busy');
      const tolerated = new Set(['SB40001', 'SB40002', 'SB40003', 'SB20006', 'SB20005']);
      const attempt = async (command: Parameters<ConnectorEngine['execute']>[0]) => {
        await h.engine.execute(command).catch((e: SwitchboardError) => {
          assert.ok(tolerated.has(e.code), `${command.type} failed with ${e.code}: ${e.message}`);
        });
      };
      const calls = () => h.engine.state.calls;
      const inState = (...states: string[]) => calls().filter((c) => states.includes(c.state));
      const farHeld = new Set<string>();
      let steps = 0;
      for (; steps < 250; steps++) {
        const live = inState('offering', 'dialing', 'ringing-out', 'active', 'held', 'transferring');
        switch (rand(20)) {
          case 0:
          case 1:
            h.phone.callAgent({ from: `+1415555${String(1000 + rand(9000))}` });
            break;
          case 2: {
            const c = pick(inState('offering'));
            if (c) await attempt({ type: 'answer', callId: c.id });
            break;
          }
          case 3: {
            const c = pick(inState('offering'));
            if (c) await attempt({ type: 'decline', callId: c.id });
            break;
          }
          case 4: {
            const c = pick(live);
            if (c) await attempt({ type: 'hangup', callId: c.id });
            break;
          }
          case 5: {
            const c = pick(live.filter((x) => x.state !== 'transferring'));
            const far = c && h.phone.farEnd(c.id);
            if (far && far.status === 'ringing' && far.direction === 'inbound') far.cancel();
            else if (far && far.status === 'active') far.hangup();
            break;
          }
          case 6: {
            const c = pick(inState('active'));
            if (c) await attempt({ type: 'hold', callId: c.id });
            break;
          }
          case 7: {
            const c = pick(inState('held'));
            if (c) await attempt({ type: 'resume', callId: c.id });
            break;
          }
          case 8: {
            const c = pick(inState('active', 'held'));
            if (c) await attempt({ type: 'swap', callId: c.id });
            break;
          }
          case 9:
            await attempt({ type: 'dial', number: pick(['+15550000001', '+15550000002', '+15550000003', '+442079460958', '1002']) ?? '1002' });
            break;
          case 10: {
            const c = pick(inState('wrap-up'));
            if (c) await attempt({ type: 'complete-wrap-up', callId: c.id, disposition: 'Resolved' });
            break;
          }
          case 11: {
            const c = pick(inState('active', 'held'));
            if (c) await attempt({ type: 'blind-transfer', callId: c.id, target: pick(['1002', '1003']) ?? '1002' });
            break;
          }
          case 12: {
            const consultation = pick(calls().filter((c) => c.consultationFor && ['active', 'ringing-out'].includes(c.state)));
            const original = consultation && calls().find((c) => c.id === consultation.consultationFor && ['held', 'active'].includes(c.state));
            if (consultation && original) await attempt({ type: 'complete-transfer', callId: original.id, consultationId: consultation.id });
            else {
              const c = pick(inState('active'));
              if (c && !c.consultationFor) await attempt({ type: 'consult', callId: c.id, target: pick(['1002', '1003']) ?? '1002' });
            }
            break;
          }
          case 13:
            await attempt(
              pick([
                { type: 'set-presence', status: 'available' },
                { type: 'set-presence', status: 'away', reasonId: 'Lunch' },
                { type: 'set-presence', status: 'offline' },
              ] as const) ?? { type: 'set-presence', status: 'available' },
            );
            break;
          case 14: {
            const manual = h.phone.outboundCalls.filter((f) => f.status === 'ringing');
            const f = pick(manual);
            if (f) f.answer();
            else h.clock.advance(rand(25_000));
            break;
          }
          case 15: {
            const c = pick(inState('active', 'held'));
            const far = c && h.phone.farEnd(c.id);
            if (far && far.status === 'active') {
              if (rand(2)) {
                far.hold();
                farHeld.add(far.callId);
              } else {
                far.resume();
                farHeld.delete(far.callId);
              }
            }
            break;
          }
          case 16: {
            // Known limit: the engine assumes a conference takes every leg off hold, which a leg the
            // far end holds is not; so only legs the far end does not hold are conferenced here.
            const pair = inState('active', 'held')
              .filter((c) => !farHeld.has(c.id))
              .slice(0, 2);
            if (pair.length === 2) await attempt({ type: 'conference', callIds: pair.map((c) => c.id) });
            break;
          }
          case 17: {
            const c = pick(live);
            if (c) await attempt({ type: 'mute', callId: c.id, muted: rand(2) === 0 });
            break;
          }
          case 18:
            h.crm.omniChannelPresence(pick([{ status: 'available' }, { status: 'away', reasonId: 'Break' }] as const) ?? { status: 'available' });
            break;
          case 19:
            if (rand(4) === 0) {
              h.phone.dropConnection({ endCalls: rand(2) === 0 });
              await h.settle();
            }
            h.phone.restoreConnection();
            break;
        }
        await h.settle();
        check(h, steps);
      }
      // Wind down: everything ends, wrap-ups expire; then every call the agent heard of is logged once.
      for (const c of calls()) {
        const far = h.phone.farEnd(c.id);
        if (far.status === 'ringing' && far.direction === 'inbound') far.cancel();
        else if (far.status === 'ringing') far.reject(486);
        else if (far.status === 'active') far.hangup();
      }
      await h.settle();
      h.clock.advance(20_000);
      await h.settle();
      check(h, steps);
      assert.deepEqual(calls(), []);
      const announced = h.telephony.emitted.filter((e) => e.event === 'incoming').length + h.phone.outboundCalls.length;
      // A consultation is logged inside the call it was about (README "Call logging").
      const folded = h.crm.logs.flatMap((l) => (l.consultations ?? []).map((c) => c.callId));
      assert.equal(h.crm.logs.length + folded.length, announced, 'every announced call is logged, on its own or folded');
      assert.equal(new Set([...h.crm.logs.map((l) => l.callId), ...folded]).size, announced, 'no call is logged twice');
      for (const log of h.crm.logs) {
        const why = JSON.stringify(log);
        assert.ok(log.startedAt <= (log.answeredAt ?? log.startedAt) && (log.answeredAt ?? log.startedAt) <= log.endedAt, why);
        assert.equal(log.durationSeconds, log.answeredAt === undefined ? 0 : Math.round((log.endedAt - log.answeredAt) / 1000), why);
        assert.ok(log.holdSeconds >= 0 && log.holdSeconds <= Math.ceil((log.endedAt - log.startedAt) / 1000), why);
        if (log.answeredAt === undefined)
          assert.ok(['missed', 'declined', 'busy', 'no-answer', 'rejected', 'failed', 'local-hangup', 'transferred'].includes(log.endReason), why);
      }
      assert.ok(announced > 10, `only ${announced} calls in the run`);
      assert.ok(['available', 'away', 'offline'].includes(h.presence));
      assert.deepEqual(
        h.errors.filter((e) => !e.expected),
        [],
      );
      assert.deepEqual(h.logger.find('error'), []);
    });
  }

  function check(h: Harness, step: number): void {
    const calls = h.engine.state.calls;
    const at = `step ${step}: ${calls.map((c) => `${c.id.slice(0, 7)}=${c.state}${c.consultationFor ? `(consults ${c.consultationFor.slice(0, 7)})` : ''}`).join(' ')} presence=${h.presence}`;
    const live = calls.filter((c) => ['offering', 'dialing', 'ringing-out', 'active', 'held', 'transferring'].includes(c.state));
    assert.ok(live.length <= 2, `more than two live calls; ${at}`);
    const talking = calls.filter((c) => c.state === 'active');
    assert.ok(
      talking.length <= 1 || talking.every((c) => talking.every((o) => o === c || c.conferencedWith.includes(o.id))),
      `two talking calls, not conferenced; ${at}`,
    );
    const wrapping = calls.some((c) => c.state === 'wrap-up' || c.state === 'ended');
    const p = h.engine.state.presence;
    if (live.length) assert.equal(p.status, 'on-call', at);
    else if (wrapping) assert.equal(p.status, 'wrap-up', at);
    else assert.equal(p.status, p.returnTo.status, at);
    for (const c of live) {
      const far = h.phone.farEnd(c.id);
      assert.ok(far.status === 'ringing' || far.status === 'active', `engine thinks ${c.id} is ${c.state}, phone says ${far.status}; ${at}`);
      if (c.state === 'held' || c.state === 'active') assert.equal(far.held, c.state === 'held', `hold state of ${c.id}; ${at}`);
      assert.deepEqual([...c.conferencedWith].sort(), [...far.conferencedWith].sort(), `conference of ${c.id}; ${at}`);
    }
    const logged = new Set<string>();
    for (const l of h.crm.logs) {
      assert.ok(!logged.has(l.callId), `${l.callId} logged twice; ${at}`);
      logged.add(l.callId);
    }
  }
});

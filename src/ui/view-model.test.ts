import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnectorSettings, type CallSnapshot, type ConnectorSettings, type EngineState } from '../core/index.ts';
import { actionsFor, callView, panelView, presenceCommand, presenceView, qualityLevel, recordDetails, shortcutCommand } from './view-model.ts';
import { loadPhoneFormat } from './format/phone-format.ts';

const NOW = 1_700_000_000_000;

function settings(extra: Record<string, string> = {}): ConnectorSettings {
  const r = parseConnectorSettings({
    '/reqGeneralInfo/reqInternalName': 'Switchboard',
    '/switchboard/sipWebSocketUrl': 'wss://pbx.example.com/ws',
    '/switchboard/sipDomain': 'pbx.example.com',
    '/switchboard/directory': '1001:Ada Lovelace;1002:Alan Turing',
    ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.settings;
}

function call(id: string, patch: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    id,
    direction: 'inbound',
    state: 'active',
    remote: { number: '4155550134', e164: '+14155550134', displayName: 'Grace Hopper' },
    attachedData: {},
    timestamps: { offered: NOW - 65_000, answered: NOW - 60_000, holds: [] },
    notes: '',
    relations: { candidates: [] },
    muted: false,
    conferencedWith: [],
    timeline: [],
    ...patch,
  };
}

function state(patch: Partial<EngineState> = {}): EngineState {
  return {
    phase: 'ready',
    settings: settings(),
    registration: { state: 'registered' },
    presence: { status: 'available', since: NOW - 1000, returnTo: { status: 'available' } },
    calls: [],
    recent: [],
    lines: {},
    clickToDialEnabled: true,
    ...patch,
  };
}

const kinds = (c: CallSnapshot, all: CallSnapshot[]) => actionsFor(c, all).map((a) => a.kind);

test('the screen follows the engine phase', () => {
  assert.equal(panelView(state({ phase: 'loading' }), NOW, { role: 'electing' }).screen, 'loading');
  assert.equal(panelView(state({ phase: 'misconfigured' }), NOW, { role: 'leader' }).screen, 'misconfigured');
  assert.equal(panelView(state({ phase: 'signed-out' }), NOW, { role: 'leader' }).screen, 'signed-out');
  assert.equal(panelView(state(), NOW, { role: 'leader' }).screen, 'phone');
});

test('a ringing call offers Answer and Decline only', async () => {
  // Numbers show formatted once libphonenumber-js is in (the panel renders again then).
  await loadPhoneFormat();
  const offer = call('c1', { state: 'offering', timestamps: { offered: NOW - 3000, holds: [] } });
  const view = panelView(state({ calls: [offer], activeCallId: 'c1' }), NOW, { role: 'leader' });
  assert.equal(view.offers.length, 1);
  assert.equal(view.calls.length, 0);
  assert.deepEqual(
    view.offers[0]!.actions.map((a) => a.kind),
    ['answer', 'decline'],
  );
  assert.deepEqual(view.offers[0]!.actions[0]!.command, { type: 'answer', callId: 'c1' });
  assert.equal(view.offers[0]!.timerSeconds, 3);
  assert.equal(view.offers[0]!.name, 'Grace Hopper');
  assert.equal(view.offers[0]!.number, '+1 415 555 0134');
});

test('an active call has mute, hold, keypad, transfer and hang up; the timer counts from answer', () => {
  const c = call('c1');
  assert.deepEqual(kinds(c, [c]), ['mute', 'hold', 'keypad', 'transfer', 'hangup']);
  const view = panelView(state({ calls: [c], activeCallId: 'c1' }), NOW, { role: 'leader' });
  assert.equal(view.calls[0]!.timerSeconds, 60);
  assert.equal(view.calls[0]!.focused, true);
  assert.equal(view.canDial, true, 'a second line may be dialled');
});

test('mute toggles to Unmute', () => {
  const c = call('c1', { muted: true });
  const unmute = actionsFor(c, [c]).find((a) => a.kind === 'unmute');
  assert.deepEqual(unmute?.command, { type: 'mute', callId: 'c1', muted: false });
  assert.equal(unmute?.label, 'action.unmute');
});

test('a lone held call resumes; with another call active it swaps; two calls can conference', () => {
  const held = call('c1', { state: 'held' });
  assert.deepEqual(kinds(held, [held]), ['resume', 'mute', 'transfer', 'hangup']);
  const active = call('c2', { direction: 'outbound', remote: { number: '1002' } });
  const all = [held, active];
  assert.deepEqual(kinds(held, all), ['swap', 'mute', 'transfer', 'conference', 'hangup']);
  assert.deepEqual(actionsFor(held, all).find((a) => a.kind === 'swap')?.command, { type: 'swap', callId: 'c1' });
  assert.deepEqual(actionsFor(active, all).find((a) => a.kind === 'conference')?.command, { type: 'conference', callIds: ['c1', 'c2'] });
  const view = panelView(state({ calls: all, activeCallId: 'c2' }), NOW, { role: 'leader' });
  assert.equal(view.canDial, false, 'no third line');
});

test('a consultation offers Complete transfer for the held original, and no transfer of its own', () => {
  const original = call('c1', { state: 'held' });
  const consult = call('c2', { direction: 'internal', consultationFor: 'c1', remote: { number: '1001' } });
  const actions = actionsFor(consult, [original, consult]);
  assert.deepEqual(
    actions.map((a) => a.kind),
    ['mute', 'hold', 'keypad', 'complete-transfer', 'conference', 'hangup'],
  );
  assert.deepEqual(actions.find((a) => a.kind === 'complete-transfer')?.command, { type: 'complete-transfer', callId: 'c1', consultationId: 'c2' });
  const view = panelView(state({ calls: [original, consult], activeCallId: 'c2' }), NOW, { role: 'leader' });
  assert.equal(view.calls[1]!.title, 'call.consultation');
});

test('conferenced calls do not offer Conference again and name the other party', () => {
  const a = call('c1', { conferencedWith: ['c2'] });
  const b = call('c2', { conferencedWith: ['c1'], remote: { number: '1002', displayName: 'Alan' } });
  assert.ok(!kinds(a, [a, b]).includes('conference'));
  const view = panelView(state({ calls: [a, b] }), NOW, { role: 'leader' });
  assert.deepEqual(view.calls[0]!.conferenceWith, ['Alan']);
});

test("a two-party conference offers Leave conference once, on the caller's card, whichever card is first", () => {
  const caller = call('c1', { conferencedWith: ['c2'] });
  const consult = call('c2', { direction: 'internal', consultationFor: 'c1', conferencedWith: ['c1'], remote: { number: '1002' } });
  assert.deepEqual(actionsFor(caller, [consult, caller]).find((a) => a.kind === 'leave-conference')?.command, { type: 'leave-conference', callId: 'c1' });
  assert.ok(!kinds(consult, [consult, caller]).includes('leave-conference'));
  // Two callers conferenced: the first one taken carries it.
  const early = call('a', { conferencedWith: ['b'], timestamps: { offered: NOW - 9000, holds: [] } });
  const late = call('b', { conferencedWith: ['a'], timestamps: { offered: NOW - 1000, holds: [] } });
  assert.ok(kinds(early, [early, late]).includes('leave-conference'));
  assert.ok(!kinds(late, [early, late]).includes('leave-conference'));
  assert.ok(!kinds(call('x'), [call('x')]).includes('leave-conference'), 'no conference, nothing to leave');
});

test('wrap-up of a transferred call says where it went', () => {
  const wrap = (transfer: CallSnapshot['transfer']) =>
    panelView(state({ calls: [call('c1', { state: 'wrap-up', ...(transfer ? { transfer } : {}) })] }), NOW, { role: 'leader' }).wrapUps[0]!;
  assert.deepEqual(wrap({ kind: 'blind', target: { number: '1002', displayName: 'Bob' }, at: NOW }).transfer, {
    key: 'wrapUp.transfer.blind',
    params: { target: 'Bob' },
  });
  assert.deepEqual(wrap({ kind: 'conference', target: { number: '1003' }, at: NOW }).transfer, {
    key: 'wrapUp.transfer.conference',
    params: { target: '1003' },
  });
  assert.equal(wrap(undefined).transfer, undefined);
});

test("wrap-up names the caller as the call card does: the related person, not the trunk's display name", () => {
  const relations = { candidates: [], who: { id: '003A', objectType: 'Contact', name: 'Nadia Okafor' } };
  const w = panelView(
    state({ calls: [call('c1', { state: 'wrap-up', remote: { number: '+16505550123', displayName: 'Customer +16505550123' }, relations })] }),
    NOW,
    { role: 'leader' },
  ).wrapUps[0]!;
  assert.equal(w.name, 'Nadia Okafor');
});

test('dialling and transferring calls can only hang up', () => {
  const d = call('c1', { state: 'ringing-out', direction: 'outbound' });
  assert.deepEqual(kinds(d, [d]), ['hangup']);
  const tr = call('c1', { state: 'transferring' });
  assert.deepEqual(kinds(tr, [tr]), ['hangup']);
});

test('several screen-pop matches show a picker; a chosen one is marked', () => {
  const candidates = [
    { id: '003A', objectType: 'Contact', name: 'Grace Hopper' },
    { id: '001B', objectType: 'Account', name: 'Navy' },
  ];
  const c = call('c1', { state: 'offering', relations: { candidates } });
  let view = panelView(state({ calls: [c] }), NOW, { role: 'leader' });
  assert.deepEqual(view.offers[0]!.chooser?.candidates, candidates);
  assert.equal(view.offers[0]!.chooser?.chosenId, undefined);
  const chosen = call('c1', { state: 'offering', relations: { candidates, what: candidates[1] } });
  view = panelView(state({ calls: [chosen] }), NOW, { role: 'leader' });
  assert.equal(view.offers[0]!.chooser?.chosenId, '001B');
  const answered = call('c1', { state: 'active', relations: { candidates, what: candidates[1] } });
  view = panelView(state({ calls: [answered] }), NOW, { role: 'leader' });
  assert.equal(view.calls[0]!.chooser, undefined, 'once answered, the choice shows as the related record');
  assert.deepEqual(view.calls[0]!.related, [candidates[1]]);
  const undecided = call('c1', { state: 'active', relations: { candidates } });
  assert.ok(panelView(state({ calls: [undecided] }), NOW, { role: 'leader' }).calls[0]!.chooser, 'still undecided: the picker stays');
  const single = call('c1', { relations: { candidates: [candidates[0]!], who: candidates[0] } });
  view = panelView(state({ calls: [single] }), NOW, { role: 'leader' });
  assert.equal(view.calls[0]!.chooser, undefined);
  assert.deepEqual(view.calls[0]!.related, [candidates[0]]);
});

test('record details keep what tells matches apart and drop bookkeeping fields', () => {
  assert.equal(
    recordDetails({
      id: '003A',
      objectType: 'Contact',
      name: 'Ada',
      fields: { LastModifiedDate: '2026-01-01T00:00:00.000Z', Phone: '(415) 555-0134', AccountId: '001000000000001AAA', Account: 'Navy', Title: 'Admiral' },
    }),
    '(415) 555-0134 · Navy',
  );
  assert.equal(recordDetails({ id: '003A', objectType: 'Contact', name: 'Ada' }), '');
  assert.equal(recordDetails({ id: '003A', objectType: 'Contact', name: 'Ada', fields: { Name: 'Ada', IsPersonAccount: 'false' } }), '');
});

test('wrap-up shows dispositions from the settings, the notes and the countdown', () => {
  const c = call('c1', { state: 'wrap-up', wrapUpDeadline: NOW + 29_500, notes: 'called back', disposition: 'Resolved', endReason: 'remote-hangup' });
  const view = panelView(state({ calls: [c], presence: { status: 'wrap-up', since: NOW, returnTo: { status: 'available' } } }), NOW, { role: 'leader' });
  assert.equal(view.calls.length, 0);
  assert.equal(view.wrapUps.length, 1);
  const w = view.wrapUps[0]!;
  assert.equal(w.secondsLeft, 30);
  assert.equal(w.notes, 'called back');
  assert.equal(w.disposition, 'Resolved');
  assert.deepEqual(
    w.dispositions.map((d) => d.code),
    ['Resolved', 'FollowUp', 'Voicemail', 'WrongNumber'],
  );
});

test('a call that ended and is only being closed (a missed call whose pop still searches) shows no wrap-up form', () => {
  // Between 'ended' and 'closed' the closer may wait for the call's pop; the agent has nothing to
  // wrap up, and a form appearing and going again pushed the dial pad down and back up.
  const missed = call('c1', { state: 'ended', endReason: 'remote-hangup' });
  const view = panelView(state({ calls: [missed] }), NOW, { role: 'leader' });
  assert.deepEqual(view.wrapUps, []);
  assert.equal(view.calls.length, 0);
  assert.equal(view.offers.length, 0);
});

test('wrap-up offers every record of the call as Name or Related To; a Lead as Name locks Related To', () => {
  const ada = { id: '003A', objectType: 'Contact', name: 'Ada' };
  const lee = { id: '00QA', objectType: 'Lead', name: 'Lee' };
  const acme = { id: '001A', objectType: 'Account', name: 'Acme' };
  const case1 = { id: '500A', objectType: 'Case', name: '00001042' };
  const wrap = (relations: CallSnapshot['relations']) =>
    panelView(state({ calls: [call('c1', { state: 'wrap-up', relations })] }), NOW, { role: 'leader' }).wrapUps[0]!;
  const w = wrap({ candidates: [ada, acme], who: ada, what: acme, opened: [case1, lee] });
  assert.deepEqual(w.whoOptions, [ada, lee], 'matches and opened people, each once');
  assert.deepEqual(w.whatOptions, [acme, case1]);
  assert.deepEqual([w.whoId, w.whatId, w.whatLocked], ['003A', '001A', false]);
  const lead = wrap({ candidates: [], who: lee, opened: [lee, acme] });
  assert.deepEqual([lead.whoId, lead.whatId, lead.whatLocked], ['00QA', undefined, true]);
  const none = wrap({ candidates: [] });
  assert.deepEqual([none.whoOptions, none.whatOptions, none.whatLocked], [[], [], false]);
});

test('registration shows reconnect attempt and countdown', () => {
  const view = panelView(state({ registration: { state: 'reconnecting', attempt: 3, nextAttemptAt: NOW + 4_200, reason: 'socket closed' } }), NOW, {
    role: 'leader',
  });
  assert.deepEqual(view.registration, { key: 'reg.reconnecting', params: { attempt: 3, seconds: 5 }, tone: 'warning' });
  assert.equal(
    panelView(state({ registration: { state: 'failed', code: 'SB20001', reason: '403 Forbidden' } }), NOW, { role: 'leader' }).registration.tone,
    'error',
  );
});

test('presence lists away reasons and keeps the chosen status during a call', () => {
  const s = state({ presence: { status: 'away', reasonId: 'Lunch', since: NOW, returnTo: { status: 'away', reasonId: 'Lunch' } } });
  const p = presenceView(s);
  assert.deepEqual(
    p.options.map((o) => o.value),
    ['available', 'away:Break', 'away:Lunch', 'away:Training', 'away:Meeting', 'offline'],
  );
  assert.equal(p.value, 'away:Lunch');
  assert.equal(p.automatic, undefined);
  const onCall = presenceView(state({ presence: { status: 'on-call', since: NOW, returnTo: { status: 'available' } } }));
  assert.equal(onCall.value, 'available');
  assert.equal(onCall.automatic, 'status.on-call');
  assert.deepEqual(presenceCommand('away:Lunch'), { type: 'set-presence', status: 'away', reasonId: 'Lunch' });
  assert.deepEqual(presenceCommand('offline'), { type: 'set-presence', status: 'offline' });
  assert.equal(presenceCommand('away:'), undefined);
  assert.equal(presenceCommand('bogus'), undefined);
});

test('offline agents cannot dial and are told why', () => {
  const view = panelView(state({ presence: { status: 'offline', since: NOW, returnTo: { status: 'offline' } } }), NOW, { role: 'leader' });
  assert.equal(view.canDial, false);
  assert.equal(view.dialHint, 'dial.offlineHint');
});

test('the directory carries the busy lamps', () => {
  const view = panelView(state({ lines: { '1001': 'busy' } }), NOW, { role: 'leader' });
  assert.deepEqual(view.directory, [
    { extension: '1001', name: 'Ada Lovelace', lamp: 'busy' },
    { extension: '1002', name: 'Alan Turing', lamp: 'unknown' },
  ]);
});

test('the directory never offers the agent their own extension (one call center serves the team)', () => {
  const view = panelView(state({ signedInAs: { extension: '1002' } }), NOW, { role: 'leader' });
  assert.deepEqual(
    view.directory.map((d) => d.extension),
    ['1001'],
  );
});

test('history shows outcome, duration, and marks missed calls', () => {
  const missed = call('r1', { state: 'closed', endReason: 'missed', timestamps: { offered: NOW - 90_000, ended: NOW - 80_000, holds: [] } });
  const talked = call('r2', {
    state: 'closed',
    direction: 'outbound',
    endReason: 'local-hangup',
    timestamps: { offered: NOW - 70_000, answered: NOW - 65_000, ended: NOW - 5_000, holds: [] },
  });
  const view = panelView(state({ recent: [talked, missed] }), NOW, { role: 'leader' });
  assert.deepEqual(
    view.history.map((h) => [h.id, h.outcome, h.durationSeconds, h.missed]),
    [
      ['r2', 'end.local-hangup', 60, false],
      ['r1', 'end.missed', 0, true],
    ],
  );
  assert.equal(view.history[0]!.dial, '+14155550134');
});

test('a placed call that never connected says why in the panel, for each reason', () => {
  const failed = (endReason: CallSnapshot['endReason'], patch: Partial<CallSnapshot> = {}) =>
    call('f1', {
      state: 'closed',
      direction: 'outbound',
      origin: 'dialed',
      endReason,
      remote: { number: '+1 415 555 0134', e164: '+14155550134' },
      timestamps: { offered: NOW - 9_000, ended: NOW - 2_000, closed: NOW - 2_000, holds: [] },
      ...patch,
    });
  const notice = (c: CallSnapshot) => panelView(state({ recent: [c] }), NOW, { role: 'leader' }).callFailed;
  const reasons = ['busy', 'not-found', 'no-answer', 'rejected', 'failed'] as const;
  assert.deepEqual(
    reasons.map((r) => [notice(failed(r))?.key, notice(failed(r))?.callId]),
    reasons.map((r) => [`callFailed.${r}`, 'f1']),
  );
  // The number as the panel shows numbers everywhere (the display format), not the raw dial string.
  const number = notice(failed('busy'))?.params?.['number'];
  assert.equal(typeof number, 'string');
  assert.match(String(number), /555.?0134/);
  // A consultation or other internal call the agent dialled is a placed call too.
  assert.equal(notice(failed('busy', { direction: 'internal', remote: { number: '1002' } }))?.key, 'callFailed.busy');
});

test('no failure notice for calls the agent did not place, that connected or that the agent cancelled; a newer call replaces it', () => {
  const ended = { offered: NOW - 9_000, ended: NOW - 2_000, closed: NOW - 2_000, holds: [] };
  const notice = (recent: CallSnapshot[], calls: CallSnapshot[] = []) => panelView(state({ recent, calls }), NOW, { role: 'leader' }).callFailed;
  const busy = call('f1', { state: 'closed', direction: 'outbound', origin: 'dialed', endReason: 'busy', timestamps: ended });
  assert.equal(notice([call('m1', { state: 'closed', origin: 'offered', endReason: 'missed', timestamps: ended })]), undefined);
  assert.equal(notice([call('i1', { state: 'closed', direction: 'internal', origin: 'offered', endReason: 'failed', timestamps: ended })]), undefined);
  assert.equal(notice([call('c1', { state: 'closed', direction: 'outbound', origin: 'dialed', endReason: 'local-hangup', timestamps: ended })]), undefined);
  assert.equal(
    notice([call('a1', { state: 'closed', direction: 'outbound', origin: 'dialed', endReason: 'failed', timestamps: { ...ended, answered: NOW - 8_000 } })]),
    undefined,
  );
  // Only the latest closed call counts: an older failure behind a later call is history, not news.
  assert.equal(notice([call('ok', { state: 'closed', timestamps: { ...ended, answered: NOW - 8_000 } }), busy]), undefined);
  // A call offered or dialled after the failure takes over; a call from before it (in wrap-up) does not.
  assert.equal(notice([busy], [call('n1', { state: 'offering', timestamps: { offered: NOW - 1_000, holds: [] } })]), undefined);
  assert.equal(
    notice([busy], [call('w1', { state: 'wrap-up', timestamps: { offered: NOW - 60_000, answered: NOW - 50_000, ended: NOW - 20_000, holds: [] } })])?.key,
    'callFailed.busy',
  );
  // Not on the sign-in screen.
  assert.equal(panelView(state({ phase: 'signed-out', recent: [busy] }), NOW, { role: 'leader' }).callFailed, undefined);
});

test('quality levels and the label value', () => {
  assert.equal(qualityLevel(4.3), 'good');
  assert.equal(qualityLevel(3.8), 'fair');
  assert.equal(qualityLevel(2.5), 'poor');
  const view = panelView(state({ calls: [call('c1', { quality: { mos: 4.26, jitterMs: 3, packetLossPercent: 0, roundTripMs: 40 } })] }), NOW, {
    role: 'leader',
  });
  assert.deepEqual(view.calls[0]!.quality, { level: 'good', mos: '4.3' });
});

test('errors map to localised messages by code', () => {
  const view = panelView(state({ lastError: { code: 'SB20001', message: 'Registration with the phone system failed. 403' } }), NOW, { role: 'leader' });
  assert.deepEqual(view.error, { code: 'SB20001', message: 'Registration with the phone system failed. 403', key: 'error.SB20001' });
});

test('followers say the phone is in another tab, with its time when known', () => {
  assert.equal(panelView(state(), NOW, { role: 'leader' }).follower, undefined);
  assert.deepEqual(panelView(state(), NOW, { role: 'follower' }).follower, { key: 'panel.follower' });
  assert.deepEqual(panelView(state(), NOW, { role: 'follower', leaderSince: NOW }, () => '09:15').follower, {
    key: 'panel.followerSince',
    params: { time: '09:15' },
  });
});

test('Alt+A answers the ringing call; Alt+H hangs up the focused call, or declines a lone offer', () => {
  const offer = call('c2', { state: 'offering' });
  const active = call('c1');
  assert.deepEqual(shortcutCommand(state({ calls: [active, offer], activeCallId: 'c1' }), 'answer'), { type: 'answer', callId: 'c2' });
  assert.deepEqual(shortcutCommand(state({ calls: [active, offer], activeCallId: 'c1' }), 'hangup'), { type: 'hangup', callId: 'c1' });
  assert.deepEqual(shortcutCommand(state({ calls: [offer], activeCallId: 'c2' }), 'hangup'), { type: 'decline', callId: 'c2' });
  assert.equal(shortcutCommand(state(), 'answer'), undefined);
  assert.equal(shortcutCommand(state(), 'hangup'), undefined);
});

test('hostile display names pass through as plain strings (the template renders them as text)', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const view = panelView(state({ calls: [call('c1', { state: 'offering', remote: { number: '+14155550134', displayName: hostile } })] }), NOW, {
    role: 'leader',
  });
  assert.equal(view.offers[0]!.name, hostile);
});

test('minted credentials: nothing to type at sign-in; the panel names the extension signed in as', () => {
  const ephemeral = settings({ '/switchboard/credentialScheme': 'ephemeral' });
  const out = panelView(state({ phase: 'signed-out', settings: ephemeral }), NOW, { role: 'leader' });
  assert.equal(out.mintedCredentials, true);
  assert.equal(out.username, undefined);
  const signedIn = panelView(state({ settings: ephemeral, signedInAs: { extension: '1001', credentialExpiresAt: NOW + 3_600_000 } }), NOW, { role: 'leader' });
  assert.equal(signedIn.username, '1001');
  assert.equal(panelView(state(), NOW, { role: 'leader' }).mintedCredentials, false);
});

test('a talking call takes notes and shows how its record was chosen; a ringing one takes no notes yet', () => {
  const timeline = [
    { at: NOW, kind: 'offer', text: 'inbound call' },
    { at: NOW, kind: 'pop', text: 'searched 4155550134: 1 match, Contact Maria Lopez (003000000000001AAA); popped it' },
  ];
  const talking = panelView(state({ calls: [call('c1', { state: 'active', notes: 'asked about billing', timeline })] }), NOW, { role: 'leader' }).calls[0]!;
  assert.deepEqual(
    [talking.canNote, talking.notes, talking.popTrail],
    [true, 'asked about billing', ['searched 4155550134: 1 match, Contact Maria Lopez; popped it']],
  );
  const offering = call('c1', { state: 'offering' });
  assert.equal(callView(offering, [offering], NOW, undefined, 'US').canNote, false);
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterSend, askStatus, commands, initialState, parseInbound, reduce, type Effect, type InMessage, type VoiceState } from './voice-protocol.ts';
import { baseLibraryAcceptsOrigin, connectorConfig, dispositions, isVoiceCallCenter, omniStatuses, orgDomainName } from './voice-config.ts';

const ev = (telephonyEventType: string, telephonyEventPayload?: unknown): InMessage => ({
  type: 'TELEPHONY_EVENT_DISPATCHED',
  payload: { telephonyEventType, telephonyEventPayload },
});
const run = (s: VoiceState, ...msgs: InMessage[]): { state: VoiceState; effects: Effect[] } => {
  const effects: Effect[] = [];
  for (const m of msgs) {
    const step = reduce(s, m);
    s = step.state;
    effects.push(...step.effects);
  }
  return { state: s, effects };
};
const kinds = (effects: readonly Effect[]): string[] => effects.filter((e) => e.kind !== 'log').map((e) => e.kind);
const ready: InMessage = {
  type: 'CONNECTOR_READY',
  payload: { agentConfig: { PHONES: ['SOFT_PHONE'] }, capabilities: { MUTE: true, MERGE: true }, callInProgress: null },
};
const inbound = {
  callId: 'call-1@pbx',
  callType: 'inbound',
  phoneNumber: '+14155550134',
  state: 'ringing',
  callAttributes: { voiceCallId: '0LQ000000000001AAA', participantType: 'Initial_Caller' },
};

describe('voice protocol: incoming shapes', () => {
  it('accepts the three wire messages and says what is wrong with anything else', () => {
    assert.equal((parseInbound({ type: 'CONNECTOR_READY', payload: {} }) as InMessage).type, 'CONNECTOR_READY');
    assert.deepEqual(parseInbound({ type: 'LOG', payload: { eventType: 'SETUP_CONNECTOR', payload: { a: 1 } } }), {
      type: 'LOG',
      payload: { eventType: 'SETUP_CONNECTOR', payload: { a: 1 }, isError: false },
    });
    assert.deepEqual(parseInbound('CONNECTOR_READY'), { error: 'a port message must be an object; got "CONNECTOR_READY"' });
    assert.deepEqual(parseInbound({ type: 'ACCEPT_CALL', call: {} }), { error: 'unknown message type "ACCEPT_CALL"' });
    assert.deepEqual(parseInbound({ type: 'TELEPHONY_EVENT_DISPATCHED', payload: { telephonyEventPayload: {} } }), {
      error: 'TELEPHONY_EVENT_DISPATCHED needs payload.telephonyEventType (a string)',
    });
    assert.deepEqual(parseInbound({ type: 'CONNECTOR_READY', payload: { callInProgress: { state: 'connected' } } }), {
      error: 'CONNECTOR_READY payload.callInProgress must be null or a call with a callId',
    });
    assert.deepEqual(parseInbound({ type: 'CONNECTOR_READY', payload: { capabilities: [] } }), {
      error: 'CONNECTOR_READY payload.capabilities must be an object',
    });
  });
});

describe('voice protocol: calls', () => {
  it('an inbound call rings with a screen pop, is accepted once, and ends into wrap-up', () => {
    let { state, effects } = run(initialState(true), ready, ev('CALL_STARTED', inbound));
    assert.equal(state.phase, 'ready');
    assert.equal(state.call?.phase, 'ringing');
    assert.deepEqual(
      effects.filter((e) => e.kind === 'screen-pop'),
      [{ kind: 'screen-pop', voiceCallId: '0LQ000000000001AAA', phoneNumber: '+14155550134' }],
    );
    assert.deepEqual(commands.accept(state), { type: 'ACCEPT_CALL', call: inbound });
    assert.equal(commands.mute(state), undefined, 'no mute while ringing');
    ({ state, effects } = run(state, ev('CALL_CONNECTED', { ...inbound, state: 'connected' })));
    assert.deepEqual(kinds(effects), ['accepted']);
    assert.equal(state.call?.phase, 'connected');
    ({ state, effects } = run(state, ev('CALL_CONNECTED', { ...inbound, state: 'connected' })));
    assert.deepEqual(kinds(effects), [], 'a repeated CALL_CONNECTED stamps nothing again');
    assert.deepEqual(commands.end(state), { type: 'END_CALL', call: { ...inbound, state: 'connected' }, agentStatus: 'AfterCallWork' });
    ({ state } = run(state, ev('HANGUP', [{ ...inbound, state: 'ended' }])));
    assert.equal(state.call, null);
    assert.equal(state.wrapUp?.voiceCallId, '0LQ000000000001AAA');
    assert.deepEqual(commands.wrapUp(state), { type: 'WRAP_UP_CALL', call: { ...inbound, state: 'connected' } });
    assert.equal(commands.dial(state, '123'), undefined, 'no dialing during wrap-up');
  });

  it('a declined call (HANGUP with one call object) leaves no wrap-up', () => {
    const { state } = run(initialState(true), ready, ev('CALL_STARTED', inbound), ev('HANGUP', inbound));
    assert.equal(state.call, null);
    assert.equal(state.wrapUp, null);
  });

  it('without ACW the call ends straight to idle and END_CALL says Online', () => {
    const { state } = run(initialState(false), ready, ev('CALL_STARTED', inbound), ev('CALL_CONNECTED', inbound));
    assert.equal((commands.end(state) as { agentStatus: string }).agentStatus, 'Online');
    assert.equal(run(state, ev('HANGUP', [inbound])).state.wrapUp, null);
  });

  it('an outbound call without a VoiceCall asks the console to create one, once', () => {
    const s0 = run(initialState(true), ready).state;
    assert.deepEqual(commands.dial(s0, ' +1 212 555 0147 '), { type: 'DIAL', contact: { phoneNumber: '+1 212 555 0147', type: 'PhoneNumber' }, params: '' });
    const out = { callId: 'out-7', callType: 'Outbound', phoneNumber: '+12125550147', state: 'ringing' };
    const { state, effects } = run(s0, ev('CALL_STARTED', out), ev('CALL_STARTED', out));
    assert.deepEqual(
      effects.filter((e) => e.kind === 'outbound-started'),
      [{ kind: 'outbound-started', callId: 'out-7', phoneNumber: '+12125550147' }],
    );
    assert.equal(state.call?.phase, 'dialing');
    assert.equal(commands.accept(state), undefined, 'an outbound call is not accepted');
    assert.equal(run(state, ev('CALL_FAILED')).state.call, null);
  });

  it('mute and hold toggle from the connector answers, not from the request', () => {
    let { state } = run(initialState(true), ready, ev('CALL_STARTED', inbound), ev('CALL_CONNECTED', inbound));
    assert.equal(commands.mute(state)?.type, 'MUTE');
    assert.equal(commands.hold(state)?.type, 'HOLD');
    ({ state } = run(
      state,
      ev('MUTE_TOGGLE', { isMuted: true, call: inbound, isGlobal: false }),
      ev('HOLD_TOGGLE', { isCustomerOnHold: true, isThirdPartyOnHold: false, calls: {} }),
    ));
    assert.equal(state.call?.muted, true);
    assert.equal(state.call?.onHold, true);
    assert.equal(commands.mute(state)?.type, 'UNMUTE');
    assert.equal(commands.hold(state)?.type, 'RESUME');
  });

  it('consult, swap, conference and the third party leaving', () => {
    let { state } = run(initialState(true), ready, ev('CALL_STARTED', inbound), ev('CALL_CONNECTED', inbound));
    assert.deepEqual(commands.addParticipant(state, '1002', false), {
      type: 'ADD_PARTICIPANT',
      contact: { phoneNumber: '1002', type: 'PhoneNumber' },
      call: inbound,
      isBlindTransfer: false,
    });
    ({ state } = run(
      state,
      ev('PARTICIPANT_ADDED', { callId: 'p-1', phoneNumber: '1002', initialCallHasEnded: false, callInfo: { isOnHold: false } }),
      ev('HOLD_TOGGLE', { isCustomerOnHold: true, isThirdPartyOnHold: false }),
    ));
    assert.equal(state.participant?.phase, 'ringing');
    assert.equal(commands.conference(state), undefined, 'no conference before the third party answers');
    ({ state } = run(state, ev('PARTICIPANT_CONNECTED', { callId: 'p-1', phoneNumber: '1002', initialCallHasEnded: false })));
    const swap = commands.swap(state);
    assert.ok(swap?.type === 'SWAP_PARTICIPANTS');
    assert.equal(swap.callToHold.callId, 'p-1', 'the customer is on hold, so the consulted party is held');
    assert.equal(swap.callToResume.callId, inbound.callId);
    const conference = commands.conference(state);
    assert.ok(conference?.type === 'CONFERENCE');
    assert.deepEqual(
      conference.calls.map((c) => c.callId),
      [inbound.callId, 'p-1'],
    );
    assert.equal(
      run(state, ev('HOLD_TOGGLE', { isCustomerOnHold: false, isThirdPartyOnHold: false })).state.merged,
      false,
      'a plain HOLD_TOGGLE is not a conference',
    );
    ({ state } = run(afterSend(state, commands.conference(state)!), ev('HOLD_TOGGLE', { isCustomerOnHold: false, isThirdPartyOnHold: false })));
    assert.equal(state.merged, true, 'base 3.x answers CONFERENCE with a HOLD_TOGGLE without isCallMerged');
    assert.equal(run(state, ev('HOLD_TOGGLE', { isCustomerOnHold: false, isThirdPartyOnHold: false, isCallMerged: true })).state.merged, true);
    assert.equal(commands.swap(state), undefined);
    ({ state } = run(state, ev('PARTICIPANT_REMOVED', { callId: 'p-1', reason: 'ended' })));
    assert.equal(state.participant, null);
    assert.equal(state.call?.callId, inbound.callId);
  });

  it('a failed add shows an error; a blind transfer ends the agent call', () => {
    let { state } = run(
      initialState(true),
      ready,
      ev('CALL_STARTED', inbound),
      ev('CALL_CONNECTED', inbound),
      ev('PARTICIPANT_REMOVED', { reason: 'error' }),
      ev('ERROR', { message: 'INVALID_DESTINATION' }),
    );
    assert.deepEqual(
      state.notices.map((n) => n.message),
      ['The participant could not be added.', 'INVALID_DESTINATION'],
    );
    assert.equal(commands.addParticipant(state, '1003', true)?.type, 'ADD_PARTICIPANT');
    ({ state } = run(state, ev('PARTICIPANT_ADDED', { callId: 'p-2', phoneNumber: '1003', initialCallHasEnded: false }), ev('HANGUP', inbound)));
    assert.equal(state.call, null);
    assert.equal(state.participant, null);
  });

  it('a refresh mid-call: callInProgress and the AGENT_AVAILABLE replay show the call again without stamping it accepted', () => {
    const connected = { ...inbound, state: 'connected', isReplayedCall: true };
    const { state, effects } = run(initialState(true), { type: 'CONNECTOR_READY', payload: { callInProgress: connected } }, ev('CALL_CONNECTED', connected));
    assert.equal(state.call?.phase, 'connected');
    assert.equal(state.call?.replayed, true);
    assert.deepEqual(kinds(effects), ['screen-pop']);
    assert.deepEqual(commands.agentAvailable(true), { type: 'AGENT_AVAILABLE', isAvailable: true });
  });

  it('SHOW_LOGIN, LOGIN_RESULT and LOGOUT_RESULT move the phone between sign-in and ready', () => {
    let { state } = run(initialState(true), ev('SHOW_LOGIN', { loginFrameHeight: 420 }));
    assert.equal(state.phase, 'login');
    assert.equal(state.loginFrameHeight, 420);
    ({ state } = run(state, ev('LOGIN_RESULT', { success: true }), ready));
    assert.equal(state.phase, 'ready');
    ({ state } = run(state, ev('LOGOUT_RESULT', { success: true, loginFrameHeight: 300 })));
    assert.equal(state.phase, 'login');
    assert.equal(state.loginFrameHeight, 300);
  });

  it('unknown events and LOG messages are logged only', () => {
    const s0 = run(initialState(true), ready).state;
    const { state, effects } = run(s0, ev('RECORDING_TOGGLE', { isRecordingPaused: true }), {
      type: 'LOG',
      payload: { eventType: 'DIAL', payload: {}, isError: true },
    });
    assert.equal(state, s0);
    assert.deepEqual(
      effects.map((e) => e.kind === 'log' && [e.eventType, e.isError]),
      [
        ['RECORDING_TOGGLE', false],
        ['DIAL', true],
      ],
    );
  });
});

describe('voice protocol: presence', () => {
  const statuses = omniStatuses([{ id: 'Break', label: 'Break' }]);
  it('maps the Omni list to SCV statuses and waits for the connector to confirm', () => {
    assert.deepEqual(
      statuses.map((s) => [s.key, s.status.agentStatus, s.status.statusApiName]),
      [
        ['available', 'Online', 'Available'],
        ['away:Break', 'Online', 'Break'],
        ['offline', 'Offline', 'Offline'],
      ],
    );
    const available = statuses[0]!.status;
    assert.deepEqual(commands.setStatus(available), {
      type: 'SET_AGENT_STATUS',
      agentStatus: 'Online',
      statusInfo: { statusId: available.statusId, statusApiName: 'Available', statusName: 'Available' },
      enqueueNextState: false,
    });
    let s = askStatus(run(initialState(true), ready).state, available);
    let step = reduce(s, ev('SET_AGENT_STATUS_RESULT', { success: true }));
    assert.deepEqual(kinds(step.effects), ['status-confirmed']);
    assert.equal(step.state.status, available);
    s = askStatus(step.state, statuses[2]!.status);
    step = reduce(s, ev('SET_AGENT_STATUS_RESULT', { success: false }));
    assert.deepEqual(kinds(step.effects), ['status-refused']);
    assert.equal(step.state.status, available, 'a refused status leaves the confirmed one');
    assert.deepEqual(kinds(reduce(s, ev('SET_AGENT_STATUS', { statusId: statuses[1]!.status.statusId })).effects), ['status-changed']);
  });
});

describe('voice protocol: call center and origins', () => {
  it('detects Voice call centers and builds connectorConfig', () => {
    const settings = {
      '/reqGeneralInfo/reqVendorInfoApiName': 'switchboard__Switchboard',
      '/reqHvcc/reqTelephonyIntegrationCertificate': 'PEM',
      '/switchboard/sipDomain': 'x',
    };
    assert.equal(isVoiceCallCenter(settings), true);
    assert.equal(isVoiceCallCenter({ '/reqGeneralInfo/reqAdapterUrl': '/softphone/' }), false);
    assert.equal(isVoiceCallCenter({ '/reqHvcc/reqLongDistPrefix': '1' }), false, 'a vendor info API name is needed too');
    assert.deepEqual(connectorConfig(settings, { acwAllowed: true, orgDomainName: 'o.my.salesforce.com', phoneServiceChannelId: '0N9x' }), {
      ...settings,
      isACWAllowed: true,
      orgDomainName: 'o.my.salesforce.com',
      phoneServiceChannelId: '0N9x',
    });
  });

  it('knows which parent origins the base library accepts', () => {
    assert.equal(baseLibraryAcceptsOrigin('https://switchboard-dev.lightning.force.com:5173'), true);
    assert.equal(baseLibraryAcceptsOrigin('https://org--c.vf.force.com'), true);
    assert.equal(baseLibraryAcceptsOrigin('http://switchboard-dev.lightning.force.com'), false);
    assert.equal(baseLibraryAcceptsOrigin('http://127.0.0.1:5173'), false);
    assert.equal(baseLibraryAcceptsOrigin('https://evil.com'), false);
    assert.equal(baseLibraryAcceptsOrigin('https://lightning.force.com.evil.com'), false);
    assert.equal(orgDomainName('https://switchboard-dev.lightning.force.com:5173'), 'switchboard-dev.my.salesforce.com');
    assert.equal(orgDomainName('http://127.0.0.1:5173'), '127.0.0.1');
  });

  it('reads the disposition list', () => {
    assert.deepEqual(dispositions({ '/switchboard/dispositionCodes': 'Resolved:Resolved; Callback:Call back later;Bare' }), [
      { code: 'Resolved', label: 'Resolved' },
      { code: 'Callback', label: 'Call back later' },
      { code: 'Bare', label: 'Bare' },
    ]);
    assert.equal(dispositions({}).length, 4);
  });
});

describe('voice protocol: the phone book', () => {
  it('asks GET_PHONE_CONTACTS only of a connector with a phone book, and offers each contact for transfer or consult', () => {
    assert.equal(commands.phoneContacts(run(initialState(true), ready).state), undefined, 'no PHONEBOOK capability: nothing to ask');
    const withBook: InMessage = { type: 'CONNECTOR_READY', payload: { capabilities: { PHONEBOOK: true } } };
    let { state } = run(initialState(true), withBook);
    assert.deepEqual(commands.phoneContacts(state), { type: 'GET_PHONE_CONTACTS', filter: {} });
    assert.deepEqual(commands.phoneContacts(state, ' bob '), { type: 'GET_PHONE_CONTACTS', filter: { contains: 'bob' } });
    const bob = { id: '1002', type: 'Agent', name: 'Bob Backup', phoneNumber: '1002', extension: '1002', availability: 'BUSY' };
    ({ state } = run(state, ev('PHONE_CONTACTS', { contacts: [bob, { name: 'no number' }], contactTypes: ['Agent'] })));
    assert.deepEqual(
      state.contacts,
      [{ id: '1002', name: 'Bob Backup', phoneNumber: '1002', availability: 'BUSY', raw: bob }],
      'an entry without a number is left out',
    );
    const contact = state.contacts[0]!;
    assert.equal(commands.addContact(state, contact, true), undefined, 'no call to transfer');
    ({ state } = run(state, ev('CALL_STARTED', inbound), ev('CALL_CONNECTED', { ...inbound, state: 'connected' })));
    assert.deepEqual(commands.addContact(state, contact, false), {
      type: 'ADD_PARTICIPANT',
      contact: bob,
      call: { ...inbound, state: 'connected' },
      isBlindTransfer: false,
    });
  });
});

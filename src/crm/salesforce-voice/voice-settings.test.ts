import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError } from '../../core/index.ts';
import { VOICE_CALL_ID_HEADER, voiceSettings } from './voice-settings.ts';

const BASE = {
  '/reqGeneralInfo/reqInternalName': 'SwitchboardVoice',
  '/switchboard/sipWebSocketUrl': 'wss://pbx.example.com/ws',
  '/switchboard/sipDomain': 'pbx.example.com',
};

describe('voiceSettings (SETUP_CONNECTOR connectorConfig → ConnectorSettings)', () => {
  it('reads the Switchboard items as the Open CTI connector does, and maps the VoiceCall header to attached data', () => {
    const s = voiceSettings({ ...BASE, '/switchboard/sipHeaderMappings': 'X-Case-Number:caseNumber', '/switchboard/callWaiting': true });
    assert.equal(s.callCenter.internalName, 'SwitchboardVoice');
    assert.equal(s.sip.webSocketUrl, 'wss://pbx.example.com/ws');
    assert.deepEqual(s.sip.headerMappings, { 'x-case-number': 'caseNumber', [VOICE_CALL_ID_HEADER]: 'voiceCallId' });
    assert.equal(s.callWaiting, true, 'booleans Salesforce sends as booleans are read');
  });

  it('after-call work follows isACWAllowed, with no time limit of the engine; any Omni status id is an away reason', () => {
    const on = voiceSettings({
      ...BASE,
      isACWAllowed: true,
      '/switchboard/wrapUpEnabled': 'false',
      '/switchboard/wrapUpSeconds': '30',
      '/switchboard/awayReasons': 'lunch:Lunch',
    });
    assert.deepEqual(on.wrapUp, { enabled: true, timeLimitSeconds: 0 });
    assert.deepEqual(on.awayReasons, []);
    assert.equal(voiceSettings({ ...BASE, isACWAllowed: 'false' }).wrapUp.enabled, false);
    assert.equal(voiceSettings(BASE).wrapUp.enabled, false);
  });

  it('refuses what is not a map of items, and names every unusable item', () => {
    for (const bad of [null, 'x', ['a'], 42])
      assert.throws(
        () => voiceSettings(bad),
        (e: unknown) => e instanceof SwitchboardError && e.code === 'SB10001' && /connectorConfig must be an object/.test(e.message),
      );
    assert.throws(
      () => voiceSettings({ '/switchboard/sipWebSocketUrl': 'nope', '/switchboard/sipDomain': 'x', ignored: { nested: 1 } }),
      (e: unknown) => e instanceof Error && /reqInternalName/.test(e.message) && /sipWebSocketUrl/.test(e.message),
    );
  });
});

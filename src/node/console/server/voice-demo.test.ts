import { it } from 'node:test';
import assert from 'node:assert/strict';
import { openConsoleData } from './console-db-data.ts';
import { DEMO_VOICE_CALL_CENTER, useDemoVoiceCallCenter } from './voice-demo.ts';
import { isVoiceCallCenter } from '../web/voice/voice-config.ts';
import { DEMO } from '../seed/index.ts';

it('the demo Voice contact center is a Voice call center with the demo phone system, used by the demo agents, made once', () => {
  const opened = openConsoleData({ file: ':memory:', sipServer: 'ws://127.0.0.1:5066' });
  try {
    const { data } = opened;
    const id = useDemoVoiceCallCenter(data, { certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' });
    const settings = data.callCenterSettings(id);
    assert.equal(isVoiceCallCenter(settings), true);
    assert.equal(settings['/reqGeneralInfo/reqAdapterUrl'], DEMO_VOICE_CALL_CENTER.adapterUrl);
    assert.equal(settings['/reqGeneralInfo/reqVendorInfoApiName'], DEMO_VOICE_CALL_CENTER.vendorInfoApiName);
    assert.match(settings['/reqHvcc/reqTelephonyIntegrationCertificate'] ?? '', /BEGIN CERTIFICATE/);
    assert.equal(settings['/switchboard/sipWebSocketUrl'], 'ws://127.0.0.1:5066', 'the phone system items of the Open CTI demo call center');
    for (const agent of [DEMO.agent, DEMO.secondAgent, DEMO.thirdAgent]) assert.equal(data.user(agent.id)?.CallCenterId, id, agent.username);
    assert.equal(useDemoVoiceCallCenter(data), id, 'a second start keeps the contact center');
    assert.equal(data.callCenters().filter((c) => c.InternalName === DEMO_VOICE_CALL_CENTER.internalName).length, 1);
  } finally {
    opened.close();
  }
});

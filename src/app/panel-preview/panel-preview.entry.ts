/**
 * Dev-only: the panel over the behaving fakes (FakePhoneSystem + FakeCrm), for screenshots
 * and fast UI tests without Salesforce or a SIP server. It composes the same SoftphoneRuntime as the
 * softphone page, with the browser's real audio devices, and exposes `window.preview` so a test
 * (or a developer in the console) can place calls to the agent and play the far end.
 *
 * URL parameters: `locale` (en, de, fr, es, ja), `signin=1` to sign in as 1001 at once.
 */
import { parseConnectorSettings } from '../../core/index.ts';
import { CapturingLogger, MemoryStorage, settingsMap } from '../../core/testing/index.ts';
import { FakeCrm } from '../../crm/fake/index.ts';
import { FakePhoneSystem } from '../../telephony/fake/index.ts';
import { BrowserAudio } from '../../telephony/sip/audio-control.ts';
import { browserClock } from '../../telephony/sip/index.ts';
import '../../ui/components/switchboard-panel.ts';
import { registerAllLocales } from '../../ui/i18n/locales.ts';
import { SoftphoneHost } from '../host/softphone-host.ts';
import { SoftphoneRuntime } from '../softphone/softphone-runtime.ts';

registerAllLocales();
const params = new URLSearchParams(location.search);
const clock = browserClock;
const logger = new CapturingLogger();
const phone = new FakePhoneSystem({
  users: {
    '1001': { password: 'secret', displayName: 'Agent One' },
    '1002': { password: 'x', displayName: 'Alan Turing' },
    '1003': { password: 'x', displayName: 'Grace Hopper' },
    '1004': { password: 'x', displayName: 'Ada Lovelace' },
  },
  now: () => clock.now(),
  defaultFarEnd: 'manual',
});
const parsed = parseConnectorSettings(
  settingsMap({
    '/switchboard/directory': '1002:Alan Turing;1003:Grace Hopper;1004:Ada Lovelace',
    '/switchboard/wrapUpSeconds': '120',
  }),
);
if (!parsed.ok) throw new Error(`preview settings: ${JSON.stringify(parsed.problems)}`);
const crm = new FakeCrm({
  settings: parsed.settings,
  clock,
  records: [
    { objectType: 'Contact', name: 'Grace Hopper', phones: ['+1 415-555-0134'] },
    { objectType: 'Account', name: 'US Navy', phones: ['(415) 555-0134'] },
    { objectType: 'Lead', name: 'G. Hopper', phones: ['415.555.0134'] },
    { objectType: 'Contact', name: 'Katherine Johnson', phones: ['+1 415 555 0100'] },
  ],
});
const audio = new BrowserAudio(clock, logger, { devicesChanged: () => {}, microphoneChanged: async () => {} });
const host = new SoftphoneHost({ locale: params.get('locale') ?? navigator.language, clock, downloadLog: () => console.log(logger.entries) });
const runtime = new SoftphoneRuntime({
  crm,
  storage: new MemoryStorage(),
  clock,
  logger,
  host,
  locks: 'locks' in navigator ? navigator.locks : undefined,
  // Dev preview: its storage is per tab, so the channel has no secret (see tab-session.ts).
  openChannel: (name) => new BroadcastChannel(name),
  channelName: 'switchboard-panel-preview',
  tabId: crypto.randomUUID(),
  createTelephony: () => Object.assign(phone.createTelephony(), { audio }),
});

const panel = document.createElement('sb-panel');
panel.host = host;
document.querySelector('#utility-bar')?.append(panel);

// As the softphone page does: leaving hands the phone to another tab at once.
addEventListener('pagehide', () => void runtime.stop());
Object.assign(window, { preview: { phone, crm, runtime, host, audio, logger } });
runtime.start().then(
  async () => {
    if (params.get('signin') === '1') await host.execute({ type: 'sign-in', username: '1001', password: 'secret' }).catch(() => {});
    document.body.dataset['ready'] = 'true';
  },
  (error: unknown) => console.error(error),
);

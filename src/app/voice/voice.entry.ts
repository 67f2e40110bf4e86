/**
 * The Salesforce Voice connector page (a Voice call center's adapter URL; the console emulator's
 * /voice/). Composition root: the Voice CRM port and VendorConnector (src/crm/salesforce-voice),
 * the engine, and the SIP telephony. Salesforce renders the phone; this page shows something only
 * when the agent must sign in (Salesforce shows the frame on `SHOW_LOGIN`).
 *
 * One connector per browser: the phone runs in the page that holds the Web Lock; another console
 * tab's page waits for it (it takes the phone over when the first closes). A reload keeps the calls:
 * on `pagehide` the SIP dialogs are kept for the next page (no BYE, no un-REGISTER), which takes them
 * back, and Salesforce replays them from `getActiveCalls`.
 */
import { ConnectorEngine, type AgentCommand, type ConnectorSettings, type EngineState } from '../../core/index.ts';
import { IndexedDbStorage } from '../../crm/outbox/indexeddb-storage.ts';
import { MemoryStorage } from '../../crm/outbox/memory-storage.ts';
import { scv } from '../../crm/salesforce-voice/scv.ts';
import { SwitchboardVoiceConnector } from '../../crm/salesforce-voice/voice-connector.ts';
import { VoiceCrm } from '../../crm/salesforce-voice/voice-crm.ts';
import { mintByRemoting, remotingManager, VISUALFORCE_MINT_META } from '../../crm/salesforce-voice/visualforce-remoting.ts';
import { browserClock } from '../../telephony/sip/browser-clock.ts';
import { createTranslator } from '../../ui/i18n/i18n.ts';
import '../../ui/components/sign-in-form.ts';
import { COMMAND_EVENT } from '../../ui/components/command-event.ts';
import type { RuntimeTelephony } from '../softphone/softphone-runtime.ts';
import { usableLocks, usableStorage } from '../softphone/browser-capabilities.ts';
import { loadLocale } from '../softphone/load-locale.ts';
import { WebStoragePort } from '../softphone/web-storage-port.ts';
import { downloadText, RingBufferLogger } from '../runtime/ring-buffer-logger.ts';
import { watchDirectoryLamps } from '../runtime/directory-lamps.ts';

const LOCK = 'switchboard-voice-phone';
const clock = browserClock;
const logger = new RingBufferLogger(() => clock.now(), { mirrorLevels: ['error'], mirror: (_level, line) => console.error(line) });
const sip = import('../../telephony/sip/index.ts');
sip.catch((error: unknown) => logger.log('error', 'the SIP stack could not load', { error: String(error) }));

// In a Visualforce page (the package's SwitchboardVoice) the connector mints ephemeral SIP
// credentials by JavaScript remoting: Salesforce Voice has no Open CTI runApex. Module scripts run
// after the page's classic ones, so Visualforce's remoting library is in place by now.
const remoting = remotingManager(window);
const mintAction = document.querySelector(`meta[name="${VISUALFORCE_MINT_META}"]`)?.getAttribute('content');
const crm = new VoiceCrm(remoting ? { mint: () => mintByRemoting(remoting, mintAction) } : {});
const connector = new SwitchboardVoiceConnector({
  crm,
  logger,
  supportLog: () => logger.text(),
  saveLog: (filename, text) => downloadText(filename, text),
});
// At once: Salesforce posts SETUP_CONNECTOR when the frame has loaded, and the engine reads it whenever it starts.
scv.initializeConnector(connector);

function storageOrUndefined(kind: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    return window[kind];
  } catch {
    return undefined; // storage blocked in this third-party frame: calls do not survive a reload
  }
}

/** Shows the sign-in form while the agent must sign in (credentials typed in this frame, never in the call center). */
async function followSignIn(engine: ConnectorEngine): Promise<void> {
  const translator = createTranslator(await loadLocale(new URLSearchParams(location.search).get('locale') ?? navigator.language, import.meta.url, logger));
  const form = document.createElement('sb-sign-in-form');
  form.translator = translator;
  const error = document.createElement('p');
  error.setAttribute('role', 'alert');
  error.className = 'sb-error';
  const autoSignIn = (s: ConnectorSettings | undefined) =>
    s !== undefined && (s.sip.credentialScheme === 'ephemeral' || (s.sip.username !== undefined && s.sip.password !== undefined));
  const render = (state: EngineState) => {
    const show = state.phase === 'signed-out' && state.settings !== undefined && !autoSignIn(state.settings);
    if (show && !form.isConnected) {
      form.username = state.settings?.sip.username ?? '';
      document.body.replaceChildren(form, error);
    }
    if (!show && form.isConnected) document.body.replaceChildren();
  };
  form.addEventListener(COMMAND_EVENT, (event) => {
    const command = (event as CustomEvent<AgentCommand>).detail;
    if (command.type !== 'sign-in' || !command.username || !command.password) return;
    form.busy = true;
    error.textContent = '';
    connector
      .signIn(command.username, command.password)
      .catch((e: unknown) => {
        error.textContent = e instanceof Error ? e.message : String(e);
      })
      .finally(() => {
        form.busy = false;
      });
  });
  engine.events.on('change', render);
  render(engine.state);
}

async function main(): Promise<void> {
  const storage = await usableStorage(new IndexedDbStorage(), () => new MemoryStorage(), logger);
  const locks = await usableLocks('locks' in navigator ? navigator.locks : undefined, logger);
  const dialogStorage = storageOrUndefined('localStorage');
  const tabStorage = storageOrUndefined('sessionStorage');
  let telephony: RuntimeTelephony | undefined;
  const engine = new ConnectorEngine({
    crm,
    storage,
    ...(tabStorage ? { historyStorage: new WebStoragePort(tabStorage) } : {}),
    clock,
    logger,
    createTelephony: async (settings) => {
      telephony = (await sip).createSipTelephony(settings, { clock, logger, ...(dialogStorage ? { dialogStorage } : {}) });
      // The phone book's availability (getPhoneContacts) comes from the colleagues' lamps.
      watchDirectoryLamps(
        telephony,
        settings.directory.map((d) => d.extension),
        logger,
      );
      return telephony;
    },
    // With Web Locks this is the only engine in the browser: a journaled call is a dead page's.
    ...(locks ? { journal: { staleMs: 0 } } : {}),
  });
  if (locks) {
    let granted = false;
    const holding = new Promise<void>((resolve) => {
      void locks.request(LOCK, { mode: 'exclusive' }, () => {
        granted = true;
        resolve();
        // Held for the page's life: released when the page goes.
        return new Promise<never>(() => {});
      });
    });
    await Promise.race([holding, new Promise((r) => setTimeout(r, 0))]);
    if (!granted) logger.log('warn', "Switchboard's phone runs in another console tab; this one takes it over when that tab closes");
    await holding;
  }
  // A reload or a closed tab keeps established calls for the next page (see the header).
  addEventListener('pagehide', () => {
    const kept = telephony?.suspend?.() ?? [];
    if (kept.length) logger.log('info', 'leaving with calls up; the next page takes them back', { callIds: [...kept] });
    engine.dispose();
    if (!kept.length) void Promise.resolve(telephony?.dispose?.()).catch(() => {});
  });
  Object.assign(window, { switchboard: { engine, connector, logger, telephony: () => telephony } });
  void followSignIn(engine).catch((error: unknown) => logger.log('error', 'the sign-in form could not be shown', { error: String(error) }));
  await engine.start();
}

main().catch((error: unknown) => {
  logger.log('error', 'the Salesforce Voice connector failed to start', { error: String(error) });
});

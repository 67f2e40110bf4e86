/**
 * The softphone page Salesforce loads into the softphone frame (the Call Center's adapter URL), and
 * the console emulator at /softphone/. Composition root: picks the Open CTI bridge from the URL,
 * builds storage, clock, logger and the SIP telephony, mounts the panel, and hands the tab's life
 * to SoftphoneRuntime (one active phone per browser, see src/app/leadership).
 *
 * The panel is usable (and Salesforce told so) before SIP registers: registration never blocks
 * notifyInitializationComplete.
 */
// Each from its own module, not the crm barrel: what the barrel re-exports (the Classic bridge)
// would otherwise be bundled into the page's static chunks, and loaded and kept on every page.
import { detectSurface } from '../../crm/detect-surface.ts';
import { createOpenCtiLightning } from '../../crm/opencti-lightning/create-lightning.ts';
import { IndexedDbStorage } from '../../crm/outbox/indexeddb-storage.ts';
import { MemoryStorage } from '../../crm/outbox/memory-storage.ts';
import { browserLocks } from '../../crm/shared/browser-locks.ts';
import { frameAncestry, parseTrustedOrigins, type OriginTrust } from '../../crm/shared/trusted-origins.ts';
import type { DocumentLike, OpenCtiCrm, ScriptElementLike } from '../../crm/index.ts';
import { browserClock } from '../../telephony/sip/browser-clock.ts';
import { formatPhoneNumber } from '../../ui/format/phone-format.ts';
import { createTranslator, pickLocale } from '../../ui/i18n/i18n.ts';
import { utilityLabel } from '../../ui/unsaved-logs-view.ts';
import '../../ui/components/switchboard-panel.ts';
import { SoftphoneHost } from '../host/softphone-host.ts';
import { DocumentAttention } from '../leadership/tab-attention.ts';
import { downloadText, RingBufferLogger } from '../runtime/ring-buffer-logger.ts';
import { usableLocks, usableStorage } from './browser-capabilities.ts';
import type { StoragePort } from '../../core/index.ts';
import type { LockManagerLike } from '../leadership/leadership.ts';
import { microphoneFact, probeSipWebSocket } from '../../core/diagnosis/index.ts';
import { recordCspViolations, runDiagnosis } from './diagnosis-probe.ts';
import { loadLocale } from './load-locale.ts';
import { SoftphoneRuntime } from './softphone-runtime.ts';
import { followUtilityLabel } from './utility-label.ts';
import { WebStoragePort } from './web-storage-port.ts';

const params = new URLSearchParams(location.search);
const locale = params.get('locale') ?? navigator.language;
const clock = browserClock;
// Errors only are mirrored to the browser console: the console keeps every message it is given
// (up to 1,000, text and all, so that DevTools opened later shows them), and sip.js warns on routine
// recoveries (a 412 answer to PUBLISH) all through a shift. Warnings stay in the downloadable log.
const logger = new RingBufferLogger(() => clock.now(), { mirrorLevels: ['error'], mirror: (_level, line) => console.error(line) });
// The SIP stack (sip.js) is the largest part of the page, and the panel is usable (and Salesforce
// told so) without it: imported once Open CTI has started (evaluating it earlier held the main
// thread while the Open CTI library waited to run, and with it Salesforce's ready notice), in
// parallel with the settings, and awaited only where the telephony adapter is built.
let startSip: () => void = () => {};
const sip = new Promise<void>((resolve) => {
  startSip = resolve;
}).then(() => import('../../telephony/sip/index.ts'));
sip.catch((error: unknown) => logger.log('error', 'the SIP stack could not load', { error: String(error) }));
const surface = detectSurface(location.search);
// From the first moment: the phone's own connection, blocked by a policy, is reported only once.
const cspViolations = recordCspViolations(document);
// Classic is the rarer surface: its bridge is a chunk of its own, fetched from page load on Classic
// pages only, so a Lightning page never loads (nor keeps in memory) the code of both.
const classic = surface === 'classic' ? import('../../crm/opencti-classic/create-classic.ts') : undefined;
classic?.catch(() => {}); // awaited (and reported) in main()

function showNotInFrame(): void {
  const main = document.createElement('main');
  main.className = 'sb-not-in-frame';
  main.setAttribute('role', 'alert');
  const h = document.createElement('h1');
  h.textContent = 'Switchboard';
  const p = document.createElement('p');
  p.textContent = createTranslator(pickLocale(locale)).t('panel.notInFrame');
  main.append(h, p);
  document.body.replaceChildren(main);
}

/**
 * The document as the Open CTI bridges see it: they only create the library's script element and
 * append it to <head>. Their narrow types do not accept the DOM's own, so this adapter forwards.
 */
function scriptLoadingDocument(): DocumentLike {
  const elements = new WeakMap<ScriptElementLike, HTMLScriptElement>();
  return {
    createElement: () => {
      const el = document.createElement('script');
      const like: ScriptElementLike = {
        get src() {
          return el.src;
        },
        set src(value: string) {
          el.src = value;
        },
        get async() {
          return el.async;
        },
        set async(value: boolean) {
          el.async = value;
        },
        onload: null,
        onerror: null,
      };
      el.onload = (ev) => like.onload?.call(el, ev);
      el.onerror = (ev) => like.onerror?.call(el, ev);
      elements.set(like, el);
      return like;
    },
    get head() {
      const head = document.head;
      return head
        ? {
            appendChild: (node: ScriptElementLike) => {
              const el = elements.get(node);
              if (!el) throw new Error('Only script elements made by this document adapter can be appended.');
              return head.appendChild(el);
            },
          }
        : null;
    },
  };
}

/**
 * Where Open CTI may come from besides Salesforce: the deployment writes its trusted origins into
 * the page (a meta tag: scripts/build.ts, the console emulator, the package builder), so the same
 * built code serves every deployment and nothing in the URL can widen the list.
 */
function originTrust(): OriginTrust {
  const meta = document.querySelector('meta[name="switchboard-trusted-origins"]');
  const trustedOrigins = parseTrustedOrigins(meta?.getAttribute('content') ?? '', 'The softphone page\'s <meta name="switchboard-trusted-origins">');
  return { trustedOrigins, ancestry: frameAncestry(window, document.referrer) };
}

/** The frame's sessionStorage, when the browser lets this (third-party) frame use it. */
function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function localStorageOrUndefined(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage blocked (third-party frame settings): calls do not survive a reload
  }
}

/** A unique id for this tab (randomUUID needs a secure context; the fallback does not). */
function tabId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Open CTI, IndexedDB and the Web Locks probe, started together before anything else the page does
 * (its locale, the panel's first render): the library is fetched from Salesforce's origin and each
 * of the three takes tens of milliseconds, and Salesforce waits for notifyInitializationComplete.
 */
function startCrm(): { crm: Promise<OpenCtiCrm>; storage: Promise<StoragePort>; locks: Promise<LockManagerLike | undefined> } {
  const storage = usableStorage(new IndexedDbStorage(), () => new MemoryStorage(), logger);
  const locks = usableLocks('locks' in navigator ? navigator.locks : undefined, logger);
  // The locks the outbox uses once the probe says they work; the library does not wait for the probe.
  const crmLocks = locks.then((usable) => (usable ? browserLocks() : undefined));
  const crm = (async () => {
    // One number formatter for the panel and the logs' subjects.
    const options = { window, document: scriptLoadingDocument(), clock, logger, origins: originTrust(), formatNumber: formatPhoneNumber };
    if (classic) {
      const probed = await crmLocks;
      return (await classic).createOpenCtiClassic({ ...options, storage: await storage, ...(probed ? { locks: probed } : {}) });
    }
    return createOpenCtiLightning({ ...options, storage, locks: crmLocks, notifyReadyOnLoad: true });
  })();
  crm.catch(() => {}); // awaited (and reported) in main()
  crm.finally(startSip).catch(() => {});
  return { crm, storage, locks };
}

async function main(): Promise<void> {
  const started = surface ? startCrm() : undefined;
  await loadLocale(locale, import.meta.url, logger);
  if (!started) {
    showNotInFrame();
    return;
  }
  const host = new SoftphoneHost({
    locale,
    clock,
    downloadLog: () => downloadText(`switchboard-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}.log`, logger.text()),
    diagnose: (state) =>
      runDiagnosis({
        pageOrigin: location.origin,
        state,
        cspViolations,
        microphone: () => microphoneFact(navigator, window.isSecureContext),
        probe: (url, domain) => probeSipWebSocket(url, domain, { WebSocket, clock }),
      }),
  });
  const panel = document.createElement('sb-panel');
  panel.host = host;

  // The calls' dialogs (telephony/sip/dialog-store.ts), where whichever tab holds the phone next
  // finds them: this tab after a reload, or another console tab of the agent that takes the phone
  // over when this one closes. Only the tab holding the phone reads or writes them.
  const dialogStorage = localStorageOrUndefined();
  const storageReady = started.storage;
  const locks = await started.locks;
  let crm: OpenCtiCrm;
  try {
    crm = await started.crm;
  } catch (error) {
    logger.log('error', 'Open CTI could not start', { error: String(error) });
    document.body.replaceChildren(panel);
    host.fail(error);
    return;
  }
  // Salesforce hears the softphone has loaded before the tab's election, the call center's settings
  // and the SIP registration, which show their own state in the panel. (Lightning's bridge already
  // sent it when its library loaded, and this shares that notice; Classic's sends it here.)
  crm.notifyReady().catch((e: unknown) => logger.log('warn', 'notifyReady failed', { error: String(e) }));
  // The panel's first render (tens of ms: templates, styles, layout) comes after that notice, not
  // in front of the Open CTI library's load: the console shows the phone once it has the notice.
  document.body.replaceChildren(panel);
  const storage = await storageReady;
  // This console's utility bar counts the call logs Salesforce refused (in every tab, leader or not).
  const translator = createTranslator(pickLocale(locale));
  followUtilityLabel(
    host,
    crm,
    (state) => {
      const label = utilityLabel(state);
      return translator.t(label.key, label.params);
    },
    logger,
  );
  const tabStorage = sessionStorageOrUndefined();
  const runtime = new SoftphoneRuntime({
    crm,
    storage,
    ...(tabStorage ? { historyStorage: new WebStoragePort(tabStorage) } : {}),
    clock,
    logger,
    locks,
    openChannel: (name) => new BroadcastChannel(name),
    // The channel secret lives where every tab of the softphone can read it; not in a per-tab fallback.
    ...(storage instanceof IndexedDbStorage ? { sharedStorage: storage } : {}),
    tabId: tabId(),
    host,
    // Whether the agent looks at this tab, so screen pops open in the console in front of them.
    attention: new DocumentAttention(document, window, clock),
    createTelephony: async (settings) => (await sip).createSipTelephony(settings, { clock, logger, ...(dialogStorage ? { dialogStorage } : {}) }),
  });
  // Leaving the page hands the phone to another tab at once (the lock would go with the page
  // anyway), but keeps established calls: a reload of this tab takes them back (INVITE with Replaces).
  addEventListener('pagehide', () => {
    void runtime.stop({ keepCalls: true });
    crm.dispose();
  });
  Object.assign(window, { switchboard: { runtime, host, logger } });
  await runtime.start();
}

main().catch((error: unknown) => {
  logger.log('error', 'the softphone failed to start', { error: String(error) });
});

/**
 * The Lightning console page (`/lightning/...`): header with global search and app navigation,
 * workspace tabs, the utility bar with the Phone (softphone iframe, loaded in the background when
 * the app opens) and Omni-Channel. Test hooks: `window.__consoleLog` (every Open CTI call served,
 * `{method, args, at}`) and `window.__console` (state readers and a few actions).
 */
import { h } from './dom.ts';
import { ApiClient } from './api-client.ts';
import { userMenu } from './user-menu.ts';
import { appLauncher, setupMenu, type LauncherItem } from './global-actions.ts';
import { Workspace } from './workspace.ts';
import { UtilityBar, type OmniStatus } from './utility-bar.ts';
import { LightningHost } from './lightning-host.ts';
import { LmsBus } from './lms-bus.ts';
import { softphoneUrl, clampInt } from './softphone-url.ts';
import { PRESENCE_CHANNEL, type PresenceMessage } from '../opencti/web/protocol.ts';
import { VoiceHost } from './voice/voice-host.ts';
import { VoicePhone } from './voice/voice-phone.ts';
import { dispositions, isVoiceCallCenter } from './voice/voice-config.ts';

const BASE = '/lightning';

async function boot(): Promise<void> {
  const root = document.getElementById('console') ?? document.body;
  const userParam = new URLSearchParams(location.search).get('user') ?? undefined;
  const api = new ApiClient(userParam);
  const session = await api.session();
  const settings = session.settings ?? {};
  const lms = new LmsBus();
  let host: LightningHost | undefined;
  let voice: VoiceHost | undefined;

  const header = h('header', { class: 'slds-global-header_container console-header' });
  const search = h('input', { type: 'search', class: 'slds-input', role: 'searchbox', 'aria-label': 'Search', placeholder: 'Search...' });
  const go = (path: string): void => void workspace.navigate(path);
  const objectItem = (o: { name: string; labelPlural: string }): LauncherItem => ({ label: o.labelPlural, path: `${BASE}/o/${o.name}/home` });
  const setupHome: LauncherItem = { label: 'Setup', path: `${BASE}/setup/CallCenters/home` };
  // The app's navigation bar names its main objects; the App Launcher lists those and the console's other items.
  const navItems = session.objects.filter((o) => ['Account', 'Contact', 'Lead', 'Case', 'Opportunity'].includes(o.name)).map(objectItem);
  const launcherItems = [
    ...navItems,
    ...session.objects.filter((o) => o.name === 'Task' || o.name === 'VoiceCall').map(objectItem),
    { label: 'Call Centers', path: setupHome.path },
  ];
  const nav = h(
    'nav',
    { 'aria-label': 'App navigation', class: 'console-nav' },
    [...navItems, setupHome].map((item) =>
      h(
        'a',
        {
          href: item.path,
          onclick: (e: Event) => {
            e.preventDefault();
            go(item.path);
          },
        },
        item.label,
      ),
    ),
  );
  header.append(
    h(
      'div',
      { class: 'slds-global-header slds-grid' },
      appLauncher('Service Console', launcherItems, go),
      h('span', { class: 'console-app-name' }, 'Service Console'),
      search,
      setupMenu([setupHome, { label: 'Switchboard Setup', path: `${BASE}/setup/Switchboard/home` }], go),
      userMenu(session, `${BASE}/page/home`),
    ),
    nav,
  );
  const body = h('div', { class: 'console-body' });
  root.append(header, body);

  const workspace = new Workspace(
    body,
    api,
    session,
    {
      onNavigation: (info) => host?.navigationChanged(info),
      onClickToDial: (event) => host?.clickToDial(event),
      onWorkStart: (to) => void host?.workStart(to),
      canStartWork: () => (host?.listeners['hvs.onWorkStart'] ?? 0) > 0,
    },
    BASE,
  );
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const term = search.value.trim();
    if (term.length >= 3) void workspace.navigate(`${BASE}/search?term=${encodeURIComponent(term)}`);
  });
  // Setup links inside rendered pages navigate in the workspace.
  body.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[href^="/lightning/"]') as HTMLAnchorElement | null;
    if (a && !e.defaultPrevented) {
      e.preventDefault();
      void workspace.navigate(a.getAttribute('href')!);
    }
  });

  const mode = settings['/reqGeneralInfo/reqSalesforceCompatibilityMode'] ?? 'Classic';
  const adapterUrl = settings['/reqGeneralInfo/reqAdapterUrl'] ?? session.callCenter?.AdapterUrl ?? '';
  // A Salesforce Voice contact center: Salesforce draws the phone (Omni-Channel), no Open CTI softphone.
  const voiceMode = Boolean(session.callCenter && adapterUrl && isVoiceCallCenter(settings));
  const phoneAvailable = !voiceMode && Boolean(session.callCenter && adapterUrl && (mode === 'Lightning' || mode === 'Classic_and_Lightning'));
  const awayReasons = (settings['/switchboard/awayReasons'] ?? 'Break:Break;Lunch:Lunch;Training:Training;Meeting:Meeting')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ id: p.slice(0, p.indexOf(':')).trim(), label: p.slice(p.indexOf(':') + 1).trim() }))
    .filter((r) => r.id);
  const bar = new UtilityBar(
    root,
    {
      widthPX: clampInt(settings['/reqGeneralInfo/reqSoftphoneWidth'], 200, 1920, 300),
      heightPX: clampInt(settings['/reqGeneralInfo/reqSoftphoneHeight'], 240, 2560, 480),
    },
    awayReasons,
    (status: OmniStatus) => {
      voice?.setPresence(status);
      const message: PresenceMessage = { source: 'omni', ...status };
      lms.publish(PRESENCE_CHANNEL, message);
    },
    phoneAvailable,
  );
  lms.subscribe(PRESENCE_CHANNEL, 'omni', (message) => {
    const m = message as Partial<PresenceMessage> | null;
    if (!m || m.source === 'omni' || !['available', 'away', 'offline', 'on-call', 'wrap-up'].includes(String(m.status))) return;
    bar.setOmni({ status: m.status!, ...(typeof m.reasonId === 'string' ? { reasonId: m.reasonId } : {}) }, false);
  });

  let frame: HTMLIFrameElement | undefined;
  if (phoneAvailable) {
    const url = softphoneUrl(adapterUrl, session.origins.vf, { sfdcIframeOrigin: location.origin, mode: 'Lightning' });
    frame = h('iframe', { title: 'Softphone', class: 'console-softphone', allow: 'microphone; autoplay', src: url.href });
    host = new LightningHost(frame, url.origin, api, session, workspace, bar, lms);
    bar.frameHost.append(frame);
    const standby = settings['/reqGeneralInfo/reqStandbyUrl'];
    const timeout = Number(settings['/reqGeneralInfo/reqTimeout']);
    if (standby && timeout > 0) {
      // Without notifyInitializationComplete in time, Lightning switches to the standby softphone.
      setTimeout(() => {
        if (host && !host.initializationComplete && frame)
          frame.src = softphoneUrl(standby, session.origins.vf, { sfdcIframeOrigin: location.origin, mode: 'Lightning' }).href;
      }, timeout);
    }
  } else if (voiceMode) {
    const url = new URL(adapterUrl, session.origins.vf);
    // ACW follows the contact center's wrap-up item (Omni's After Conversation Work in an org).
    const acwAllowed = !/^false$/i.test(settings['/switchboard/wrapUpEnabled'] ?? 'true');
    voice = new VoiceHost(root, url, api, session, workspace, bar, awayReasons, acwAllowed);
    new VoicePhone(bar.omniExtra, voice, dispositions(settings));
  } else {
    bar.frameHost.append(
      h(
        'p',
        { role: 'note' },
        session.callCenter
          ? `Call center ${session.callCenter.Name} is not available in Lightning Experience (compatibility mode ${mode}).`
          : `${session.user.Name} is not assigned to a call center.`,
      ),
    );
  }

  const w = window as unknown as Record<string, unknown>;
  w.__consoleLog = host ? host.log : [];
  w.__console = {
    session: () => session,
    currentTab: () => (workspace.active ? { ...workspace.active, info: workspace.info() } : null),
    tabs: () => workspace.tabs.map((t) => ({ ...t })),
    openRecords: () => workspace.tabs.filter((t) => t.kind === 'record').map((t) => t.recordId),
    modal: () => workspace.modalOpen ?? null,
    clickToDialEnabled: () => workspace.clickToDial,
    panel: () => ({ ...bar.phone }),
    presence: () => bar.omni,
    setPresence: (status: OmniStatus) => bar.setOmni(status, true),
    lmsSubscriptions: () => lms.list(),
    listeners: () => (host ? { ...host.listeners } : null),
    initializationComplete: () => host?.initializationComplete ?? false,
    softphoneUrl: () => frame?.src ?? null,
    navigate: (path: string) => workspace.navigate(path),
    refresh: () => workspace.refresh(),
    startWork: (to: string) => host?.workStart(to),
    voice: () =>
      voice
        ? {
            state: voice.state,
            wire: voice.wire,
            voiceCall: voice.voiceCall,
            related: voice.related,
            originWarning: voice.originWarning ?? null,
            connectorUrl: voice.frame.src,
          }
        : null,
    ready: true,
  };

  window.addEventListener(
    'popstate',
    () => void workspace.navigate(location.pathname + location.search.replace(/([?&])user=[^&]*/, '$1').replace(/[?&]$/, '')),
  );
  const start = location.pathname + location.search.replace(/([?&])user=[^&]*&?/, '$1').replace(/[?&]$/, '');
  await workspace.navigate(start.startsWith(`${BASE}/`) ? start : `${BASE}/page/home`);
  document.body.dataset.consoleReady = 'true';
}

boot().catch((e: unknown) => {
  document.body.append(
    h('div', { role: 'alert', class: 'slds-text-color_error' }, `The console could not start: ${e instanceof Error ? e.message : String(e)}`),
  );
});

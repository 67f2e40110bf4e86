/**
 * The Classic console (`/console/classic`): a header (app name, search, user menu) and the
 * navigation tab's object links on top, the softphone in the left sidebar, loaded with
 * Classic's frame parameters (`sfdcIFrameOrigin`, `sfdcIFrameHost`, `nonce`, `isdtp`) and served
 * `interaction.js` semantics; the workspace on the right. Test hooks as on the Lightning page.
 */
import { h } from './dom.ts';
import { userMenu } from './user-menu.ts';
import { ApiClient } from './api-client.ts';
import { Workspace } from './workspace.ts';
import { ClassicHost } from './classic-host.ts';
import { softphoneUrl, clampInt } from './softphone-url.ts';

const BASE = '/lightning';

async function boot(): Promise<void> {
  const root = document.getElementById('console') ?? document.body;
  const userParam = new URLSearchParams(location.search).get('user') ?? undefined;
  const api = new ApiClient(userParam);
  const session = await api.session();
  const settings = session.settings ?? {};
  let host: ClassicHost | undefined;
  const sidebar = h('aside', { class: 'console-classic-sidebar', 'aria-label': 'Softphone sidebar' });
  const main = h('div', { class: 'console-classic-main' });
  // Classic's header (app name, search, the user's menu) and its navigation tab over the sidebar
  // and the workspace, as the Classic Service Cloud Console lays them out.
  const go = (path: string) => (e: Event) => {
    e.preventDefault();
    void workspace.navigate(path);
  };
  const search = h('input', { type: 'search', class: 'slds-input', role: 'searchbox', 'aria-label': 'Search', placeholder: 'Search...' });
  const header = h(
    'header',
    { class: 'console-classic-header' },
    h('span', { class: 'console-app-name' }, 'Service Cloud Console'),
    search,
    userMenu(session, '/console/classic'),
  );
  const nav = h(
    'nav',
    { 'aria-label': 'Navigation tab', class: 'console-classic-nav' },
    h('a', { href: `${BASE}/page/home`, onclick: go(`${BASE}/page/home`) }, 'Home'),
    session.objects
      .filter((o) => ['Account', 'Contact', 'Lead', 'Case', 'Opportunity'].includes(o.name))
      .map((o) => h('a', { href: `${BASE}/o/${o.name}/home`, onclick: go(`${BASE}/o/${o.name}/home`) }, o.labelPlural)),
  );
  root.append(header, nav, h('div', { class: 'console-classic' }, sidebar, main));
  const workspace = new Workspace(
    main,
    api,
    session,
    {
      onNavigation: (info) => host?.navigationChanged(info),
      onClickToDial: (e) => host?.clickToDial(e),
      onWorkStart: () => undefined,
      // Sales Engagement work is a Lightning Open CTI feature.
      canStartWork: () => false,
    },
    BASE,
  );
  workspace.pushHistory = false;
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const term = search.value.trim();
    if (term.length >= 3) void workspace.navigate(`${BASE}/search?term=${encodeURIComponent(term)}`);
  });
  const mode = settings['/reqGeneralInfo/reqSalesforceCompatibilityMode'] ?? 'Classic';
  const adapterUrl = settings['/reqGeneralInfo/reqAdapterUrl'] ?? session.callCenter?.AdapterUrl ?? '';
  let frame: HTMLIFrameElement | undefined;
  if (session.callCenter && adapterUrl && (mode === 'Classic' || mode === 'Classic_and_Lightning')) {
    const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    const url = softphoneUrl(adapterUrl, session.origins.vf, { sfdcIFrameOrigin: location.origin, sfdcIFrameHost: location.host, nonce, isdtp: 'vw' });
    const size = {
      width: clampInt(settings['/reqGeneralInfo/reqSoftphoneWidth'], 100, 1920, 300),
      height: clampInt(settings['/reqGeneralInfo/reqSoftphoneHeight'], 100, 2560, 480),
    };
    frame = h('iframe', { title: 'Softphone', allow: 'microphone; autoplay', src: url.href, style: `width:${size.width}px;height:${size.height}px` });
    host = new ClassicHost(frame, url.origin, api, session, workspace, size);
    sidebar.append(h('div', {}, frame));
  } else {
    sidebar.append(
      h(
        'p',
        { role: 'note' },
        session.callCenter
          ? `Call center ${session.callCenter.Name} is not available in Salesforce Classic (compatibility mode ${mode}).`
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
    clickToDialEnabled: () => workspace.clickToDial,
    softphoneUrl: () => frame?.src ?? null,
    navigate: (path: string) => workspace.navigate(path),
    ready: true,
  };
  await workspace.navigate(`${BASE}/page/home`);
  document.body.dataset.consoleReady = 'true';
}

boot().catch((e: unknown) => {
  document.body.append(h('div', { role: 'alert' }, `The console could not start: ${e instanceof Error ? e.message : String(e)}`));
});

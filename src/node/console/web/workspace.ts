/**
 * The console's workspace: tabs holding record pages, object homes, list views, Top Results, the
 * screen-flow stand-in, Visualforce pops and Setup pages; the new-record modal; click-to-dial on
 * phone fields. It performs screen pops (`pop`) and tells its owner about navigation.
 */
import { h, clear } from './dom.ts';
import type { ApiClient, ObjectInfo, RecordPage, RecordView, Session, Value } from './api-client.ts';
import { renderSetup } from './setup-pages.ts';
import { recordSections } from './record-page.ts';
import { renderRelatedView } from './related-view.ts';
import { formatDate, formatDateTime, userLocale, userTimeZone, type FormatContext } from './field-format.ts';
import { newRecordModal } from './new-record-modal.ts';
import { renderFlow, renderList, renderSearch, renderVf, type TabPageContext } from './tab-pages.ts';

export interface Tab {
  readonly id: number;
  url: string;
  title: string;
  kind: 'home' | 'record' | 'related' | 'objecthome' | 'list' | 'search' | 'flow' | 'vf' | 'setup';
  recordId?: string;
  objectType?: string;
  recordName?: string;
  accountId?: string;
  contactId?: string;
  flow?: { flowDevName: string; flowArgs: unknown[] };
}

export interface ViewInfo {
  url: string;
  recordId?: string;
  recordName?: string;
  objectType?: string;
  accountId?: string;
  contactId?: string;
}

export interface ClickToDialEvent {
  number: string;
  recordId: string;
  recordName: string;
  objectType: string;
  accountId?: string;
  contactId?: string;
  params: string;
}

export interface PopRequest {
  type: unknown;
  params: unknown;
}

export class PopError extends Error {}

export interface WorkspaceHooks {
  onNavigation(info: ViewInfo): void;
  onClickToDial(event: ClickToDialEvent): void;
  onWorkStart(to: string, record: RecordView): void;
  /** Whether a softphone listens for Sales Engagement work (hvs.onWorkStart): only then is there a cadence call to start. */
  canStartWork(): boolean;
}

export class Workspace {
  readonly tabs: Tab[] = [];
  active: Tab | undefined;
  clickToDial = false;
  /** Classic keeps its own URL; Lightning mirrors the active tab in the address bar. */
  pushHistory = true;
  private nextId = 1;
  private readonly tabBar: HTMLElement;
  private readonly content: HTMLElement;
  /** Counts renders: a render that a later one overtook drops its page. */
  private renderGeneration = 0;
  private readonly modalHost: HTMLElement;
  private objectCache = new Map<string, ObjectInfo>();
  /** The record a screen pop read a moment ago, for its page's first render. */
  private justRead: { readonly id: string; readonly view: RecordPage } | undefined;

  constructor(
    root: HTMLElement,
    private readonly api: ApiClient,
    private session: Session,
    private readonly hooks: WorkspaceHooks,
    private readonly basePath: string,
  ) {
    this.tabBar = h('div', { class: 'slds-tabs_default console-tabs', role: 'tablist', 'aria-label': 'Workspace tabs' });
    this.content = h('main', { class: 'console-content slds-p-around_medium', 'aria-label': 'Workspace' });
    this.modalHost = h('div', { class: 'console-modal-host' });
    root.append(this.tabBar, this.content, this.modalHost);
    // The user's time zone and date formats are ready before the first record page (a screen pop)
    // needs them, as Lightning has the user's locale settings from app load: made here, while the
    // console loads (before the softphone's frame), not in the middle of the softphone's start or a pop.
    const ctx = this.format();
    formatDate('2000-01-01', ctx);
    formatDateTime('2000-01-01T00:00:00Z', ctx);
  }

  setSession(session: Session): void {
    this.session = session;
  }

  info(tab = this.active): ViewInfo {
    if (!tab) return { url: location.origin + this.basePath };
    const info: ViewInfo = { url: location.origin + tab.url };
    if (tab.recordId) {
      info.recordId = tab.recordId;
      info.recordName = tab.recordName ?? '';
      info.objectType = tab.objectType ?? '';
      if (tab.accountId) info.accountId = tab.accountId;
      if (tab.contactId) info.contactId = tab.contactId;
    }
    return info;
  }

  /** Opens (or focuses) the tab for a console URL path. */
  async navigate(path: string, opts: { newTab?: boolean } = {}): Promise<Tab> {
    const existing = this.tabs.find((t) => t.url === path);
    if (existing && !opts.newTab) {
      await this.focus(existing);
      return existing;
    }
    const tab: Tab = { id: this.nextId++, url: path, title: 'Loading…', kind: 'home' };
    this.classify(tab);
    this.tabs.push(tab);
    await this.focus(tab);
    return tab;
  }

  async focus(tab: Tab): Promise<void> {
    this.active = tab;
    if (this.pushHistory && location.pathname + location.search !== tab.url) history.pushState(null, '', this.withUser(tab.url));
    await this.render();
    this.hooks.onNavigation(this.info());
  }

  async refresh(): Promise<void> {
    // refreshView re-reads the data views; a form (Setup, a flow, a Visualforce page) keeps what
    // the user has typed into it.
    if (this.active && (this.active.kind === 'setup' || this.active.kind === 'flow' || this.active.kind === 'vf')) return;
    await this.render();
  }

  close(tab: Tab): void {
    const i = this.tabs.indexOf(tab);
    if (i < 0) return;
    this.tabs.splice(i, 1);
    if (this.active === tab) {
      const next = this.tabs[Math.max(0, i - 1)];
      if (next) void this.focus(next);
      else void this.navigate(`${this.basePath}/page/home`);
    } else this.renderTabs();
  }

  private withUser(url: string): string {
    const user = new URLSearchParams(location.search).get('user');
    if (!user || url.includes('user=')) return url;
    return `${url}${url.includes('?') ? '&' : '?'}user=${encodeURIComponent(user)}`;
  }

  private classify(tab: Tab): void {
    const u = new URL(tab.url, location.origin);
    const parts = u.pathname.replace(/^\/+/, '').split('/');
    // parts[0] is 'lightning' (or 'console')
    const [, section, a, b, c, d] = parts;
    if (section === 'r' && a && b && c === 'related' && d) {
      // A related list's View All: the list is the page, not the record (no record-page navigation info).
      tab.kind = 'related';
      tab.objectType = a;
    } else if (section === 'r' && a && b) {
      tab.kind = 'record';
      tab.objectType = a;
      tab.recordId = b;
    } else if (section === 'o' && a && b === 'home') {
      tab.kind = 'objecthome';
      tab.objectType = a;
    } else if (section === 'o' && a && b === 'list') {
      tab.kind = 'list';
      tab.objectType = a;
    } else if (section === 'search') tab.kind = 'search';
    else if (section === 'flow') tab.kind = 'flow';
    else if (section === 'vf') tab.kind = 'vf';
    else if (section === 'setup') tab.kind = 'setup';
    else tab.kind = 'home';
  }

  // ---- screen pops ------------------------------------------------------------------------

  /** Performs a screenPop `{type, params}`; throws PopError (→ INVALID_PARAM) on bad input. */
  /** Opens what a screen pop names; `read` is the record page when the caller already has it (a search and pop). */
  async pop(request: PopRequest, read?: RecordPage): Promise<void> {
    const params = (typeof request.params === 'object' && request.params !== null ? request.params : {}) as Record<string, unknown>;
    const str = (key: string): string => {
      const v = params[key];
      if (typeof v !== 'string' || v.trim() === '') throw new PopError(`params.${key} is required for screen pop type '${String(request.type)}'.`);
      return v.trim();
    };
    const base = this.basePath;
    switch (request.type) {
      case 'sobject': {
        const recordId = str('recordId');
        const found = read && read.record.Id === recordId ? read : await this.api.record(recordId).catch(() => undefined);
        if (!found) throw new PopError(`No record found with Id ${recordId}.`);
        // The page renders from what was just read: one round trip from the pop to the record on screen, not two.
        this.justRead = { id: found.record.Id, view: found };
        await this.navigate(`${base}/r/${found.record.object}/${found.record.Id}/view`);
        return;
      }
      case 'url': {
        const url = str('url');
        if (!url.startsWith('/') || url.startsWith('//')) throw new PopError(`params.url must be a relative URL (starting with /), got '${url}'.`);
        if (url.startsWith('/apex/')) await this.navigate(`${base}/vf?page=${encodeURIComponent(url)}`);
        else if (url.startsWith(base + '/')) await this.navigate(url);
        else if (/^\/[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(url)) await this.pop({ type: 'sobject', params: { recordId: url.slice(1) } });
        else throw new PopError(`The console cannot open '${url}'.`);
        return;
      }
      case 'objecthome': {
        const scope = this.objectName(str('scope'));
        await this.navigate(`${base}/o/${scope}/home`);
        return;
      }
      case 'list': {
        const listViewId = str('listViewId');
        const scope = this.objectName(str('scope'));
        await this.navigate(`${base}/o/${scope}/list?filterName=${encodeURIComponent(listViewId)}`);
        return;
      }
      case 'search': {
        const term = str('searchString');
        if (term.length < 3) throw new PopError('params.searchString must be at least 3 characters long.');
        await this.navigate(`${base}/search?term=${encodeURIComponent(term)}`);
        return;
      }
      case 'newRecord': {
        const entity = this.objectName(str('entityName'));
        const defaults = params.defaultFieldValues;
        if (defaults !== undefined && (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)))
          throw new PopError('params.defaultFieldValues must be an object.');
        await this.openNewRecord(entity, (defaults ?? {}) as Record<string, unknown>);
        return;
      }
      case 'flow': {
        const flowDevName = str('flowDevName');
        if (!/^[A-Za-z]\w*$/.test(flowDevName)) throw new PopError(`'${flowDevName}' is not a flow API name.`);
        const args = params.flowArgs ?? [];
        if (!Array.isArray(args) || !args.every((a) => typeof a === 'object' && a !== null && typeof (a as { name?: unknown }).name === 'string')) {
          throw new PopError('params.flowArgs must be a list of {name, type, value}.');
        }
        const tab = await this.navigate(`${base}/flow/${flowDevName}?t=${this.nextId}`, { newTab: true });
        tab.flow = { flowDevName, flowArgs: args };
        await this.render();
        return;
      }
      default:
        throw new PopError(`Unknown screen pop type '${String(request.type)}'. Use one of sforce.opencti.SCREENPOP_TYPE.`);
    }
  }

  private objectName(name: string): string {
    const o = this.session.objects.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!o) throw new PopError(`Unknown object '${name}'.`);
    return o.name;
  }

  private async describe(name: string): Promise<ObjectInfo> {
    let o = this.objectCache.get(name);
    if (!o) {
      o = await this.api.object(name);
      this.objectCache.set(name, o);
    }
    return o;
  }

  // ---- new record modal -------------------------------------------------------------------

  modalOpen: { entityName: string; defaults: Record<string, unknown> } | undefined;

  async openNewRecord(entityName: string, defaults: Record<string, unknown>): Promise<void> {
    const object = await this.describe(entityName);
    this.modalOpen = { entityName, defaults };
    clear(this.modalHost);
    const close = (): void => {
      this.modalOpen = undefined;
      clear(this.modalHost);
    };
    const created = (id: string): Promise<Tab> => this.navigate(`${this.basePath}/r/${entityName}/${id}/view`);
    this.modalHost.append(...newRecordModal(object, entityName, defaults, { api: this.api, close, created }));
    this.hooks.onNavigation(this.info());
  }

  // ---- rendering --------------------------------------------------------------------------

  renderTabs(): void {
    clear(this.tabBar);
    const list = h('ul', { class: 'slds-tabs_default__nav', role: 'presentation' });
    for (const tab of this.tabs) {
      const selected = tab === this.active;
      list.append(
        h(
          'li',
          { class: `slds-tabs_default__item${selected ? ' slds-is-active' : ''}`, role: 'presentation' },
          h(
            'a',
            {
              class: 'slds-tabs_default__link',
              role: 'tab',
              href: tab.url,
              'aria-selected': selected ? 'true' : 'false',
              'data-tab-id': tab.id,
              onclick: (e: Event) => {
                e.preventDefault();
                void this.focus(tab);
              },
            },
            tab.title,
          ),
          h(
            'button',
            { class: 'slds-button slds-button_icon console-tab-close', type: 'button', 'aria-label': `Close ${tab.title}`, onclick: () => this.close(tab) },
            '×',
          ),
        ),
      );
    }
    this.tabBar.append(list);
  }

  /**
   * Renders the active tab off the page and swaps it in whole once its data has come: a refresh
   * never blanks the page while it loads, and of two renders that overlap (a screen pop's
   * navigation and a refreshView, say) only the later one shows (the earlier used to append its
   * page beside the later's, or leave the page empty under load).
   */
  async render(): Promise<void> {
    const tab = this.active;
    const generation = ++this.renderGeneration;
    if (!tab) {
      clear(this.content);
      return this.renderTabs();
    }
    const into = h('div', { class: 'console-page' });
    try {
      switch (tab.kind) {
        case 'record':
          await this.renderRecord(tab, into);
          break;
        case 'related':
          tab.title = await renderRelatedView(into, tab.url, this.api, {
            basePath: this.basePath,
            format: this.format(),
            navigate: (url) => void this.navigate(url),
            phone: (object, record, field, value) => this.fieldValue(object, record, field, value),
          });
          break;
        case 'objecthome':
        case 'list':
          await renderList(tab, into, this.pageContext());
          break;
        case 'search':
          await renderSearch(tab, into, this.pageContext());
          break;
        case 'flow':
          renderFlow(tab, into);
          break;
        case 'vf':
          renderVf(tab, into, this.session);
          break;
        case 'setup': {
          tab.title = 'Setup';
          await renderSetup(into, this.api, new URL(tab.url, location.origin).pathname, this.session);
          break;
        }
        default:
          this.renderHome(tab, into);
      }
    } catch (e) {
      into.append(h('div', { class: 'slds-text-color_error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
    }
    if (generation !== this.renderGeneration) return;
    this.content.replaceChildren(into);
    this.renderTabs();
  }

  private renderHome(tab: Tab, into: HTMLElement): void {
    tab.title = 'Home';
    into.append(h('h1', { class: 'slds-text-heading_large' }, 'Home'), h('p', {}, `Signed in as ${this.session.user.Name}.`));
  }

  private fieldValue(object: ObjectInfo, record: RecordView, name: string, value: Value): Node | string {
    const def = object.fields.find((f) => f.name === name);
    if (def?.type === 'phone' && typeof value === 'string' && value !== '') {
      if (!this.clickToDial) return h('span', { class: 'console-phone' }, value);
      return h(
        'button',
        {
          class: 'slds-button console-click-to-dial',
          type: 'button',
          'aria-label': `Call ${value}`,
          'data-field': name,
          onclick: () => this.hooks.onClickToDial(this.dialEvent(record, value)),
        },
        value,
      );
    }
    return value === null || value === undefined ? '' : String(value);
  }

  /** The signed-in user's locale and time zone, which record pages format values in. */
  private format(): FormatContext {
    const timeZone = userTimeZone(this.session.user.TimeZoneSidKey);
    return { locale: userLocale(this.session.user.LocaleSidKey), ...(timeZone ? { timeZone } : {}) };
  }

  private pageContext(): TabPageContext {
    return {
      api: this.api,
      basePath: this.basePath,
      session: this.session,
      navigate: (url) => void this.navigate(url),
      fieldValue: (object, record, name, value) => this.fieldValue(object, record, name, value),
    };
  }

  private dialEvent(record: RecordView, number: string): ClickToDialEvent {
    const e: ClickToDialEvent = { number, recordId: record.Id, recordName: record.name, objectType: record.object, params: '' };
    const account = record.fields.AccountId;
    if (record.object === 'Account') e.accountId = record.Id;
    else if (typeof account === 'string' && account) e.accountId = account;
    if (record.object === 'Contact') e.contactId = record.Id;
    return e;
  }

  private async renderRecord(tab: Tab, into: HTMLElement): Promise<void> {
    const justRead = this.justRead;
    this.justRead = undefined;
    const read = justRead && justRead.id === tab.recordId ? justRead.view : undefined;
    const page = read ?? (await this.api.record(tab.recordId!));
    const { record, object } = page;
    tab.title = record.name || record.Id;
    tab.recordName = record.name;
    tab.objectType = record.object;
    if (record.object === 'Contact') tab.contactId = record.Id;
    if (record.object === 'Account') tab.accountId = record.Id;
    else if (typeof record.fields.AccountId === 'string') tab.accountId = record.fields.AccountId;
    const phone = object.fields.find((f) => f.type === 'phone' && typeof record.fields[f.name] === 'string' && record.fields[f.name] !== '');
    into.append(
      h(
        'header',
        { class: 'slds-page-header' },
        h('p', { class: 'slds-page-header__name-meta' }, object.label),
        h('h1', { class: 'slds-page-header__title' }, record.name),
        phone && this.hooks.canStartWork()
          ? h(
              'button',
              { class: 'slds-button slds-button_neutral', type: 'button', onclick: () => this.hooks.onWorkStart(String(record.fields[phone.name]), record) },
              'Start Cadence Call',
            )
          : null,
      ),
      ...recordSections(page, {
        basePath: this.basePath,
        format: this.format(),
        navigate: (url) => void this.navigate(url),
        phone: (field, value) => this.fieldValue(object, record, field, value),
      }),
    );
  }
}

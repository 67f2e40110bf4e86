/**
 * The workspace's tabs that are not record pages: an object's home and list views, Top Results,
 * the screen-flow stand-in and a Visualforce pop's frame. Each reads what it shows from its tab's
 * URL and the console API and names its tab; opening, focusing and closing tabs stay with the
 * workspace, which hands in navigation and the click-to-dial control for phone values.
 */
import { h } from './dom.ts';
import type { ApiClient, ObjectInfo, RecordView, Session, Value } from './api-client.ts';
import { vfPageUrl } from './vf-page-url.ts';

/** What a page reads of its tab, and the title it gives it. */
export interface PageTab {
  readonly url: string;
  title: string;
  readonly kind: string;
  readonly objectType?: string;
  readonly flow?: { readonly flowDevName: string; readonly flowArgs: unknown[] };
}

export interface TabPageContext {
  readonly api: ApiClient;
  readonly basePath: string;
  readonly session: Session;
  /** Opens a console URL in the workspace (a record of a list or of the results). */
  navigate(url: string): void;
  /** A field's value in a list row; phone numbers get the softphone's click-to-dial control. */
  fieldValue(object: ObjectInfo, record: RecordView, name: string, value: Value): Node | string;
}

/** A link that opens a record's page in the workspace rather than reloading the console. */
function recordLink(ctx: TabPageContext, r: RecordView, text: string): HTMLElement {
  return h(
    'a',
    {
      href: `${ctx.basePath}/r/${r.object}/${r.Id}/view`,
      onclick: (e: Event) => {
        e.preventDefault();
        ctx.navigate(`${ctx.basePath}/r/${r.object}/${r.Id}/view`);
      },
    },
    text,
  );
}

/** An object's home, or one of its list views (`?filterName=`), as a table of its records. */
export async function renderList(tab: PageTab, into: HTMLElement, ctx: TabPageContext): Promise<void> {
  const { object, records } = await ctx.api.list(tab.objectType!);
  const filter = new URL(tab.url, location.origin).searchParams.get('filterName');
  tab.title = tab.kind === 'list' ? `${object.labelPlural}: ${filter ?? 'All'}` : object.labelPlural;
  const columns = object.fields
    .filter((f) => f.type === 'phone' || ['Name', 'CaseNumber', 'Subject', 'Email', 'Status', 'Company'].includes(f.name))
    .slice(0, 5);
  into.append(
    h('h1', { class: 'slds-text-heading_large' }, tab.title),
    h(
      'table',
      { class: 'slds-table slds-table_bordered', 'aria-label': tab.title },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col' }, c.label)),
        ),
      ),
      h(
        'tbody',
        {},
        records.map((r) =>
          h(
            'tr',
            {},
            columns.map((c, i) =>
              h('td', {}, i === 0 ? recordLink(ctx, r, String(r.fields[c.name] ?? r.name)) : ctx.fieldValue(object, r, c.name, r.fields[c.name] ?? null)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Top Results of a search (`?term=`), grouped by object. */
export async function renderSearch(tab: PageTab, into: HTMLElement, ctx: TabPageContext): Promise<void> {
  const term = new URL(tab.url, location.origin).searchParams.get('term') ?? '';
  tab.title = `Search: ${term}`;
  const { records } = await ctx.api.search(term);
  const groups = new Map<string, RecordView[]>();
  for (const r of records) groups.set(r.object, [...(groups.get(r.object) ?? []), r]);
  into.append(
    h('h1', { class: 'slds-text-heading_large' }, 'Top Results'),
    h('p', {}, `${records.length} result${records.length === 1 ? '' : 's'} for "${term}"`),
    ...[...groups].map(([object, list]) =>
      h(
        'section',
        { 'aria-label': object, class: 'slds-m-top_small' },
        h('h2', { class: 'slds-text-heading_small' }, ctx.session.objects.find((o) => o.name === object)?.labelPlural ?? object),
        h(
          'ul',
          {},
          list.map((r) => h('li', {}, recordLink(ctx, r, r.name))),
        ),
      ),
    ),
  );
}

/** The screen flow's stand-in: which flow a pop launched, and its input variables. */
export function renderFlow(tab: PageTab, into: HTMLElement): void {
  const flow = tab.flow ?? { flowDevName: new URL(tab.url, location.origin).pathname.split('/').pop() ?? '', flowArgs: [] };
  tab.title = `Flow: ${flow.flowDevName}`;
  into.append(
    h(
      'section',
      { 'aria-label': 'Screen flow', class: 'console-flow' },
      h('h1', { class: 'slds-text-heading_large' }, `Screen flow ${flow.flowDevName}`),
      h('p', {}, 'The emulator shows which flow was launched and with what input variables.'),
      h(
        'table',
        { class: 'slds-table slds-table_bordered', 'aria-label': 'Flow arguments' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Name', 'Type', 'Value'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          (flow.flowArgs as { name: string; type?: unknown; value?: unknown }[]).map((a) =>
            h('tr', {}, h('td', {}, a.name), h('td', {}, String(a.type ?? '')), h('td', {}, typeof a.value === 'string' ? a.value : JSON.stringify(a.value))),
          ),
        ),
      ),
    ),
  );
}

/** A Visualforce page (`?page=/apex/…`) in a frame on the org's Visualforce origin. */
export function renderVf(tab: PageTab, into: HTMLElement, session: Session): void {
  const page = new URL(tab.url, location.origin).searchParams.get('page') ?? '/apex/';
  tab.title = page.replace(/^\/apex\//, '').split('?')[0] ?? 'Visualforce';
  const src = vfPageUrl(page, session.origins.vf);
  if (!src) {
    into.append(h('p', { role: 'alert' }, `The console opens Visualforce pages (/apex/…) of this org only, not '${page}'.`));
    return;
  }
  into.append(h('iframe', { class: 'console-vf', title: `Visualforce page ${tab.title}`, src: src.href }));
}

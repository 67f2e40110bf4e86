/**
 * A record's related list on its own console tab, Lightning's View All
 * (`/lightning/r/{Object}/{recordId}/related/{Relationship}/view`): a breadcrumb back to the
 * record, the list's name and total, and a table of its records — Activity History in the record
 * page's columns — fetched a page at a time ("Load More" reads the next).
 */
import { h } from './dom.ts';
import type { ApiClient, FieldInfo, ObjectInfo, RecordView } from './api-client.ts';
import { formatValue, type FormatContext } from './field-format.ts';
import { ACTIVITY_HISTORY } from '../server/console-data.ts';
import { activityRow, activityTable, link } from './record-page.ts';

export interface RelatedViewContext {
  readonly basePath: string;
  readonly format: FormatContext;
  navigate(url: string): void;
  /** A row's phone number, shown as the record page shows it (a click-to-dial button while Open CTI enables it). */
  phone(object: ObjectInfo, record: RecordView, field: string, value: string): Node | string;
}

/** The parent's Id and the relationship of a View All URL, or undefined for another URL. */
export function parseRelatedUrl(url: string): { readonly object: string; readonly recordId: string; readonly relationship: string } | undefined {
  const m = /^\/[^/]+\/r\/(\w+)\/([A-Za-z0-9]{15,18})\/related\/(\w+)\/view$/.exec(new URL(url, 'http://x').pathname);
  return m ? { object: m[1]!, recordId: m[2]!, relationship: m[3]! } : undefined;
}

/** The columns a related list's table shows: the record's name first, then what identifies it. */
const COLUMNS = ['Title', 'Email', 'Phone', 'Subject', 'Status', 'Priority', 'StageName', 'CloseDate', 'Amount'];

/** Renders the View All into `content`; returns the tab title. SOQL's OFFSET stops at 2000, and so does Load More. */
export async function renderRelatedView(content: HTMLElement, url: string, api: ApiClient, ctx: RelatedViewContext): Promise<string> {
  const target = parseRelatedUrl(url);
  if (!target) throw new Error(`'${url}' is not a related list URL.`);
  const first = await api.related(target.recordId, target.relationship);
  const { parent, list, object } = first;
  const activities = list.relationship === ACTIVITY_HISTORY;
  const columns = activities ? [] : object.fields.filter((f) => COLUMNS.includes(f.name) && !isNameField(object, f)).slice(0, 4);
  const table = activities ? activityTable([], object, ctx.format) : recordTable(object, columns);
  const body = table.tBodies[0]!;
  let shown = 0;
  const add = (records: readonly RecordView[]): void => {
    body.append(...records.map((r) => (activities ? activityRow(r, object, ctx.format) : recordRow(r, object, columns, ctx))));
    shown += records.length;
    status.textContent = `${list.count} item${list.count === 1 ? '' : 's'}${shown < list.count ? ` · showing ${shown}` : ''}`;
    more.hidden = shown >= list.count || shown > 2000;
  };
  const status = h('p', { class: 'slds-text-body_small', role: 'status' });
  const more = h(
    'button',
    {
      class: 'slds-button slds-button_neutral slds-m-top_small',
      type: 'button',
      onclick: () => {
        more.disabled = true;
        api
          .related(parent.Id, list.relationship, shown)
          .then(
            (next) => add(next.list.records),
            (e: unknown) => {
              status.textContent = e instanceof Error ? e.message : String(e);
            },
          )
          .finally(() => {
            more.disabled = false;
          });
      },
    },
    'Load More',
  );
  content.append(
    h(
      'nav',
      { 'aria-label': 'Breadcrumbs' },
      h(
        'ol',
        { class: 'slds-breadcrumb slds-list_horizontal' },
        h('li', { class: 'slds-breadcrumb__item' }, parent.label),
        h('li', { class: 'slds-breadcrumb__item' }, link(ctx, parent.object, parent.Id, parent.name || parent.Id)),
      ),
    ),
    h('h1', { class: 'slds-text-heading_large' }, `${list.label} (${list.count})`),
    status,
    table,
    more,
  );
  add(list.records);
  return list.label;
}

function isNameField(object: ObjectInfo, f: FieldInfo): boolean {
  return f.name === 'Name' || (object.name === 'Case' && f.name === 'CaseNumber');
}

function recordTable(object: ObjectInfo, columns: readonly FieldInfo[]): HTMLTableElement {
  const nameLabel = object.name === 'Case' ? 'Case Number' : `${object.label} Name`;
  return h(
    'table',
    { class: 'slds-table slds-table_bordered slds-m-top_small', 'aria-label': object.labelPlural },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [nameLabel, ...columns.map((c) => c.label)].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h('tbody', {}),
  );
}

function recordRow(r: RecordView, object: ObjectInfo, columns: readonly FieldInfo[], ctx: RelatedViewContext): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-id': r.Id },
    h('th', { scope: 'row' }, link(ctx, r.object, r.Id, r.name || r.Id)),
    columns.map((c) => {
      const value = r.fields[c.name];
      if (c.type === 'phone' && typeof value === 'string' && value !== '') return h('td', {}, ctx.phone(object, r, c.name, value));
      const shown = formatValue(c, value, ctx.format);
      return h('td', {}, shown.kind === 'text' ? shown.text : shown.kind === 'checkbox' ? (shown.checked ? '✓' : '') : '');
    }),
  );
}

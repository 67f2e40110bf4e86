/**
 * The body of a Lightning record page: Details with formatted values (field-format.ts), lookups as
 * links to their parents, related lists as SLDS cards, and the activity timeline of the record's
 * latest call Tasks (with the Activity History table as its list view). Cards and timeline show a
 * few records and the total; "View All" opens the whole list (related-view.ts).
 */
import { h } from './dom.ts';
import type { FieldInfo, LookupName, ObjectInfo, RecordPage, RecordView, RelatedList, Value } from './api-client.ts';
import { formatDate, formatDateTime, formatDuration, formatValue, picklistLabel, type FormatContext } from './field-format.ts';
import { ACTIVITY_HISTORY } from '../server/console-data.ts';

export interface RecordPageContext {
  readonly basePath: string;
  readonly format: FormatContext;
  /** Opens a console URL in the workspace (a lookup or related record). */
  navigate(url: string): void;
  /** The click-to-dial control for a phone field (the workspace owns the softphone hooks). */
  phone(field: string, value: string): Node | string;
}

const HIDDEN = ['Id', 'SystemModstamp', 'CreatedById', 'LastModifiedById'];

export function recordSections(page: RecordPage, ctx: RecordPageContext): Node[] {
  const { record, object, activities } = page;
  const names = page.names ?? {};
  return [
    h(
      'section',
      { 'aria-label': 'Details', class: 'slds-m-top_medium' },
      h('h2', { class: 'slds-text-heading_small' }, 'Details'),
      h(
        'dl',
        { class: 'slds-dl_horizontal console-details' },
        object.fields
          .filter((f) => !HIDDEN.includes(f.name))
          .map((f) => [
            h('dt', { class: 'slds-dl_horizontal__label' }, f.label),
            h('dd', { class: 'slds-dl_horizontal__detail', 'data-field': f.name }, fieldNode(f, record.fields[f.name] ?? null, names, ctx)),
          ]),
      ),
    ),
    ...(page.related ?? []).map((list) => relatedCard(list, relatedListUrl(ctx.basePath, record, list.relationship), ctx)),
    timeline(activities, page.activityCount, relatedListUrl(ctx.basePath, record, ACTIVITY_HISTORY), page.activityObject, ctx),
  ];
}

/** Lightning's URL of a record's related list (View All). */
export function relatedListUrl(basePath: string, parent: Pick<RecordView, 'object' | 'Id'>, relationship: string): string {
  return `${basePath}/r/${parent.object}/${parent.Id}/related/${relationship}/view`;
}

/** Lightning's "View All" of a card; its accessible name says which list it opens. */
function viewAll(ctx: RecordPageContext, url: string, label: string): HTMLElement {
  return h(
    'a',
    {
      class: 'slds-card__footer-action',
      href: url,
      'aria-label': `View All ${label}`,
      onclick: (e: Event) => {
        e.preventDefault();
        ctx.navigate(url);
      },
    },
    'View All',
  );
}

function recordUrl(ctx: Pick<RecordPageContext, 'basePath'>, object: string, id: string): string {
  return `${ctx.basePath}/r/${object}/${id}/view`;
}

export function link(ctx: Pick<RecordPageContext, 'basePath' | 'navigate'>, object: string, id: string, text: string): HTMLElement {
  const url = recordUrl(ctx, object, id);
  return h(
    'a',
    {
      href: url,
      onclick: (e: Event) => {
        e.preventDefault();
        ctx.navigate(url);
      },
    },
    text,
  );
}

function fieldNode(f: FieldInfo, value: Value, names: Readonly<Record<string, LookupName>>, ctx: RecordPageContext): Node | string {
  // Phone fields keep the softphone's click-to-dial control.
  if (f.type === 'phone' && typeof value === 'string' && value !== '') return ctx.phone(f.name, value);
  const shown = formatValue(f, value, ctx.format, names);
  switch (shown.kind) {
    case 'empty':
      return '';
    case 'text':
      return shown.text;
    case 'lookup':
      return link(ctx, shown.object, shown.id, shown.text);
    case 'checkbox':
      return h(
        'span',
        { class: 'slds-checkbox' },
        h('input', { type: 'checkbox', disabled: true, ...(shown.checked ? { checked: true } : {}), 'aria-label': f.label }),
      );
  }
}

function relatedCard(list: RelatedList, viewAllUrl: string, ctx: RecordPageContext): HTMLElement {
  const title = `${list.label} (${list.count})`;
  return h(
    'article',
    { class: 'slds-card slds-m-top_medium', 'aria-label': list.label },
    h('div', { class: 'slds-card__header' }, h('h2', { class: 'slds-card__header-title slds-text-heading_small' }, title)),
    h(
      'div',
      { class: 'slds-card__body slds-card__body_inner' },
      list.records.length === 0
        ? h('p', {}, `No ${list.label.toLowerCase()}.`)
        : h(
            'ul',
            { class: 'slds-list_vertical' },
            list.records.map((r) => h('li', {}, link(ctx, r.object, r.Id, r.name || r.Id))),
          ),
    ),
    list.count > list.records.length ? h('footer', { class: 'slds-card__footer' }, viewAll(ctx, viewAllUrl, list.label)) : null,
  );
}

/** Who reads the timeline sees the same words the table has: the disposition by its label. */
function disposition(task: RecordView, taskObject: ObjectInfo | undefined): string {
  const value = task.fields.CallDisposition;
  if (typeof value !== 'string' || value === '') return '';
  const f = taskObject?.fields.find((x) => x.name === 'CallDisposition');
  return f?.type === 'picklist' ? picklistLabel(f, value) : value;
}

function when(task: RecordView, format: FormatContext): string {
  const day = task.fields.ActivityDate;
  if (typeof day === 'string' && day !== '') return formatDate(day, format);
  const created = task.fields.CreatedDate;
  return typeof created === 'string' ? formatDateTime(created, format) : '';
}

function duration(task: RecordView): string {
  const s = task.fields.CallDurationInSeconds;
  return typeof s === 'number' ? formatDuration(s) : '';
}

const text = (v: Value | undefined): string => (v === null || v === undefined ? '' : String(v));

/** The Activity History table (the record page's and its View All's): one row per call, readable by row. */
export function activityTable(tasks: readonly RecordView[], taskObject: ObjectInfo | undefined, format: FormatContext): HTMLTableElement {
  return h(
    'table',
    { class: 'slds-table slds-table_bordered slds-m-top_small', 'aria-label': 'Activity History' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Subject', 'Call Type', 'Call Result', 'Date', 'Duration', 'Status'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      tasks.map((t) => activityRow(t, taskObject, format)),
    ),
  );
}

export function activityRow(t: RecordView, taskObject: ObjectInfo | undefined, format: FormatContext): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-id': t.Id },
    [text(t.fields.Subject), text(t.fields.CallType), disposition(t, taskObject), when(t, format), duration(t), text(t.fields.Status)].map((v) =>
      h('td', {}, v),
    ),
  );
}

function timeline(tasks: readonly RecordView[], count: number, viewAllUrl: string, taskObject: ObjectInfo | undefined, ctx: RecordPageContext): HTMLElement {
  return h(
    'section',
    { 'aria-label': 'Activity History', class: 'slds-m-top_medium' },
    h('h2', { class: 'slds-text-heading_small' }, `Activity History (${count})`),
    tasks.length === 0
      ? h('p', {}, 'No activities.')
      : [
          h(
            'ul',
            { class: 'slds-timeline', 'aria-label': 'Activity timeline' },
            tasks.map((t) => {
              const result = disposition(t, taskObject);
              return h(
                'li',
                { 'data-id': t.Id },
                h(
                  'div',
                  { class: 'slds-timeline__item_expandable slds-timeline__item_call' },
                  h(
                    'div',
                    { class: 'slds-media' },
                    h(
                      'div',
                      { class: 'slds-media__figure' },
                      h('span', { class: 'slds-icon_container slds-icon-standard-log-a-call slds-timeline__icon', 'aria-hidden': 'true' }, '☎'),
                    ),
                    h(
                      'div',
                      { class: 'slds-media__body' },
                      h(
                        'div',
                        { class: 'slds-grid slds-grid_align-spread slds-timeline__trigger' },
                        h('h3', { class: 'slds-text-title_bold' }, text(t.fields.Subject) || 'Call'),
                        h('p', { class: 'slds-timeline__date' }, when(t, ctx.format)),
                      ),
                      h('p', { class: 'slds-m-horizontal_xx-small' }, [text(t.fields.CallType), result, duration(t)].filter((x) => x !== '').join(' · ')),
                      t.fields.Description ? h('p', { class: 'slds-text-body_small' }, text(t.fields.Description)) : null,
                    ),
                  ),
                ),
              );
            }),
          ),
          // The list view of the same calls: a table assistive technology and tests can read by row.
          activityTable(tasks, taskObject, ctx.format),
          // The page carries the latest few; the rest are a View All away, as on Lightning.
          count > tasks.length ? h('p', { class: 'slds-m-top_x-small' }, viewAll(ctx, viewAllUrl, 'Activity History')) : null,
        ],
  );
}

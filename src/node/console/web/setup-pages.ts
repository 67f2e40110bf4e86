/**
 * Setup pages for telephony: Call Centers (list + import, validated server-side by the Call Center
 * linter, errors shown with line and column), the Softphone Layout editor, and Call Center Users.
 */
import { h, clear } from './dom.ts';
import { renderChecklist } from './switchboard-checklist.ts';
import type { ApiClient, CallCenterView, CallTypeLayout, ImportProblem, Session, SoftphoneLayoutDef, UserView } from './api-client.ts';
import { connectionTestMessage, testSipWebSocket } from '../../package/web/sip-connection-test.ts';

const POP_TYPES = ['', 'PopToEntity', 'PopToVisualforce', 'PopToSearch', 'PopToFlow', 'DoNotPop'];
const RULES = ['NoMatch', 'SingleMatch', 'MultipleMatches'] as const;

export async function renderSetup(root: HTMLElement, api: ApiClient, path: string, session: Session): Promise<void> {
  const nav = h(
    'nav',
    { 'aria-label': 'Setup', class: 'slds-m-bottom_medium' },
    h('a', { href: '/lightning/setup/CallCenters/home' }, 'Call Centers'),
    ' · ',
    h('a', { href: '/lightning/setup/SoftphoneLayouts/home' }, 'Softphone Layouts'),
    ' · ',
    h('a', { href: '/lightning/setup/CallCenterUsers/home' }, 'Call Center Users'),
    ' · ',
    h('a', { href: '/lightning/setup/Switchboard/home' }, 'Switchboard'),
  );
  root.append(nav);
  if (path.includes('/Switchboard')) return renderSwitchboard(root, api, new URLSearchParams(location.search).get('callCenter') ?? undefined);
  if (path.includes('/SoftphoneLayouts')) return renderLayout(root, api, session);
  if (path.includes('/CallCenterUsers')) return renderUsers(root, api);
  return renderCallCenters(root, api);
}

async function renderCallCenters(root: HTMLElement, api: ApiClient): Promise<void> {
  const { callCenters } = await api.get<{ callCenters: CallCenterView[] }>('setup/call-centers');
  const textarea = h('textarea', { id: 'cc-text', class: 'slds-textarea', rows: 12 });
  const fileName = h('input', { id: 'cc-file-name', class: 'slds-input', value: 'callcenter.xml' });
  const file = h('input', { id: 'cc-file', type: 'file', accept: '.xml' });
  const result = h('div', { 'aria-live': 'polite', class: 'slds-m-top_small' });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (!f) return;
    fileName.value = f.name;
    void f.text().then((t) => {
      textarea.value = t;
    });
  });
  const problemList = (label: string, problems: ImportProblem[]): HTMLElement =>
    h(
      'ul',
      { 'aria-label': label },
      problems.map((p) => h('li', {}, `Line ${p.line}, column ${p.column}: ${p.severity} ${p.rule}: ${p.message} ${p.fix}`)),
    );
  const doImport = async (): Promise<void> => {
    const { status, body } = await api.send<{
      errors?: ImportProblem[];
      connectorErrors?: ImportProblem[];
      warnings?: ImportProblem[];
      callCenter?: CallCenterView;
      error?: string;
    }>('POST', 'setup/call-centers/import', { text: textarea.value, fileName: fileName.value });
    clear(result);
    if (status !== 201) {
      result.append(
        h(
          'div',
          { role: 'alert', class: 'slds-text-color_error' },
          h('p', {}, `Import failed: ${body.errors?.length ?? 0} error(s) in ${fileName.value}.`),
          body.error ? h('p', {}, body.error) : null,
          problemList('Import errors', body.errors ?? []),
        ),
      );
      return;
    }
    result.append(h('p', { role: 'status' }, `Imported call center ${body.callCenter?.Name ?? ''}.`));
    // Salesforce imports these too; `callcenter lint` calls them errors, and so does this page.
    const connectorErrors = body.connectorErrors ?? [];
    if (connectorErrors.length) {
      result.append(
        h(
          'div',
          { role: 'alert', class: 'slds-text-color_error' },
          h('p', {}, `${connectorErrors.length} error(s) the softphone will hit (Salesforce imports the file anyway; callcenter lint reports the same):`),
          problemList('Connector errors', connectorErrors),
        ),
      );
    }
    if ((body.warnings ?? []).length) result.append(problemList('Import warnings', body.warnings ?? []));
  };
  root.append(
    h('h1', { class: 'slds-text-heading_large' }, 'Call Centers'),
    h(
      'table',
      { class: 'slds-table slds-table_bordered', 'aria-label': 'Call Centers' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Name', 'Internal Name', 'CTI Adapter URL'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        callCenters.map((c) => h('tr', {}, h('td', {}, c.Name), h('td', {}, c.InternalName), h('td', {}, c.AdapterUrl ?? ''))),
      ),
    ),
    h('h2', { class: 'slds-text-heading_medium slds-m-top_large' }, 'Import a Call Center'),
    h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: 'cc-file' }, 'Call Center Definition File'), file),
    h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: 'cc-file-name' }, 'File Name'), fileName),
    h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: 'cc-text' }, 'Call Center Definition'), textarea),
    h('button', { class: 'slds-button slds-button_brand slds-m-top_small', type: 'button', onclick: () => void doImport() }, 'Import'),
    result,
  );
}

async function renderUsers(root: HTMLElement, api: ApiClient): Promise<void> {
  const { callCenters, users } = await api.get<{ callCenters: CallCenterView[]; users: UserView[] }>('setup/call-centers');
  const status = h('p', { role: 'status' });
  root.append(
    h('h1', { class: 'slds-text-heading_large' }, 'Call Center Users'),
    h(
      'table',
      { class: 'slds-table slds-table_bordered', 'aria-label': 'Call Center Users' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['User', 'Username', 'Call Center'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        users.map((u) => {
          const select = h(
            'select',
            { class: 'slds-select', 'aria-label': `Call center for ${u.Name}` },
            h('option', { value: '' }, '--None--'),
            callCenters.map((c) => h('option', { value: c.Id, selected: c.Id === u.CallCenterId }, c.Name)),
          );
          select.addEventListener('change', () => {
            void api.send('POST', 'setup/assign', { userId: u.Id, callCenterId: select.value || null }).then(({ status: s }) => {
              status.textContent = s === 200 ? `Saved ${u.Name}.` : `Could not save ${u.Name}.`;
            });
          });
          return h('tr', {}, h('td', {}, u.Name), h('td', {}, u.Username), h('td', {}, select));
        }),
      ),
    ),
    status,
  );
}

async function renderLayout(root: HTMLElement, api: ApiClient, session: Session): Promise<void> {
  const layout = await api.get<SoftphoneLayoutDef>('setup/softphone-layout');
  const status = h('p', { role: 'status' });
  const editors: (() => [string, CallTypeLayout])[] = [];
  root.append(h('h1', { class: 'slds-text-heading_large' }, 'Softphone Layout'));
  for (const type of ['Inbound', 'Outbound', 'Internal'] as const) {
    const section = layout[type];
    const objectRows = await Promise.all(
      session.objects
        .filter((o) => ['Account', 'Contact', 'Lead', 'Case', 'Opportunity'].includes(o.name))
        .map(async (o) => {
          const info = await api.object(o.name);
          const chosen = new Set((section.objects[o.name] ?? []).map((f) => f.apiName));
          const include = h('input', { type: 'checkbox', id: `${type}-${o.name}`, checked: o.name in section.objects });
          const fieldBoxes = info.fields
            .filter((f) => !['Id'].includes(f.name))
            .map((f) => {
              const box = h('input', {
                type: 'checkbox',
                'aria-label': `${type} ${o.name} display field ${f.label}`,
                checked: chosen.has(f.name),
                'data-api-name': f.name,
                'data-label': f.label,
              });
              return box;
            });
          return {
            el: h(
              'fieldset',
              { class: 'slds-m-bottom_x-small' },
              h('legend', {}, h('label', { for: `${type}-${o.name}` }, include, ` ${o.labelPlural}`)),
              h(
                'details',
                {},
                h('summary', {}, 'Display fields'),
                fieldBoxes.map((b) => h('label', { class: 'console-layout-field' }, b, ` ${b.dataset.label ?? ''}`)),
              ),
            ),
            read: (): [string, { apiName: string; displayName: string }[]] | undefined =>
              include.checked
                ? [o.name, fieldBoxes.filter((b) => b.checked).map((b) => ({ apiName: b.dataset.apiName!, displayName: b.dataset.label! }))]
                : undefined,
          };
        }),
    );
    const pops = RULES.map((rule) => {
      const current = section.screenPopSettings[rule];
      const select = h(
        'select',
        { class: 'slds-select', 'aria-label': `${type} ${rule} screen pop` },
        POP_TYPES.map((p) => h('option', { value: p, selected: (current?.screenPopType ?? '') === p }, p || "Don't pop")),
      );
      const data = h('input', { class: 'slds-input', 'aria-label': `${type} ${rule} screen pop target`, value: current?.screenPopData ?? '' });
      return { el: h('div', {}, h('span', {}, rule), select, data), rule, select, data };
    });
    editors.push(() => {
      const objects: Record<string, { apiName: string; displayName: string }[]> = {};
      for (const row of objectRows) {
        const r = row.read();
        if (r) objects[r[0]] = r[1];
      }
      const screenPopSettings: CallTypeLayout['screenPopSettings'] = { screenPopsOpenWithin: 'ExistingWindow' };
      for (const p of pops)
        if (p.select.value) screenPopSettings[p.rule] = { screenPopType: p.select.value, ...(p.data.value ? { screenPopData: p.data.value } : {}) };
      return [type, { callRelatedFields: section.callRelatedFields, objects, screenPopSettings }];
    });
    root.append(
      h(
        'section',
        { 'aria-label': `${type} calls`, class: 'slds-m-bottom_medium' },
        h('h2', { class: 'slds-text-heading_medium' }, `${type} calls`),
        h('h3', {}, 'Objects to search'),
        objectRows.map((r) => r.el),
        h('h3', {}, 'Screen pop settings'),
        pops.map((p) => p.el),
      ),
    );
  }
  const save = async (): Promise<void> => {
    const def = Object.fromEntries(editors.map((e) => e()));
    const { status: s, body } = await api.send<{ error?: string }>('PUT', 'setup/softphone-layout', def);
    status.textContent = s === 200 ? 'Softphone layout saved.' : `Could not save: ${body.error ?? s}`;
  };
  root.append(h('button', { class: 'slds-button slds-button_brand', type: 'button', onclick: () => void save() }, 'Save Layout'), status);
}

interface SetupField {
  name: string;
  label: string;
  type: string;
  values?: string[];
  required: boolean;
  default?: string;
  description: string;
  value: string;
}
interface SetupProblem {
  item: string;
  severity: 'error' | 'warning';
  rule: string;
  message: string;
  fix: string;
}

/**
 * Setup > Switchboard: the connector's settings of a call center as a form, saved through the
 * server, which lints the call center with them (the same rules and messages as
 * `switchboard callcenter lint`), and a live connection test of the SIP WebSocket from this browser.
 */
async function renderSwitchboard(root: HTMLElement, api: ApiClient, wanted: string | undefined): Promise<void> {
  const view = await api.get<{ callCenters: { Id: string; Name: string }[]; callCenterId: string | null; fields: SetupField[] }>(
    `setup/switchboard${wanted ? `?callCenter=${encodeURIComponent(wanted)}` : ''}`,
  );
  root.append(h('h1', { class: 'slds-text-heading_large' }, 'Switchboard'));
  // A new call center from nothing: its names; the connector's settings follow in the form below.
  const internalName = h('input', { id: 'sb-new-internal', class: 'slds-input', autocomplete: 'off' });
  const displayName = h('input', { id: 'sb-new-display', class: 'slds-input', autocomplete: 'off' });
  const created = h('div', { 'aria-live': 'polite' });
  root.append(
    h(
      'form',
      {
        'aria-label': 'New call center',
        class: 'slds-m-bottom_medium',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void api
            .send<{ callCenterId?: string; problems?: SetupProblem[] }>('POST', 'setup/switchboard/new', {
              internalName: internalName.value,
              displayName: displayName.value,
            })
            .then(({ body }) => {
              clear(created);
              if (body.callCenterId) location.search = `?callCenter=${encodeURIComponent(body.callCenterId)}`;
              else
                for (const p of body.problems ?? [])
                  created.append(h('p', { role: 'alert', class: 'slds-text-color_error' }, `${p.rule}: ${p.message} ${p.fix}`));
            });
        },
      },
      h('h2', { class: 'slds-text-heading_medium' }, 'New call center'),
      h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: 'sb-new-internal' }, 'Internal Name'), internalName),
      h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: 'sb-new-display' }, 'Display Name'), displayName),
      h('button', { class: 'slds-button slds-button_neutral slds-m-top_x-small', type: 'submit' }, 'Create'),
      created,
    ),
  );
  if (!view.callCenterId) {
    root.append(h('p', {}, 'No call center yet: create one above, or import one under Call Centers.'));
    return;
  }
  const chooser = h(
    'select',
    {
      id: 'sb-cc',
      class: 'slds-select',
      onchange: () => {
        location.search = `?callCenter=${encodeURIComponent(chooser.value)}`;
      },
    },
    view.callCenters.map((c) => h('option', { value: c.Id, selected: c.Id === view.callCenterId }, c.Name)),
  );
  root.append(h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: 'sb-cc' }, 'Call Center'), chooser));
  const controls = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const errorSlots = new Map<string, HTMLElement>();
  const form = h('form', {
    'aria-label': 'Switchboard settings',
    onsubmit: (e: Event) => {
      e.preventDefault();
      void save();
    },
  });
  for (const f of view.fields) {
    const id = `sb-${f.name}`;
    const choices = f.type === 'boolean' ? ['true', 'false'] : f.type === 'enum' ? (f.values ?? []) : undefined;
    const control = choices
      ? h('select', { id, class: 'slds-select', 'aria-describedby': `${id}-help` }, [
          h('option', { value: '', selected: f.value === '' }, f.default !== undefined ? `(default: ${f.default})` : '(none)'),
          ...choices.map((c) => h('option', { value: c, selected: f.value.toLowerCase() === c }, c)),
        ])
      : h('input', {
          id,
          class: 'slds-input',
          type: f.name === 'sipPassword' ? 'password' : 'text',
          value: f.value,
          autocomplete: 'off',
          'aria-describedby': `${id}-help`,
          placeholder: f.default ?? '',
        });
    controls.set(f.name, control);
    const slot = h('div', { id: `${id}-problems` });
    errorSlots.set(f.name, slot);
    form.append(
      h(
        'div',
        { class: 'slds-form-element slds-m-bottom_small' },
        h('label', { class: 'slds-form-element__label', for: id }, `${f.required ? '* ' : ''}${f.label}`),
        control,
        f.name === 'sipWebSocketUrl'
          ? h('button', { class: 'slds-button slds-button_neutral slds-m-left_x-small', type: 'button', onclick: () => void test() }, 'Test connection')
          : null,
        h('div', { id: `${id}-help`, class: 'slds-form-element__help' }, f.description),
        slot,
      ),
    );
  }
  const testResult = h('div', { 'aria-live': 'polite' });
  const result = h('div', { 'aria-live': 'polite', class: 'slds-m-top_small' });
  form.append(h('button', { class: 'slds-button slds-button_brand', type: 'submit' }, 'Save'), result);
  const checklist = h('div', {});
  root.append(checklist, testResult, form);

  const values = (): Record<string, string> => Object.fromEntries([...controls].map(([name, c]) => [name, c.value.trim()]));
  await renderChecklist(checklist, api, view.callCenterId, values);
  async function save(): Promise<void> {
    clear(result);
    for (const slot of errorSlots.values()) clear(slot);
    const { status, body } = await api.send<{ saved?: boolean; problems?: SetupProblem[]; error?: string }>('PUT', 'setup/switchboard', {
      callCenterId: view.callCenterId,
      values: values(),
    });
    for (const p of body.problems ?? []) {
      errorSlots
        .get(p.item)
        ?.append(
          h(
            'p',
            { role: p.severity === 'error' ? 'alert' : 'note', class: p.severity === 'error' ? 'slds-text-color_error' : 'slds-text-color_weak' },
            `${p.severity} ${p.rule}: ${p.message} ${p.fix}`,
          ),
        );
    }
    if (status === 200) result.append(h('p', { role: 'status' }, 'Saved. Softphones read the new settings at their next start.'));
    else
      result.append(
        h(
          'p',
          { role: 'alert', class: 'slds-text-color_error' },
          body.error ?? `Not saved: ${(body.problems ?? []).filter((p) => p.severity === 'error').length} error(s).`,
        ),
      );
  }
  async function test(): Promise<void> {
    clear(testResult);
    testResult.append(h('p', { role: 'status' }, 'Testing the connection…'));
    const outcome = await testSipWebSocket(controls.get('sipWebSocketUrl')!.value.trim(), controls.get('sipDomain')!.value.trim() || 'invalid');
    clear(testResult);
    testResult.append(
      outcome.ok
        ? h('p', { role: 'status', class: 'slds-text-color_success' }, connectionTestMessage(outcome))
        : h('p', { role: 'alert', class: 'slds-text-color_error' }, connectionTestMessage(outcome)),
    );
  }
}

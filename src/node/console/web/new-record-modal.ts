/**
 * The New Record modal a `newRecord` screen pop opens: a form of the object's createable fields,
 * prefilled with the pop's default values, that saves through the console API. It holds no
 * workspace state: the workspace decides what closing means and which tab a saved record opens in.
 */
import { h } from './dom.ts';
import type { ApiClient, ObjectInfo } from './api-client.ts';

export interface NewRecordModalContext {
  readonly api: ApiClient;
  /** Takes the modal off the page (Cancel, or a save that worked). */
  close(): void;
  /** Opens the record the form just created. */
  created(id: string): Promise<unknown>;
}

/** The modal and its backdrop, for the caller to put on the page. */
export function newRecordModal(object: ObjectInfo, entityName: string, defaults: Record<string, unknown>, ctx: NewRecordModalContext): HTMLElement[] {
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const errorBox = h('div', { class: 'slds-text-color_error', role: 'alert' });
  const fields = object.fields.filter((f) => f.createable && f.type !== 'reference' && f.name !== 'OwnerId');
  const form = h(
    'form',
    { class: 'slds-form' },
    fields.map((f) => {
      const id = `new-${f.name}`;
      const value = defaults[f.name];
      let input: HTMLInputElement | HTMLSelectElement;
      if (f.picklistValues && f.picklistValues.length) {
        input = h(
          'select',
          { id, class: 'slds-select', name: f.name },
          h('option', { value: '' }, '--None--'),
          f.picklistValues.map((p) => h('option', { value: p }, p)),
        );
      } else input = h('input', { id, class: 'slds-input', name: f.name, type: f.type === 'date' ? 'date' : 'text' });
      if (value !== undefined && value !== null) input.value = String(value);
      inputs.set(f.name, input);
      return h(
        'div',
        { class: 'slds-form-element slds-m-bottom_x-small' },
        h('label', { class: 'slds-form-element__label', for: id }, f.required ? h('abbr', { class: 'slds-required', title: 'required' }, '*') : null, f.label),
        h('div', { class: 'slds-form-element__control' }, input),
      );
    }),
  );
  const close = (): void => ctx.close();
  const save = async (): Promise<void> => {
    const values: Record<string, unknown> = {};
    for (const [name, input] of inputs) if (input.value !== '') values[name] = input.value;
    // Default values for fields not on the form (lookups) still go in, as Salesforce keeps them.
    for (const [k, v] of Object.entries(defaults)) if (!(k in values) && !inputs.has(k)) values[k] = v;
    const { status, body } = await ctx.api.send<{ id?: string; errors?: { message: string }[] }>('POST', `objects/${entityName}/records`, {
      fields: values,
    });
    if (status !== 201 || !body.id) {
      errorBox.textContent = (body.errors ?? []).map((e) => e.message).join(' ') || 'Could not save.';
      return;
    }
    close();
    await ctx.created(body.id);
  };
  const title = `New ${object.label}`;
  return [
    h(
      'section',
      { role: 'dialog', 'aria-modal': 'true', 'aria-label': title, class: 'slds-modal slds-fade-in-open' },
      h(
        'div',
        { class: 'slds-modal__container' },
        h('header', { class: 'slds-modal__header' }, h('h2', { class: 'slds-text-heading_medium' }, title)),
        h('div', { class: 'slds-modal__content slds-p-around_medium' }, errorBox, form),
        h(
          'footer',
          { class: 'slds-modal__footer' },
          h('button', { class: 'slds-button slds-button_neutral', type: 'button', onclick: close }, 'Cancel'),
          h('button', { class: 'slds-button slds-button_brand', type: 'button', onclick: () => void save() }, 'Save'),
        ),
      ),
    ),
    h('div', { class: 'slds-backdrop slds-backdrop_open' }),
  ];
}

/**
 * After-call work: who the call was with and what it was about, disposition, notes and the time
 * left. Every change is sent at once (notes while typing, shortly after the agent pauses), so what
 * the agent entered is logged even when the time limit ends wrap-up; Save sends `complete-wrap-up`.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import type { RecordRef } from '../../core/index.ts';
import { formatDuration } from '../format/duration.ts';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import type { WrapUpView } from '../view-model.ts';
import { commandEvent } from './command-event.ts';

/** Notes go to the engine this long after the last keystroke (and at once on blur or Save). */
const NOTES_PAUSE_MS = 300;

export class SbWrapUpForm extends LitElement {
  static override styles = [slds];
  static override properties = {
    translator: { attribute: false },
    view: { attribute: false },
  };

  translator?: Translator;
  view?: WrapUpView;
  private notesTimer: ReturnType<typeof setTimeout> | undefined;

  private field<E extends Element>(name: string): E | null {
    return this.renderRoot.querySelector<E>(`[name="${name}"]`);
  }

  private notes(): string {
    return this.field<HTMLTextAreaElement>('notes')?.value ?? '';
  }

  private dispositionChanged(e: Event): void {
    if (!this.view) return;
    const value = (e.target as HTMLSelectElement).value;
    this.dispatchEvent(commandEvent({ type: 'set-wrap-up', callId: this.view.callId, disposition: value === '' ? null : value }));
  }

  private notesTyped(): void {
    clearTimeout(this.notesTimer);
    this.notesTimer = setTimeout(() => this.sendNotes(), NOTES_PAUSE_MS);
  }

  private sendNotes(): void {
    clearTimeout(this.notesTimer);
    this.notesTimer = undefined;
    if (!this.view || this.notes() === this.view.notes) return;
    this.dispatchEvent(commandEvent({ type: 'set-wrap-up', callId: this.view.callId, notes: this.notes() }));
  }

  private relationChanged(slot: 'who' | 'what', e: Event): void {
    if (!this.view) return;
    const id = (e.target as HTMLSelectElement).value || null;
    const leadAsWho = slot === 'who' && this.view.whoOptions.find((r) => r.id === id)?.objectType === 'Lead';
    this.dispatchEvent(commandEvent(slot === 'who'
      ? { type: 'relate', callId: this.view.callId, whoId: id, ...(leadAsWho ? { whatId: null } : {}) }
      : { type: 'relate', callId: this.view.callId, whatId: id }));
  }

  private save(e: Event): void {
    e.preventDefault();
    if (!this.view) return;
    clearTimeout(this.notesTimer);
    const disposition = this.field<HTMLSelectElement>('disposition')?.value;
    this.dispatchEvent(commandEvent({ type: 'complete-wrap-up', callId: this.view.callId, notes: this.notes(), ...(disposition ? { disposition } : {}) }));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Gone with its call (saved, or the time limit): an event from a detached form reaches nobody.
    clearTimeout(this.notesTimer);
    this.notesTimer = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The engine's copy of the notes lags the keyboard: never overwrite what the agent is typing.
    const area = this.field<HTMLTextAreaElement>('notes');
    if (!changed.has('view') || !area || !this.view || this.notesTimer !== undefined || this.shadowRoot?.activeElement === area) return;
    if (area.value !== this.view.notes) area.value = this.view.notes;
  }

  private recordSelect(slot: 'who' | 'what', label: string, options: readonly RecordRef[], chosen: string | undefined, disabled: boolean, t: Translator) {
    return html`<label class="slds-form-element">
      <span class="slds-form-element__label">${label}</span>
      <select class="slds-select" name=${slot} ?disabled=${disabled} @change=${(e: Event) => this.relationChanged(slot, e)}>
        <option value="" ?selected=${!chosen}>${t.t('wrapUp.none')}</option>
        ${options.map((r) => html`<option value=${r.id} ?selected=${r.id === chosen}>${r.objectType}: ${r.name ?? r.id}</option>`)}
      </select>
    </label>`;
  }

  protected override render() {
    const t = this.translator;
    const v = this.view;
    if (!t || !v) return html``;
    return html`<form class="slds-card sb-stack" aria-label=${t.t('wrapUp.title')} @submit=${this.save}>
      <div class="sb-row">
        <h2 class="slds-text-heading_small sb-grow">${t.t('wrapUp.title')}</h2>
        ${v.secondsLeft !== undefined
          ? html`<span class="slds-badge" role="timer" aria-live="off">${t.t('wrapUp.timeLeft', { time: formatDuration(v.secondsLeft) })}</span>`
          : ''}
      </div>
      <p class="slds-truncate">${v.name ? html`<strong>${v.name}</strong> · ` : ''}${v.number}</p>
      ${v.transfer ? html`<p class="sb-meta">${t.t(v.transfer.key, v.transfer.params)}</p>` : ''}
      ${v.whoOptions.length + v.whatOptions.length === 0
        ? html`<p class="sb-meta">${t.t('wrapUp.noRecord')}</p>`
        : html`${this.recordSelect('who', t.t('wrapUp.who'), v.whoOptions, v.whoId, false, t)}
          ${this.recordSelect('what', t.t('wrapUp.what'), v.whatOptions, v.whatId, v.whatLocked || v.whatOptions.length === 0, t)}
          ${v.whatLocked && v.whatOptions.length > 0 ? html`<p class="sb-meta">${t.t('wrapUp.leadTakesNoWhat')}</p>` : ''}`}
      ${v.dispositions.length
        ? html`<label class="slds-form-element">
            <span class="slds-form-element__label">${t.t('wrapUp.disposition')}</span>
            <select class="slds-select" name="disposition" @change=${this.dispositionChanged}>
              <option value="" ?selected=${!v.disposition}>${t.t('wrapUp.choose')}</option>
              ${v.dispositions.map((d) => html`<option value=${d.code} ?selected=${d.code === v.disposition}>${d.label}</option>`)}
            </select>
          </label>`
        : ''}
      <label class="slds-form-element">
        <span class="slds-form-element__label">${t.t('wrapUp.notes')}</span>
        <textarea class="slds-textarea" name="notes" @input=${this.notesTyped} @change=${this.sendNotes}></textarea>
      </label>
      <button type="submit" class="slds-button slds-button_brand slds-button_stretch">${t.t('wrapUp.save')}</button>
    </form>`;
  }
}

customElements.define('sb-wrap-up-form', SbWrapUpForm);

declare global {
  interface HTMLElementTagNameMap {
    'sb-wrap-up-form': SbWrapUpForm;
  }
}

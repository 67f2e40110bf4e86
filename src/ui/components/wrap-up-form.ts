/**
 * After-call work: who the call was with and what it was about, disposition, notes and the time
 * left. Every change is sent at once (notes while typing: notes-field.ts), so what the agent
 * entered is logged even when the time limit ends wrap-up; Save sends `complete-wrap-up`.
 */
import { LitElement, html } from 'lit';
import type { RecordRef } from '../../core/index.ts';
import { formatDuration } from '../format/duration.ts';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import type { WrapUpView } from '../view-model.ts';
import { commandEvent } from './command-event.ts';
import './notes-field.ts';
import type { SbNotesField } from './notes-field.ts';

/** Seconds before the time limit from which every keystroke of the notes is sent at once. */
const URGENT_SECONDS = 3;

export class SbWrapUpForm extends LitElement {
  static override styles = [slds];
  static override properties = {
    translator: { attribute: false },
    view: { attribute: false },
  };

  translator?: Translator;
  view?: WrapUpView;

  private field<E extends Element>(name: string): E | null {
    return this.renderRoot.querySelector<E>(`[name="${name}"]`);
  }

  private notesField(): SbNotesField | null {
    return this.renderRoot.querySelector('sb-notes-field');
  }

  private dispositionChanged(e: Event): void {
    if (!this.view) return;
    const value = (e.target as HTMLSelectElement).value;
    this.dispatchEvent(commandEvent({ type: 'set-wrap-up', callId: this.view.callId, disposition: value === '' ? null : value }));
  }

  private relationChanged(slot: 'who' | 'what', e: Event): void {
    if (!this.view) return;
    const id = (e.target as HTMLSelectElement).value || null;
    const leadAsWho = slot === 'who' && this.view.whoOptions.find((r) => r.id === id)?.objectType === 'Lead';
    this.dispatchEvent(
      commandEvent(
        slot === 'who'
          ? { type: 'relate', callId: this.view.callId, whoId: id, ...(leadAsWho ? { whatId: null } : {}) }
          : { type: 'relate', callId: this.view.callId, whatId: id },
      ),
    );
  }

  private save(e: Event): void {
    e.preventDefault();
    if (!this.view) return;
    const notes = this.notesField();
    notes?.cancelPending();
    const disposition = this.field<HTMLSelectElement>('disposition')?.value;
    this.dispatchEvent(
      commandEvent({ type: 'complete-wrap-up', callId: this.view.callId, notes: notes?.value ?? this.view.notes, ...(disposition ? { disposition } : {}) }),
    );
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
        ${
          v.secondsLeft !== undefined
            ? html`<span class="slds-badge" role="timer" aria-live="off">${t.t('wrapUp.timeLeft', { time: formatDuration(v.secondsLeft) })}</span>`
            : ''
        }
      </div>
      <p class="slds-truncate">${v.name ? html`<strong>${v.name}</strong> · ` : ''}${v.number}</p>
      ${v.transfer ? html`<p class="sb-meta">${t.t(v.transfer.key, v.transfer.params)}</p>` : ''}
      ${
        v.whoOptions.length + v.whatOptions.length === 0
          ? html`<p class="sb-meta">${t.t('wrapUp.noRecord')}</p>`
          : html`${this.recordSelect('who', t.t('wrapUp.who'), v.whoOptions, v.whoId, false, t)}
          ${this.recordSelect('what', t.t('wrapUp.what'), v.whatOptions, v.whatId, v.whatLocked || v.whatOptions.length === 0, t)}
          ${v.whatLocked && v.whatOptions.length > 0 ? html`<p class="sb-meta">${t.t('wrapUp.leadTakesNoWhat')}</p>` : ''}`
      }
      ${
        v.dispositions.length
          ? html`<label class="slds-form-element">
            <span class="slds-form-element__label">${t.t('wrapUp.disposition')}</span>
            <select class="slds-select" name="disposition" @change=${this.dispositionChanged}>
              <option value="" ?selected=${!v.disposition}>${t.t('wrapUp.choose')}</option>
              ${v.dispositions.map((d) => html`<option value=${d.code} ?selected=${d.code === v.disposition}>${d.label}</option>`)}
            </select>
          </label>`
          : ''
      }
      <sb-notes-field .translator=${t} .callId=${v.callId} .notes=${v.notes} ?urgent=${v.secondsLeft !== undefined && v.secondsLeft <= URGENT_SECONDS}></sb-notes-field>
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

/**
 * After-call work: disposition, notes, the related record and the time left. Every change is sent
 * at once (`set-wrap-up`), so what the agent typed is logged even when the time limit ends wrap-up;
 * Save sends `complete-wrap-up`.
 */
import { LitElement, html } from 'lit';
import { formatDuration } from '../format/duration.ts';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import type { WrapUpView } from '../view-model.ts';
import { commandEvent } from './command-event.ts';

export class SbWrapUpForm extends LitElement {
  static override styles = [slds];
  static override properties = {
    translator: { attribute: false },
    view: { attribute: false },
  };

  translator?: Translator;
  view?: WrapUpView;

  private disposition(): string | undefined {
    return this.renderRoot.querySelector<HTMLSelectElement>('select')?.value || undefined;
  }

  private notes(): string {
    return this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.value ?? '';
  }

  private changed(): void {
    if (!this.view) return;
    const disposition = this.disposition();
    this.dispatchEvent(commandEvent({ type: 'set-wrap-up', callId: this.view.callId, notes: this.notes(), ...(disposition ? { disposition } : {}) }));
  }

  private save(e: Event): void {
    e.preventDefault();
    if (!this.view) return;
    const disposition = this.disposition();
    this.dispatchEvent(commandEvent({ type: 'complete-wrap-up', callId: this.view.callId, notes: this.notes(), ...(disposition ? { disposition } : {}) }));
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
      <p class="sb-meta">${v.related.length ? v.related.map((r) => `${r.objectType}: ${r.name ?? r.id}`).join(' · ') : t.t('wrapUp.noRecord')}</p>
      ${v.dispositions.length
        ? html`<label class="slds-form-element">
            <span class="slds-form-element__label">${t.t('wrapUp.disposition')}</span>
            <select class="slds-select" @change=${this.changed}>
              <option value="" ?selected=${!v.disposition}>${t.t('wrapUp.choose')}</option>
              ${v.dispositions.map((d) => html`<option value=${d.code} ?selected=${d.code === v.disposition}>${d.label}</option>`)}
            </select>
          </label>`
        : ''}
      <label class="slds-form-element">
        <span class="slds-form-element__label">${t.t('wrapUp.notes')}</span>
        <textarea class="slds-textarea" .value=${v.notes} @change=${this.changed}></textarea>
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

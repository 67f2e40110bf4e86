/** The dialpad: a number field that formats as the agent types, the twelve keys, and Call. */
import { LitElement, html, type PropertyValues } from 'lit';
import { formatAsYouType, dialable } from '../format/phone-format.ts';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import { commandEvent } from './command-event.ts';
import { keyGrid, keyGridStyles } from './key-grid.ts';

export class SbDialpad extends LitElement {
  static override styles = [slds, keyGridStyles];
  static override properties = {
    translator: { attribute: false },
    country: { attribute: false },
    disabled: { type: Boolean },
    hint: { attribute: false },
    value: { state: true },
  };

  translator?: Translator;
  country = 'US';
  disabled = false;
  hint?: string;
  value = '';

  /** Puts a number in the field (call back from history). */
  setNumber(number: string): void {
    this.value = formatAsYouType(number, this.country);
  }

  private onInput(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.value = formatAsYouType(input.value, this.country);
    // Keep the caret at the end while formatting rewrites the field.
    input.value = this.value;
  }

  private onKey(digit: string): void {
    this.value = formatAsYouType(dialable(this.value) + digit, this.country);
  }

  private backspace(): void {
    const raw = dialable(this.value);
    this.value = formatAsYouType(raw.slice(0, -1), this.country);
  }

  private submit(e: Event): void {
    e.preventDefault();
    const number = dialable(this.value);
    if (!number || this.disabled) return;
    this.dispatchEvent(commandEvent({ type: 'dial', number }));
    this.value = '';
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('country') && this.value) this.value = formatAsYouType(dialable(this.value), this.country);
  }

  protected override render() {
    const t = this.translator;
    if (!t) return html``;
    return html`<form class="sb-stack" @submit=${this.submit}>
      <div class="sb-row">
        <input class="slds-input sb-grow" type="tel" inputmode="tel" autocomplete="off" .value=${this.value}
          aria-label=${t.t('dial.number')} placeholder=${t.t('dial.number')} @input=${this.onInput} />
        <button type="button" class="slds-button" aria-label=${t.t('dial.backspace')} title=${t.t('dial.backspace')}
          ?disabled=${!this.value} @click=${this.backspace}>⌫</button>
      </div>
      ${keyGrid(
        (d) => this.onKey(d),
        (d) => d,
      )}
      <button type="submit" class="slds-button slds-button_success slds-button_stretch" ?disabled=${this.disabled || !dialable(this.value)}>${t.t('dial.call')}</button>
      ${this.hint ? html`<p class="sb-meta" role="note">${this.hint}</p>` : ''}
    </form>`;
  }
}

customElements.define('sb-dialpad', SbDialpad);

declare global {
  interface HTMLElementTagNameMap {
    'sb-dialpad': SbDialpad;
  }
}

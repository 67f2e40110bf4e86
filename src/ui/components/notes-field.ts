/**
 * The call's notes, during the call and in wrap-up: sent to the engine while the agent types
 * (shortly after they pause, at once on blur, and on every keystroke once wrap-up's time limit is
 * near), so whatever ends the call or its wrap-up, what was typed is in the log.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import { commandEvent } from './command-event.ts';

/** Notes go to the engine this long after the last keystroke. */
const NOTES_PAUSE_MS = 300;

export class SbNotesField extends LitElement {
  static override styles = [slds];
  static override properties = {
    translator: { attribute: false },
    callId: { attribute: false },
    notes: { attribute: false },
    urgent: { type: Boolean },
  };

  translator?: Translator;
  callId?: string;
  /** The engine's copy. */
  notes = '';
  /** Wrap-up is about to end by itself: no pause, every keystroke goes at once. */
  urgent = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** What the agent has typed (Save sends it with complete-wrap-up). */
  get value(): string {
    return this.area()?.value ?? this.notes;
  }

  /** Stops the pending send (the caller sends the value itself). */
  cancelPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private area(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  private typed(): void {
    clearTimeout(this.timer);
    if (this.urgent) this.send();
    else this.timer = setTimeout(() => this.send(), NOTES_PAUSE_MS);
  }

  private send(): void {
    this.cancelPending();
    if (!this.callId || this.value === this.notes) return;
    this.dispatchEvent(commandEvent({ type: 'set-wrap-up', callId: this.callId, notes: this.value }));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Gone with its call: an event from a detached field reaches nobody.
    this.cancelPending();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The engine's copy lags the keyboard: never overwrite what the agent is typing.
    const area = this.area();
    if (!changed.has('notes') || !area || this.timer !== undefined || this.shadowRoot?.activeElement === area) return;
    if (area.value !== this.notes) area.value = this.notes;
  }

  protected override firstUpdated(): void {
    const area = this.area();
    if (area) area.value = this.notes;
  }

  protected override render() {
    const t = this.translator;
    if (!t) return html``;
    return html`<label class="slds-form-element">
      <span class="slds-form-element__label">${t.t('wrapUp.notes')}</span>
      <textarea class="slds-textarea" name="notes" @input=${this.typed} @change=${this.send}></textarea>
    </label>`;
  }
}

customElements.define('sb-notes-field', SbNotesField);

declare global {
  interface HTMLElementTagNameMap {
    'sb-notes-field': SbNotesField;
  }
}

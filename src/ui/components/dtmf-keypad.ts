/** The in-call keypad: every key sends its DTMF tone at once; digits typed on the keyboard too. */
import { LitElement, css, html } from 'lit';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import { commandEvent } from './command-event.ts';
import { keyGrid, keyGridStyles } from './key-grid.ts';

export class SbDtmfKeypad extends LitElement {
  static override styles = [
    slds,
    keyGridStyles,
    css`
    output { display: block; min-height: 2rem; letter-spacing: 0.125rem; }
  `,
  ];
  static override properties = {
    translator: { attribute: false },
    callId: { attribute: false },
    sent: { state: true },
  };

  translator?: Translator;
  callId = '';
  sent = '';

  private readonly onKeydown = (e: KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    // Digits typed into a field (the dial or transfer number, notes) are text, not tones.
    const target = e.composedPath()[0];
    if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    if (/^[0-9*#]$/.test(e.key)) {
      e.preventDefault();
      this.send(e.key);
    }
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.ownerDocument.addEventListener('keydown', this.onKeydown);
  }

  override disconnectedCallback(): void {
    this.ownerDocument.removeEventListener('keydown', this.onKeydown);
    super.disconnectedCallback();
  }

  private send(digit: string): void {
    if (!this.callId) return;
    this.sent = (this.sent + digit).slice(-24);
    this.dispatchEvent(commandEvent({ type: 'dtmf', callId: this.callId, digits: digit }));
  }

  protected override render() {
    const t = this.translator;
    if (!t) return html``;
    return html`<div class="sb-stack">
      <output class="slds-input" aria-live="polite" aria-label=${t.t('action.keypad')}>${this.sent}</output>
      ${keyGrid(
        (d) => this.send(d),
        (d) => t.t('keypad.digit', { digit: d }),
      )}
    </div>`;
  }
}

customElements.define('sb-dtmf-keypad', SbDtmfKeypad);

declare global {
  interface HTMLElementTagNameMap {
    'sb-dtmf-keypad': SbDtmfKeypad;
  }
}

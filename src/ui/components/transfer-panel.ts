/**
 * Transfer: to a typed number or a colleague from the directory (with their busy lamp), either at
 * once (blind) or after consulting them (consultative; the panel then shows "Complete transfer").
 */
import { LitElement, css, html } from 'lit';
import { dialable, formatAsYouType } from '../format/phone-format.ts';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import type { DirectoryEntry } from '../view-model.ts';
import { commandEvent } from './command-event.ts';

export class SbTransferPanel extends LitElement {
  static override styles = [
    slds,
    css`
    .sb-directory li { flex-wrap: wrap; padding: 0.25rem 0; border-bottom: 1px solid var(--sb-border-weak); }
    .sb-directory .slds-button { min-height: 1.75rem; line-height: 1.625rem; padding: 0 0.5rem; }
  `,
  ];
  static override properties = {
    translator: { attribute: false },
    callId: { attribute: false },
    directory: { attribute: false },
    country: { attribute: false },
    target: { state: true },
  };

  translator?: Translator;
  callId = '';
  directory: readonly DirectoryEntry[] = [];
  country = 'US';
  target = '';

  private send(kind: 'blind-transfer' | 'consult', target: string): void {
    const t = dialable(target) || target.trim();
    if (!t || !this.callId) return;
    this.dispatchEvent(commandEvent({ type: kind, callId: this.callId, target: t }));
    this.dispatchEvent(new CustomEvent('sb-close', { bubbles: true, composed: true }));
  }

  protected override render() {
    const t = this.translator;
    if (!t) return html``;
    const typed = dialable(this.target);
    return html`<div class="sb-stack">
      <label class="slds-form-element">
        <span class="slds-form-element__label">${t.t('transfer.target')}</span>
        <input class="slds-input" type="tel" autocomplete="off" .value=${this.target}
          @input=${(e: Event) => {
            this.target = formatAsYouType((e.target as HTMLInputElement).value, this.country);
          }} />
      </label>
      <div class="sb-actions">
        <button type="button" class="slds-button slds-button_brand" ?disabled=${!typed} @click=${() => this.send('blind-transfer', this.target)}>${t.t('transfer.blind')}</button>
        <button type="button" class="slds-button" ?disabled=${!typed} @click=${() => this.send('consult', this.target)}>${t.t('transfer.consult')}</button>
      </div>
      ${
        this.directory.length
          ? html`<h3 class="slds-text-title">${t.t('transfer.directory')}</h3>
          <ul class="sb-directory" aria-label=${t.t('transfer.directory')}>
            ${this.directory.map(
              (d) => html`<li class="sb-row">
              <span class="sb-dot sb-lamp_${d.lamp}" role="img" aria-label=${t.t(`lamp.${d.lamp}`)} title=${t.t(`lamp.${d.lamp}`)}></span>
              <span class="sb-grow slds-truncate">${d.name} <span class="sb-meta">${d.extension}</span></span>
              <button type="button" class="slds-button" aria-label=${t.t('transfer.to', { name: d.name })} @click=${() => this.send('blind-transfer', d.extension)}>${t.t('transfer.blind')}</button>
              <button type="button" class="slds-button" aria-label=${t.t('transfer.consultWith', { name: d.name })} @click=${() => this.send('consult', d.extension)}>${t.t('transfer.consult')}</button>
            </li>`,
            )}
          </ul>`
          : ''
      }
    </div>`;
  }
}

customElements.define('sb-transfer-panel', SbTransferPanel);

declare global {
  interface HTMLElementTagNameMap {
    'sb-transfer-panel': SbTransferPanel;
  }
}

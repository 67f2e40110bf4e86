/**
 * Sign-in with the agent's extension and password. The password goes straight into the command
 * and is cleared from the field; the panel never stores it (no localStorage, no state). When
 * Salesforce mints the credentials (`minted`), there is nothing to type: the button asks the
 * connector to sign in again (after a failure it shows beside the error).
 */
import { LitElement, html } from 'lit';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import { commandEvent } from './command-event.ts';

export class SbSignInForm extends LitElement {
  static override styles = [slds];
  static override properties = {
    translator: { attribute: false },
    username: { attribute: false },
    busy: { type: Boolean },
    minted: { type: Boolean },
  };

  translator?: Translator;
  /** The call center's shared user name, if any: prefilled. */
  username = '';
  busy = false;
  minted = false;

  private submit(e: Event): void {
    e.preventDefault();
    if (this.minted) {
      this.dispatchEvent(commandEvent({ type: 'sign-in' }));
      return;
    }
    const form = e.target as HTMLFormElement;
    const user = form.querySelector<HTMLInputElement>('input[name=extension]');
    const pass = form.querySelector<HTMLInputElement>('input[name=password]');
    const username = user?.value.trim() ?? '';
    const password = pass?.value ?? '';
    if (pass) pass.value = '';
    this.dispatchEvent(commandEvent({ type: 'sign-in', ...(username ? { username } : {}), ...(password ? { password } : {}) }));
  }

  protected override render() {
    const t = this.translator;
    if (!t) return html``;
    if (this.minted) {
      return html`<form class="slds-card sb-stack" aria-label=${t.t('signIn.title')} @submit=${this.submit}>
        <h2 class="slds-text-heading_small">${t.t('signIn.title')}</h2>
        <p class="sb-meta">${t.t('signIn.ephemeralNote')}</p>
        <button type="submit" class="slds-button slds-button_brand slds-button_stretch" ?disabled=${this.busy}>${t.t('signIn.submit')}</button>
      </form>`;
    }
    return html`<form class="slds-card sb-stack" aria-label=${t.t('signIn.title')} @submit=${this.submit}>
      <h2 class="slds-text-heading_small">${t.t('signIn.title')}</h2>
      <label class="slds-form-element">
        <span class="slds-form-element__label">${t.t('signIn.extension')}</span>
        <input class="slds-input" name="extension" autocomplete="username" required .value=${this.username} />
      </label>
      <label class="slds-form-element">
        <span class="slds-form-element__label">${t.t('signIn.password')}</span>
        <input class="slds-input" name="password" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit" class="slds-button slds-button_brand slds-button_stretch" ?disabled=${this.busy}>${t.t('signIn.submit')}</button>
      <p class="sb-meta">${t.t('signIn.passwordNote')}</p>
    </form>`;
  }
}

customElements.define('sb-sign-in-form', SbSignInForm);

declare global {
  interface HTMLElementTagNameMap {
    'sb-sign-in-form': SbSignInForm;
  }
}

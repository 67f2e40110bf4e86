/**
 * `<sb-unsaved-logs>`: the call logs Salesforce refused, above the panel's tabs so the agent sees
 * them whatever they are doing: how many, and for each whom and when, Salesforce's reason and the
 * field it named, with Retry (after the cause is fixed) and Discard. Discarding loses the log, so it
 * asks first, in place (an alertdialog that takes focus, Keep first), rather than with window.confirm,
 * which a console may block in the softphone's frame. The list can be hidden; a newly refused log
 * shows it again.
 */
import { LitElement, css, html, type PropertyValues } from 'lit';
import type { Translator } from '../i18n/i18n.ts';
import { slds } from '../styles/slds.ts';
import type { UnsavedLogsView, UnsavedLogView } from '../unsaved-logs-view.ts';
import { commandEvent } from './command-event.ts';

export class SbUnsavedLogs extends LitElement {
  static override styles = [
    slds,
    css`
    :host { display: block; margin: 0.5rem 0.75rem 0; }
    section { border: 1px solid var(--sb-error); border-radius: var(--sb-radius); }
    .sb-head { padding: 0.375rem 0.5rem; background: var(--sb-error); color: #fff; }
    .sb-head p { margin: 0; font-weight: 700; }
    .sb-head .slds-button { color: #fff; border-color: #fff; background: transparent; }
    .sb-hint { margin: 0; padding: 0.375rem 0.5rem 0; }
    ul { margin: 0; padding: 0 0.5rem; list-style: none; max-height: 14rem; overflow: auto; }
    li { padding: 0.375rem 0; border-bottom: 1px solid var(--sb-border-weak); }
    li:last-child { border-bottom: 0; }
    .sb-reason { margin: 0.125rem 0; overflow-wrap: anywhere; }
    [role='alertdialog'] { margin-top: 0.375rem; padding: 0.375rem; border: 1px solid var(--sb-border-weak); border-radius: var(--sb-radius); }
    [role='alertdialog'] h3 { margin: 0; font-size: inherit; font-weight: 700; }
    [role='alertdialog'] p { margin: 0.25rem 0; }
  `,
  ];

  static override properties = {
    translator: { attribute: false },
    view: { attribute: false },
    formatTime: { attribute: false },
    expanded: { state: true },
    confirming: { state: true },
  };

  translator?: Translator;
  view?: UnsavedLogsView;
  /** The panel's time format (hours and minutes in the agent's locale). */
  formatTime: (at: number) => string = (at) => new Date(at).toISOString().slice(11, 16);
  expanded = true;
  /** The call id whose discard waits for the agent's confirmation. */
  confirming?: string;
  private shownCount = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('view')) return;
    const logs = this.view?.logs ?? [];
    // A newly refused log is news: show the list again even if the agent had hidden it.
    if (logs.length > this.shownCount) this.expanded = true;
    this.shownCount = logs.length;
    if (this.confirming && !logs.some((l) => l.callId === this.confirming)) this.confirming = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The confirmation takes focus (on Keep, the safe answer), as a dialog does.
    if (changed.has('confirming') && this.confirming) this.renderRoot.querySelector<HTMLButtonElement>('[data-keep]')?.focus();
  }

  private retry(log: UnsavedLogView): void {
    this.dispatchEvent(commandEvent({ type: 'retry-log', callId: log.callId }));
  }

  private discard(log: UnsavedLogView): void {
    this.confirming = undefined;
    this.dispatchEvent(commandEvent({ type: 'discard-log', callId: log.callId }));
  }

  private keep(log: UnsavedLogView): void {
    this.confirming = undefined;
    // Back where the agent was: the Discard button of that log.
    void this.updateComplete.then(() =>
      [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[data-discard]')].find((b) => b.dataset['discard'] === log.callId)?.focus(),
    );
  }

  protected override render() {
    const t = this.translator;
    const view = this.view;
    if (!t || !view) return html``;
    return html`<section aria-labelledby="sb-unsaved-summary">
      <div class="sb-row sb-head">
        <p id="sb-unsaved-summary" class="sb-grow" role="alert">${t.t(view.summary.key, view.summary.params)}</p>
        <button type="button" class="slds-button" aria-expanded=${String(this.expanded)} aria-controls="sb-unsaved-list"
          @click=${() => {
            this.expanded = !this.expanded;
          }}>${t.t(this.expanded ? 'unsaved.hide' : 'unsaved.show')}</button>
      </div>
      <div id="sb-unsaved-list" ?hidden=${!this.expanded}>
        <p class="sb-hint sb-meta">${t.t('unsaved.hint')}</p>
        <ul aria-label=${t.t('unsaved.list')}>${view.logs.map((log) => this.renderLog(log, t))}</ul>
      </div>
    </section>`;
  }

  private renderLog(log: UnsavedLogView, t: Translator) {
    // One confirmation at a time, so fixed ids (a call id may hold characters an id list cannot).
    const confirming = this.confirming === log.callId;
    const titleId = 'sb-confirm-title';
    const textId = 'sb-confirm-text';
    return html`<li>
      <div><strong>${log.who}</strong>${log.number ? html` <span class="sb-meta">${log.number}</span>` : ''}</div>
      <div class="sb-meta">${t.t(log.kind)} · ${this.formatTime(log.at)}</div>
      <p class="sb-reason">${t.t('unsaved.reason', { reason: log.reason })}</p>
      ${log.fields ? html`<p class="sb-reason sb-meta">${t.t('unsaved.fields', { fields: log.fields })}</p>` : ''}
      ${
        confirming
          ? html`<div role="alertdialog" aria-labelledby=${titleId} aria-describedby=${textId}>
            <h3 id=${titleId}>${t.t('unsaved.confirmTitle')}</h3>
            <p id=${textId}>${t.t('unsaved.confirmText')}</p>
            <div class="sb-actions">
              <button type="button" class="slds-button" data-keep @click=${() => this.keep(log)}>${t.t('unsaved.keep')}</button>
              <button type="button" class="slds-button slds-button_destructive" @click=${() => this.discard(log)}>${t.t('unsaved.confirmDiscard')}</button>
            </div>
          </div>`
          : html`<div class="sb-actions">
            <button type="button" class="slds-button slds-button_brand" aria-label=${t.t('unsaved.retryLabel', { who: log.who })}
              @click=${() => this.retry(log)}>${t.t('unsaved.retry')}</button>
            <button type="button" class="slds-button" data-discard=${log.callId} aria-label=${t.t('unsaved.discardLabel', { who: log.who })}
              @click=${() => {
                this.confirming = log.callId;
              }}>${t.t('unsaved.discard')}</button>
          </div>`
      }
    </li>`;
  }
}

customElements.define('sb-unsaved-logs', SbUnsavedLogs);

declare global {
  interface HTMLElementTagNameMap {
    'sb-unsaved-logs': SbUnsavedLogs;
  }
}

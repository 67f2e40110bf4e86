/**
 * `<sb-panel>`: the softphone panel agents see in the utility bar. It renders the PanelHost's
 * state through the view model and sends every intent back through `host.execute`; it holds no
 * telephony or CRM logic. Keyboard shortcuts: Alt+A answers, Alt+H hangs up (see the Help tab).
 */
import { LitElement, css, html, type PropertyValues, type TemplateResult } from 'lit';
import { nextTask } from './next-task.ts';
import type { AgentCommand, RecordRef } from '../../core/index.ts';
import { findingKeys, overallSeverity, type DiagnosisFinding } from '../../core/diagnosis/index.ts';
import { formatDuration } from '../format/duration.ts';
import { phoneFormatReady } from '../format/phone-format.ts';
import { createTranslator, pickLocale, type Translator } from '../i18n/i18n.ts';
import { audioBanners, audioNoticeText } from '../audio-notices-view.ts';
import type { PanelAudio, PanelHost } from '../panel-host.ts';
import { slds } from '../styles/slds.ts';
import { panelView, presenceCommand, shortcutCommand, type CallAction, type CallView, type PanelView } from '../view-model.ts';
import { callCard, callCardStyles, type CallTool } from './call-card.ts';
import { COMMAND_EVENT } from './command-event.ts';
import './audio-settings.ts';
import './dialpad.ts';
import './dtmf-keypad.ts';
import './sign-in-form.ts';
import './transfer-panel.ts';
import './unsaved-logs.ts';
import './wrap-up-form.ts';

type Tab = 'phone' | 'history' | 'settings' | 'help';
const TABS: readonly Tab[] = ['phone', 'history', 'settings', 'help'];

export class SbPanel extends LitElement {
  static override styles = [
    slds,
    callCardStyles,
    css`
    :host { display: flex; flex-direction: column; height: 100%; min-height: 240px; background: var(--sb-bg); }
    header { padding: 0.5rem 0.75rem; border-bottom: 1px solid var(--sb-border-weak); display: grid; gap: 0.375rem; }
    [role='tablist'] { display: flex; border-bottom: 1px solid var(--sb-border-weak); }
    [role='tab'] { flex: 1; border: 0; border-bottom: 3px solid transparent; background: none; padding: 0.375rem 0; font: inherit; color: var(--sb-text-weak); cursor: pointer; }
    [role='tab'][aria-selected='true'] { border-bottom-color: var(--sb-brand); color: var(--sb-text); font-weight: 700; }
    [role='tabpanel'] { flex: 1; overflow: auto; padding: 0.75rem; }
    .sb-history li { display: flex; align-items: center; gap: 0.5rem; padding: 0.375rem 0; border-bottom: 1px solid var(--sb-border-weak); }
    .sb-missed { color: var(--sb-error); }
    .sb-presence { max-width: 12rem; }
    .sb-banner { margin: 0.5rem 0.75rem 0; }
    h1 { flex: none; }
    .sb-reg { min-width: 0; flex: 0 1 auto; }
    .sb-diag { border-left: 3px solid var(--sb-border-weak); padding-left: 0.5rem; list-style: none; }
    .sb-diag_error { border-left-color: var(--sb-error); }
  `,
  ];

  static override properties = {
    host: { attribute: false },
    tab: { state: true },
    tool: { state: true },
    dismissed: { state: true },
    dismissedFailure: { state: true },
    dismissedAudio: { state: true },
    newCall: { state: true },
    diagnosis: { state: true },
  };

  host?: PanelHost;
  tab: Tab = 'phone';
  /** The tool open on one call (keypad or transfer). */
  tool?: { readonly callId: string; readonly tool: CallTool };
  /** The error the agent dismissed (code + message), hidden until another one comes. */
  dismissed = '';
  /** The failed call whose notice the agent dismissed (its id). */
  dismissedFailure = '';
  /** The audio banners the agent dismissed (their ids), hidden while the same problem lasts. */
  dismissedAudio: readonly string[] = [];
  newCall = false;
  /** The Help tab's diagnosis: running, or its findings. */
  diagnosis?: { readonly running: true } | { readonly running: false; readonly findings: readonly DiagnosisFinding[] };

  private unsubscribe?: () => void;
  private subscribed?: PanelHost;
  private ticker?: ReturnType<typeof setInterval>;
  private translator?: Translator;
  private timeFormat?: Intl.DateTimeFormat;
  private view?: PanelView;

  private readonly onKeydown = (e: KeyboardEvent): void => {
    if (!e.altKey || e.ctrlKey || e.metaKey || !this.host) return;
    const key = e.code === 'KeyA' ? 'answer' : e.code === 'KeyH' ? 'hangup' : undefined;
    if (!key) return;
    const command = shortcutCommand(this.host.state, key);
    if (!command) return;
    e.preventDefault();
    this.run(command);
  };

  private readonly onCommand = (e: CustomEvent<AgentCommand>): void => {
    e.stopPropagation();
    if (e.detail.type === 'dial') this.newCall = false;
    this.run(e.detail);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.ownerDocument.addEventListener('keydown', this.onKeydown);
    this.addEventListener(COMMAND_EVENT, this.onCommand);
    this.addEventListener('sb-close', this.closeTool);
    this.subscribe();
    // Numbers show as received until libphonenumber-js (its own chunk) is in; then render them formatted.
    void phoneFormatReady().then(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    this.ownerDocument.removeEventListener('keydown', this.onKeydown);
    this.removeEventListener(COMMAND_EVENT, this.onCommand);
    this.removeEventListener('sb-close', this.closeTool);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.subscribed = undefined;
    this.setTicking(false);
    super.disconnectedCallback();
  }

  /**
   * Renders in the next task (nextTask), not in a microtask as Lit does by default: an offered call's screen pop
   * request is posted from a chain of microtasks started in the same task, and the panel's render (the
   * call card, tens of milliseconds on the first call) must not run ahead of it.
   */
  protected override async scheduleUpdate(): Promise<void> {
    await nextTask();
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('host')) this.subscribe();
    const locale = pickLocale(this.host?.locale);
    if (this.translator?.locale !== locale) {
      this.translator = createTranslator(locale);
      this.timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
      this.lang = locale;
    }
    const host = this.host;
    const view = host ? panelView(host.state, host.now(), host.leadership, (at) => this.time(at)) : undefined;
    this.view = view;
    // A tool left open on a call that is gone, or can no longer use it, closes.
    const tool = this.tool;
    if (tool && !view?.calls.some((c) => c.id === tool.callId && (tool.tool === 'keypad' ? c.canKeypad : c.canTransfer))) this.tool = undefined;
  }

  protected override updated(): void {
    const view = this.view;
    this.setTicking(
      !!view && (view.calls.length + view.offers.length > 0 || view.wrapUps.some((w) => w.secondsLeft !== undefined) || view.registration.tone === 'warning'),
    );
  }

  private subscribe(): void {
    if (this.subscribed === this.host || !this.isConnected) return;
    this.unsubscribe?.();
    this.subscribed = this.host;
    this.unsubscribe = this.host?.subscribe(() => this.requestUpdate());
  }

  private setTicking(on: boolean): void {
    if (on && !this.ticker) this.ticker = setInterval(() => this.requestUpdate(), 1000);
    if (!on && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private run(command: AgentCommand): void {
    // A failure is shown from state.lastError; nothing more to do with the rejection here.
    this.host?.execute(command).catch(() => {});
  }

  private readonly closeTool = (): void => {
    this.tool = undefined;
  };

  private onAction(call: CallView, action: CallAction): void {
    if (action.command) {
      this.run(action.command);
      return;
    }
    if (action.kind === 'keypad' || action.kind === 'transfer') {
      const open = this.tool?.callId === call.id && this.tool.tool === action.kind;
      this.tool = open ? undefined : { callId: call.id, tool: action.kind };
    }
  }

  private onChoose(call: CallView, record: RecordRef): void {
    this.run({ type: 'choose-record', callId: call.id, record });
  }

  private time(at: number): string {
    return this.timeFormat?.format(at) ?? new Date(at).toISOString().slice(11, 16);
  }

  protected override render(): TemplateResult {
    const host = this.host;
    const t = this.translator;
    const view = this.view;
    if (!host || !t || !view) return html``;
    const errorId = view.error ? `${view.error.code}:${view.error.message}` : '';
    return html`
      ${this.renderHeader(view, t, host)}
      ${view.follower ? html`<p class="slds-notify slds-notify_info sb-banner" role="status">${t.t(view.follower.key, view.follower.params)}</p>` : ''}
      ${host.leadership.role === 'leader' && host.leadership.signInAgain && view.screen === 'signed-out' ? html`<p class="slds-notify slds-notify_info sb-banner" role="status">${t.t('panel.signInAgain')}</p>` : ''}
      ${host.leadership.role === 'electing' && view.screen !== 'loading' ? html`<p class="slds-notify slds-notify_info sb-banner" role="status">${t.t('panel.electing')}</p>` : ''}
      ${
        view.error && errorId !== this.dismissed
          ? html`<div class="slds-notify sb-row sb-banner" role="alert">
            <span class="sb-grow" title=${view.error.message}>${t.locale === 'en' || !view.error.key ? view.error.message : t.t(view.error.key)}</span>
            <button type="button" class="slds-button" aria-label=${t.t('panel.dismiss')} @click=${() => {
              this.dismissed = errorId;
            }}>✕</button>
          </div>`
          : ''
      }
      ${
        view.callFailed && view.callFailed.callId !== this.dismissedFailure
          ? html`<div class="slds-notify sb-row sb-banner" role="alert">
            <span class="sb-grow">${t.t(view.callFailed.key, view.callFailed.params)}</span>
            <button type="button" class="slds-button" aria-label=${t.t('panel.dismiss')} @click=${() => {
              this.dismissedFailure = view.callFailed?.callId ?? '';
            }}>✕</button>
          </div>`
          : ''
      }
      ${host.audio ? this.renderAudioBanners(host.audio, t) : ''}
      ${view.unsaved ? html`<sb-unsaved-logs .translator=${t} .view=${view.unsaved} .formatTime=${(at: number) => this.time(at)}></sb-unsaved-logs>` : ''}
      <div role="tablist" aria-label=${t.t('tab.label')}>
        ${TABS.map(
          (tab) => html`<button type="button" role="tab" id="tab-${tab}" aria-controls="panel-${tab}" aria-selected=${String(this.tab === tab)}
          @click=${() => {
            this.tab = tab;
          }}>${t.t(`tab.${tab}`)}</button>`,
        )}
      </div>
      <div role="tabpanel" id="panel-${this.tab}" aria-labelledby="tab-${this.tab}">
        ${this.tab === 'phone' ? this.renderPhone(view, t) : this.tab === 'history' ? this.renderHistory(view, t) : this.tab === 'settings' ? this.renderSettings(view, t, host) : this.renderHelp(t)}
      </div>`;
  }

  /** A ringer the browser keeps silent (with the click that lets it ring), a device that refused to play. */
  private renderAudioBanners(audio: PanelAudio, t: Translator): TemplateResult[] {
    return audioBanners(audio.notices)
      .filter((b) => !this.dismissedAudio.includes(b.id))
      .map(
        (b) => html`<div class="slds-notify slds-notify_warning sb-row sb-banner" role="alert">
      <span class="sb-grow">${audioNoticeText(t, b.text)}</span>
      ${
        b.action === 'enable-sound'
          ? // The click is the user gesture the browser waits for: enableSound must run inside it.
            html`<button type="button" class="slds-button slds-button_brand" @click=${() => {
              audio.enableSound().catch(() => {});
            }}>${t.t('audio.enableRinger')}</button>`
          : html`<button type="button" class="slds-button" aria-label=${t.t('panel.dismiss')} @click=${() => {
              this.dismissedAudio = [...this.dismissedAudio, b.id];
            }}>✕</button>`
      }
    </div>`,
      );
  }

  private renderHeader(view: PanelView, t: Translator, host: PanelHost): TemplateResult {
    const p = view.presence;
    const active = view.screen === 'phone';
    return html`<header>
      <div class="sb-row">
        <h1 class="slds-text-heading_small">${t.t('panel.title')}</h1>
        <span class="sb-grow"></span>
        <span class="sb-dot sb-dot_${view.registration.tone}" aria-hidden="true"></span>
        <span role="status" aria-label=${t.t('reg.label')} class="slds-truncate sb-reg" title=${t.t(view.registration.key, view.registration.params)}>${t.t(view.registration.key, view.registration.params)}</span>
      </div>
      <div class="sb-row">
        <span class="sb-dot sb-dot_${p.tone}" aria-hidden="true"></span>
        <select class="slds-select sb-presence" aria-label=${t.t('status.label')} ?disabled=${!active}
          title=${p.automatic ? t.t('status.afterCall', { status: t.t(p.options.find((o) => o.value === p.value)?.label.key ?? 'status.available', p.options.find((o) => o.value === p.value)?.label.params) }) : t.t('status.label')}
          @change=${(e: Event) => {
            const command = presenceCommand((e.target as HTMLSelectElement).value);
            if (command) this.run(command);
          }}>
          ${p.options.map((o) => html`<option value=${o.value} ?selected=${o.value === p.value}>${t.t(o.label.key, o.label.params)}</option>`)}
        </select>
        ${p.automatic ? html`<span class="slds-badge">${t.t(p.automatic)}</span>` : ''}
        ${host.leadership.role === 'follower' ? html`<span class="slds-badge" aria-hidden="true">⇄</span>` : ''}
      </div>
    </header>`;
  }

  private renderPhone(view: PanelView, t: Translator): TemplateResult {
    switch (view.screen) {
      case 'loading':
        return html`<p role="status">${t.t('panel.loading')}</p>`;
      case 'misconfigured':
        return html`<div class="sb-stack"><p class="slds-notify" role="alert">${t.t(view.error?.code === 'SB30001' ? 'panel.crmUnavailable' : 'panel.misconfigured')}</p>${view.error ? html`<p>${view.error.message}</p>` : ''}</div>`;
      case 'signed-out':
        return html`<sb-sign-in-form .translator=${t} .username=${view.username ?? ''} ?minted=${view.mintedCredentials} ?busy=${view.registration.tone === 'busy'}></sb-sign-in-form>`;
      case 'phone':
        break;
    }
    const ctx = (call: CallView) => ({
      translator: t,
      ...(this.tool?.callId === call.id ? { tool: this.tool.tool } : {}),
      directory: view.directory,
      country: view.defaultCountry,
      onAction: (c: CallView, a: CallAction) => this.onAction(c, a),
      onChoose: (c: CallView, r: RecordRef) => this.onChoose(c, r),
    });
    const busy = view.calls.length > 0 || view.offers.length > 0;
    return html`<div class="sb-stack">
      ${view.offers.map((c) => callCard(c, ctx(c)))}
      ${view.calls.map((c) => callCard(c, ctx(c)))}
      ${view.wrapUps.map((w) => html`<sb-wrap-up-form .translator=${t} .view=${w}></sb-wrap-up-form>`)}
      ${
        !busy || this.newCall
          ? html`<sb-dialpad .translator=${t} .country=${view.defaultCountry} ?disabled=${!view.canDial} .hint=${view.dialHint ? t.t(view.dialHint) : undefined}></sb-dialpad>`
          : view.canDial && view.offers.length === 0
            ? html`<button type="button" class="slds-button slds-button_stretch" @click=${() => {
                this.newCall = true;
              }}>${t.t('dial.newCall')}</button>`
            : ''
      }
    </div>`;
  }

  private renderHistory(view: PanelView, t: Translator): TemplateResult {
    if (!view.history.length) return html`<p>${t.t('history.empty')}</p>`;
    return html`<h2 class="slds-text-title">${t.t('history.title')}</h2>
      <ul class="sb-history" aria-label=${t.t('history.title')}>
        ${view.history.map(
          (h) => html`<li>
          <span aria-hidden="true">${h.direction === 'outbound' ? '↗' : '↙'}</span>
          <span class="sb-grow">
            <span class="slds-truncate ${h.missed ? 'sb-missed' : ''}">${h.name ?? h.number}</span><br />
            <span class="sb-meta">${t.t(h.outcome)} · ${t.t('history.when', { time: this.time(h.at), duration: formatDuration(h.durationSeconds) })}</span>
          </span>
          <button type="button" class="slds-button" ?disabled=${!view.canDial} aria-label=${t.t('history.callBack', { number: h.number })}
            @click=${() => {
              this.tab = 'phone';
              this.run({ type: 'dial', number: h.dial });
            }}>${t.t('dial.call')}</button>
        </li>`,
        )}
      </ul>`;
  }

  private renderSettings(view: PanelView, t: Translator, host: PanelHost): TemplateResult {
    return html`<div class="sb-stack">
      <sb-audio-settings .translator=${t} .audio=${host.audio}></sb-audio-settings>
      ${
        view.screen === 'phone'
          ? html`${view.username ? html`<p>${t.t('settings.account', { user: view.username })}</p>` : ''}
          <button type="button" class="slds-button" @click=${() => this.run({ type: 'sign-out' })}>${t.t('signOut')}</button>`
          : ''
      }
      ${host.downloadLog ? html`<button type="button" class="slds-button" @click=${() => host.downloadLog?.()}>${t.t('settings.downloadLog')}</button>` : ''}
    </div>`;
  }

  private renderHelp(t: Translator): TemplateResult {
    const diagnose = this.host?.diagnose;
    const d = this.diagnosis;
    return html`<div class="sb-stack">
      <p>${t.t('help.shortcuts')}</p>
      <p>${t.t('help.keypad')}</p>
      <p>${t.t('help.tabs')}</p>
      ${
        diagnose
          ? html`<section class="sb-stack" aria-labelledby="sb-diag-title">
        <h2 id="sb-diag-title" class="slds-text-title">${t.t('diag.title')}</h2>
        <p>${t.t('diag.intro')}</p>
        <button type="button" class="slds-button slds-button_neutral" ?disabled=${d?.running === true} @click=${() => this.runDiagnosis(diagnose)}>${t.t('diag.run')}</button>
        ${d?.running ? html`<p role="status">${t.t('diag.running')}</p>` : ''}
        ${d && !d.running ? this.renderFindings(d.findings, t) : ''}
      </section>`
          : ''
      }
    </div>`;
  }

  private runDiagnosis(diagnose: () => Promise<readonly DiagnosisFinding[]>): void {
    this.diagnosis = { running: true };
    diagnose().then(
      (findings) => {
        this.diagnosis = { running: false, findings };
      },
      () => {
        this.diagnosis = undefined;
      },
    );
  }

  private renderFindings(findings: readonly DiagnosisFinding[], t: Translator): TemplateResult {
    const overall = overallSeverity(findings);
    const count = findings.filter((f) => f.severity === overall).length;
    return html`<p role="status">${t.t(`diag.summary.${overall}`, { count })}</p>
      <ul class="sb-stack" aria-label=${t.t('diag.results')}>
        ${findings.map((f) => {
          const keys = findingKeys(f);
          return html`<li class="sb-diag sb-diag_${f.severity}">
            <strong>${t.t(`diag.severity.${f.severity}`)}: ${t.t(keys.what, f.params)}</strong>
            <p class="sb-meta">${t.t('diag.why', { text: t.t(keys.why, f.params) })}</p>
            ${keys.fix ? html`<p>${t.t('diag.fix', { text: t.t(keys.fix, f.params) })}</p>` : ''}
          </li>`;
        })}
      </ul>`;
  }
}

customElements.define('sb-panel', SbPanel);

declare global {
  interface HTMLElementTagNameMap {
    'sb-panel': SbPanel;
  }
}

/**
 * One call as a card: who, state, timer, quality, matched records (with the picker when several
 * match) and the buttons the view model allows. Text from the far end (display names) only ever
 * goes through Lit text bindings, so it is rendered as text, never as markup.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { RecordRef } from '../../core/index.ts';
import { formatDuration } from '../format/duration.ts';
import './notes-field.ts';
import type { Translator } from '../i18n/i18n.ts';
import { callerName, type CallAction, type CallView, type DirectoryEntry } from '../view-model.ts';

export type CallTool = 'keypad' | 'transfer';

export interface CallCardContext {
  readonly translator: Translator;
  /** The tool open on this call, if any. */
  readonly tool?: CallTool;
  readonly directory: readonly DirectoryEntry[];
  readonly country: string;
  onAction(call: CallView, action: CallAction): void;
  onChoose(call: CallView, record: RecordRef): void;
}

const BUTTON_CLASS: Readonly<Record<CallAction['tone'], string>> = {
  brand: 'slds-button slds-button_brand',
  success: 'slds-button slds-button_success',
  destructive: 'slds-button slds-button_destructive',
  neutral: 'slds-button',
};

const SHORTCUT: Partial<Record<CallAction['kind'], string>> = { answer: 'Alt+A', hangup: 'Alt+H' };

function recordLabel(r: RecordRef): string {
  return `${r.objectType}: ${r.name ?? r.id}`;
}

/** Objects whose record names the caller (a person, or the company that calls). */
/**
 * The card's headline and the line under it: the caller's name (callerName: the related record's
 * when there is one) with the number under it; a Case or another non-caller record stays on the
 * "Related to" line.
 */
export function callHeadline(call: CallView, unknown: string): { readonly headline: string; readonly subline?: string } {
  const name = callerName(call.related, call.name);
  if (name) return { headline: name, ...(call.number ? { subline: call.number } : {}) };
  return { headline: call.state === 'offering' && !call.number ? unknown : call.number };
}

function qualityBars(level: 'good' | 'fair' | 'poor'): TemplateResult {
  const lit = level === 'good' ? 3 : level === 'fair' ? 2 : 1;
  return html`<span class="sb-bars sb-bars_${level}" aria-hidden="true">${[1, 2, 3].map((i) => html`<span class="${i <= lit ? 'on' : ''}"></span>`)}</span>`;
}

export function callCard(call: CallView, ctx: CallCardContext): TemplateResult {
  const t = ctx.translator;
  const { headline, subline } = callHeadline(call, t.t('call.unknown'));
  return html`<article class="slds-card sb-call sb-call_${call.state} ${call.focused ? 'sb-call_focused' : ''}" aria-label=${t.t(call.title)} data-call-id=${call.id}>
    <div class="sb-row">
      <span class="slds-text-title sb-grow">${t.t(call.title)} · ${t.t(call.stateLabel)}</span>
      ${
        call.quality
          ? html`<span class="sb-quality" role="img" aria-label=${t.t('quality.label', { level: t.t(`quality.${call.quality.level}`), mos: call.quality.mos })}
            title=${t.t('quality.label', { level: t.t(`quality.${call.quality.level}`), mos: call.quality.mos })}>${qualityBars(call.quality.level)}</span>`
          : ''
      }
      <span class="slds-badge" role="timer" aria-label=${t.t('call.timer', { time: formatDuration(call.timerSeconds) })}>${formatDuration(call.timerSeconds)}</span>
    </div>
    <div class=${call.title === 'call.inbound' ? 'sb-who sb-who_reserved' : 'sb-who'}>
      <p class="sb-caller slds-truncate">${headline}</p>
      ${subline ? html`<p class="slds-truncate">${subline}</p>` : ''}
      ${call.muted ? html`<span class="slds-badge">${t.t('call.muted')}</span>` : ''}
      ${call.conferenceWith.length ? html`<p class="sb-meta">${t.t('call.conferenceWith', { names: call.conferenceWith.join(', ') })}</p>` : ''}
      ${
        call.chooser
          ? html`<fieldset class="sb-chooser">
            <legend>${t.t('records.choose')}</legend>
            <ul aria-label=${t.t('records.chooseLabel')}>
              ${call.chooser.candidates.map(
                (r) => html`<li>
                <button type="button" class="slds-button slds-button_stretch sb-record" aria-pressed=${r.id === call.chooser?.chosenId ? 'true' : 'false'}
                  @click=${() => ctx.onChoose(call, r)}>
                  <span class="sb-grow slds-truncate">${recordLabel(r)}</span>
                  ${call.chooser?.details[r.id] ? html`<span class="sb-meta slds-truncate sb-details">${call.chooser.details[r.id]}</span>` : ''}
                </button>
              </li>`,
              )}
            </ul>
          </fieldset>`
          : call.related.length
            ? html`<p class="sb-meta slds-truncate">${t.t('records.related', { name: call.related.map(recordLabel).join(' · ') })}</p>`
            : ''
      }
    </div>
    <div class="sb-actions" role="group">
      ${call.actions.map(
        (a) => html`<button type="button" class=${BUTTON_CLASS[a.tone]}
          aria-pressed=${a.kind === 'keypad' || a.kind === 'transfer' ? String(ctx.tool === a.kind) : nothing}
          aria-keyshortcuts=${SHORTCUT[a.kind] ?? nothing} title=${SHORTCUT[a.kind] ? `${t.t(a.label)} (${SHORTCUT[a.kind]})` : t.t(a.label)}
          @click=${() => ctx.onAction(call, a)}>${t.t(a.label)}</button>`,
      )}
    </div>
    ${
      call.canNote
        ? html`<details class="sb-more" ?open=${call.notes !== ''}>
          <summary>${t.t('call.notes')}</summary>
          <sb-notes-field .translator=${t} .callId=${call.id} .notes=${call.notes}></sb-notes-field>
        </details>`
        : ''
    }
    ${
      call.popTrail.length
        ? html`<details class="sb-more">
          <summary>${t.t('call.popTrail')}</summary>
          <ol class="sb-trail" aria-label=${t.t('call.popTrail')}>${call.popTrail.map((line) => html`<li>${line}</li>`)}</ol>
        </details>`
        : ''
    }
    ${ctx.tool === 'keypad' && call.canKeypad ? html`<sb-dtmf-keypad .translator=${t} .callId=${call.id}></sb-dtmf-keypad>` : ''}
    ${
      ctx.tool === 'transfer' && call.canTransfer
        ? html`<sb-transfer-panel .translator=${t} .callId=${call.id} .directory=${ctx.directory} .country=${ctx.country}></sb-transfer-panel>`
        : ''
    }
  </article>`;
}

export const callCardStyles = css`
  .sb-call { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0.375rem; }
  .sb-call_offering { border-color: var(--sb-success); box-shadow: 0 0 0 1px var(--sb-success); }
  .sb-call_held { background: var(--sb-bg-alt); }
  .sb-call_focused:not(.sb-call_offering) { border-color: var(--sb-brand); }
  .sb-caller { font-size: 1.125rem; font-weight: 700; }
  .sb-who { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0.375rem; align-content: start; }
  /*
   * An incoming call's card keeps room for the caller's name, number and record line from the first
   * ring: the screen pop fills them in while the agent reaches for Answer, and the button must not
   * move under the pointer (it did by two lines). Heights: the caller line, a body line and a meta
   * line at line-height 1.5 (body 0.8125rem, meta 0.75rem), and the two gaps.
   */
  .sb-who_reserved { min-height: calc(1.5 * (1.125rem + 0.8125rem + 0.75rem) + 2 * 0.375rem); }
  .sb-more summary { cursor: pointer; font-size: 0.75rem; color: var(--sb-text-weak); }
  .sb-trail { margin: 0.25rem 0 0 1rem; padding: 0; list-style: decimal; font-size: 0.75rem; }
  .sb-trail li + li { margin-top: 0.125rem; }
  .sb-chooser { border: 1px solid var(--sb-border-weak); border-radius: var(--sb-radius); padding: 0.375rem; margin: 0; min-width: 0; }
  .sb-details { flex: 0 1 auto; min-width: 0; max-width: 45%; }
  .sb-chooser legend { font-size: 0.75rem; padding: 0 0.25rem; }
  .sb-chooser li + li { margin-top: 0.25rem; }
  .sb-record { justify-content: flex-start; text-align: left; color: var(--sb-text); gap: 0.5rem; }
  .sb-bars { display: inline-flex; align-items: flex-end; gap: 2px; height: 0.875rem; }
  .sb-bars span { width: 4px; background: var(--sb-border); border-radius: 1px; }
  .sb-bars span:nth-child(1) { height: 40%; }
  .sb-bars span:nth-child(2) { height: 70%; }
  .sb-bars span:nth-child(3) { height: 100%; }
  .sb-bars_good .on { background: var(--sb-success); }
  .sb-bars_fair .on { background: var(--sb-warning); }
  .sb-bars_poor .on { background: var(--sb-error); }
`;

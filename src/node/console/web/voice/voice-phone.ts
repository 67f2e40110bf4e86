/**
 * Salesforce's own phone under Salesforce Voice, in the Omni-Channel utility panel: incoming call
 * (Accept, Decline), dialing, the call's controls (Mute, Hold/Resume, Keypad, Transfer, Consult,
 * Conference, Swap, End call), the third party, after-call work (disposition, notes, Done), the
 * connector's errors and notices. It renders VoiceHost's state and sends intents through it; every
 * control has an accessible name. Presence is the Omni-Channel status list above it.
 */
import { clear, h } from '../dom.ts';
import type { VoiceHost } from './voice-host.ts';
import { commands, type VoiceState } from './voice-protocol.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
/** Salesforce's labels for a phone book entry's availability (the base's AGENT_AVAILABILITY). */
const AVAILABILITY: Readonly<Record<string, string>> = { AVAILABLE: 'Available', BUSY: 'Busy', OFFLINE: 'Offline' };

export class VoicePhone {
  private keypadOpen = false;
  private dialValue = '';
  private transferValue = '';
  private disposition = '';
  private notes = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly host: VoiceHost,
    private readonly dispositionList: readonly { code: string; label: string }[],
  ) {
    this.disposition = dispositionList[0]?.code ?? '';
    host.onChange(() => this.render());
    this.render();
  }

  render(): void {
    const s = this.host.state;
    // Keep focus and typed text across re-renders of the inputs.
    const focused =
      document.activeElement instanceof HTMLElement && this.root.contains(document.activeElement) ? document.activeElement.getAttribute('aria-label') : null;
    clear(this.root);
    const region = h(
      'section',
      {
        class: 'slds-p-around_small console-voice-phone',
        'aria-label': 'Phone',
        'data-phase': s.phase,
        'data-call': s.call?.phase ?? (s.wrapUp ? 'wrap-up' : 'idle'),
      },
      this.host.originWarning ? h('div', { role: 'note', class: 'slds-notify slds-notify_alert slds-alert_warning' }, this.host.originWarning) : null,
      this.noticesView(s),
      s.phase === 'connecting' ? h('p', { role: 'status' }, 'Connecting to the phone system…') : null,
      s.phase === 'login' ? h('p', { role: 'status' }, 'Sign in to the phone system in the window the connector shows.') : null,
      s.phase === 'ready' ? this.body(s) : null,
      s.phase === 'ready' && !s.call && !s.wrapUp
        ? h(
            'div',
            { role: 'group', 'aria-label': 'Phone system' },
            h(
              'button',
              { type: 'button', class: 'slds-button slds-button_neutral', onclick: () => this.host.send(commands.logout()) },
              'Log out of phone system',
            ),
            h(
              'button',
              { type: 'button', class: 'slds-button slds-button_neutral', onclick: () => this.host.send(commands.downloadLogs()) },
              'Download phone logs',
            ),
          )
        : null,
    );
    this.root.append(region);
    if (focused) (this.root.querySelector(`[aria-label="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
  }

  private noticesView(s: VoiceState): HTMLElement | null {
    if (!s.notices.length) return null;
    return h(
      'div',
      { role: 'alert', class: 'slds-notify slds-notify_alert slds-alert_error' },
      h(
        'ul',
        {},
        s.notices.map((n) => h('li', { 'data-level': n.level }, n.message)),
      ),
      h('button', { type: 'button', class: 'slds-button slds-button_neutral', onclick: () => this.host.dismissNotices() }, 'Dismiss'),
    );
  }

  private button(label: string, message: ReturnType<typeof commands.accept>, extra: Record<string, string> = {}): HTMLButtonElement {
    return h(
      'button',
      {
        type: 'button',
        class: `slds-button ${label === 'Accept' ? 'slds-button_success' : label === 'End call' || label === 'Decline' ? 'slds-button_destructive' : 'slds-button_neutral'}`,
        disabled: !message,
        onclick: () => this.host.send(message),
        ...extra,
      },
      label,
    );
  }

  private body(s: VoiceState): HTMLElement {
    if (s.wrapUp) return this.wrapUpView();
    const call = s.call;
    if (!call) {
      return h(
        'form',
        {
          'aria-label': 'Dial',
          onsubmit: (e: Event) => {
            e.preventDefault();
            if (this.host.send(commands.dial(s, this.dialValue))) this.dialValue = '';
          },
        },
        h('p', { role: 'status' }, s.status ? `Phone ready (${s.status.statusName})` : 'Phone ready'),
        h('input', {
          class: 'slds-input',
          type: 'tel',
          'aria-label': 'Phone number',
          value: this.dialValue,
          oninput: (e: Event) => {
            this.dialValue = (e.target as HTMLInputElement).value;
          },
        }),
        h('button', { type: 'submit', class: 'slds-button slds-button_brand' }, 'Call'),
      );
    }
    const who = this.host.related ? `${this.host.related.name} (${call.phoneNumber})` : call.phoneNumber || 'Unknown number';
    if (call.phase === 'ringing') {
      return h(
        'div',
        { role: 'group', 'aria-label': 'Incoming call' },
        h('p', { role: 'status' }, `Incoming call from ${who}`),
        this.button('Accept', commands.accept(s)),
        this.button('Decline', commands.decline(s)),
      );
    }
    const p = s.participant;
    const state = call.phase === 'dialing' ? `Calling ${who}` : `${call.onHold ? 'On hold' : 'Connected'}: ${who}`;
    return h(
      'div',
      { role: 'group', 'aria-label': 'Call controls' },
      h('p', { role: 'status' }, state, call.muted ? ' (muted)' : '', call.replayed ? ' (restored)' : ''),
      this.host.voiceCall ? h('p', {}, `Voice Call ${this.host.voiceCall.name}`) : null,
      this.host.related ? h('p', {}, `Related record: ${this.host.related.name}`) : null,
      p
        ? h(
            'p',
            { role: 'status', 'aria-label': 'Third party' },
            `Third party ${p.phoneNumber}: ${p.phase === 'ringing' ? 'ringing' : s.merged ? 'in conference' : p.onHold ? 'on hold' : 'connected'}`,
          )
        : null,
      h(
        'div',
        { class: 'slds-button-group', role: 'group', 'aria-label': 'Call actions' },
        this.button(call.muted ? 'Unmute' : 'Mute', commands.mute(s), { 'aria-pressed': String(call.muted) }),
        this.button(call.onHold ? 'Resume' : 'Hold', commands.hold(s), { 'aria-pressed': String(call.onHold) }),
        h(
          'button',
          {
            type: 'button',
            class: 'slds-button slds-button_neutral',
            'aria-expanded': String(this.keypadOpen),
            disabled: call.phase !== 'connected',
            onclick: () => {
              this.keypadOpen = !this.keypadOpen;
              this.render();
            },
          },
          'Keypad',
        ),
        this.button('End call', commands.end(s)),
      ),
      this.keypadOpen && call.phase === 'connected'
        ? h(
            'div',
            { role: 'group', 'aria-label': 'Keypad', class: 'console-voice-keypad' },
            KEYS.map((k) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'slds-button slds-button_neutral',
                  'aria-label': `Send digit ${k}`,
                  onclick: () => this.host.send(commands.sendDigits(s, k)),
                },
                k,
              ),
            ),
          )
        : null,
      h(
        'div',
        { role: 'group', 'aria-label': 'Transfer' },
        h('input', {
          class: 'slds-input',
          type: 'tel',
          'aria-label': 'Transfer or consult number',
          value: this.transferValue,
          oninput: (e: Event) => {
            this.transferValue = (e.target as HTMLInputElement).value;
          },
        }),
        h(
          'button',
          {
            type: 'button',
            class: 'slds-button slds-button_neutral',
            disabled: call.phase !== 'connected' || Boolean(p),
            onclick: () => {
              if (this.host.send(commands.addParticipant(s, this.transferValue, true))) this.transferValue = '';
            },
          },
          'Transfer',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'slds-button slds-button_neutral',
            disabled: call.phase !== 'connected' || Boolean(p),
            onclick: () => {
              if (this.host.send(commands.addParticipant(s, this.transferValue, false))) this.transferValue = '';
            },
          },
          'Consult',
        ),
        this.button('Phone book', commands.phoneContacts(s)),
        this.button('Conference', commands.conference(s)),
        this.button('Swap', commands.swap(s)),
      ),
      this.phoneBook(s),
    );
  }

  /** The connector's phone book (PHONE_CONTACTS): each entry with its availability, to transfer to or consult. */
  private phoneBook(s: VoiceState): HTMLElement | null {
    if (!s.call || s.contacts.length === 0) return null;
    return h(
      'ul',
      { class: 'slds-list_vertical', 'aria-label': 'Phone book' },
      ...s.contacts.map((c) =>
        h(
          'li',
          { class: 'slds-p-vertical_xx-small' },
          h('span', {}, `${c.name} (${c.phoneNumber})${c.availability ? ` · ${AVAILABILITY[c.availability] ?? c.availability}` : ''} `),
          this.button('Transfer', commands.addContact(s, c, true), { 'aria-label': `Transfer to ${c.name}` }),
          this.button('Consult', commands.addContact(s, c, false), { 'aria-label': `Consult ${c.name}` }),
        ),
      ),
    );
  }

  private wrapUpView(): HTMLElement {
    return h(
      'form',
      {
        'aria-label': 'After-call work',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const notes = this.notes;
          this.notes = '';
          void this.host.finishWrapUp(this.disposition, notes);
        },
      },
      h('h3', { class: 'slds-text-heading_small' }, 'After-call work'),
      this.host.voiceCall ? h('p', {}, `Voice Call ${this.host.voiceCall.name}`) : null,
      h(
        'label',
        { class: 'slds-form-element__label' },
        'Disposition',
        h(
          'select',
          {
            class: 'slds-select',
            'aria-label': 'Disposition',
            onchange: (e: Event) => {
              this.disposition = (e.target as HTMLSelectElement).value;
            },
          },
          this.dispositionList.map((d) => h('option', { value: d.code, selected: d.code === this.disposition }, d.label)),
        ),
      ),
      h(
        'label',
        { class: 'slds-form-element__label' },
        'Notes',
        h(
          'textarea',
          {
            class: 'slds-textarea',
            'aria-label': 'Notes',
            oninput: (e: Event) => {
              this.notes = (e.target as HTMLTextAreaElement).value;
            },
          },
          this.notes,
        ),
      ),
      h('button', { type: 'submit', class: 'slds-button slds-button_brand' }, 'Done'),
    );
  }
}

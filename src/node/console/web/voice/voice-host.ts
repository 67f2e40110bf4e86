/**
 * Salesforce's side of a Salesforce Voice connector in the console: loads the contact center's
 * connector URL in a frame, hands it one end of a MessageChannel in SETUP_CONNECTOR (posted to the
 * frame's origin exactly, never '*'), and from then on talks over the port only (nothing that
 * arrives on the window is read). Each port message is checked (voice-protocol.ts), turned into the
 * phone's state, and its effects done here: the VoiceCall screen pop, the accept stamp, the
 * outbound VoiceCall, presence, the event log. A new document in the frame (a reload) gets a new
 * channel, as Salesforce sets the connector up again.
 */
import type { ApiClient, RecordPage, RecordView, Session } from '../api-client.ts';
import { h } from '../dom.ts';
import type { OmniStatus, UtilityBar } from '../utility-bar.ts';
import type { Workspace } from '../workspace.ts';
import {
  afterSend,
  askStatus,
  commands,
  dismissNotices,
  initialState,
  parseInbound,
  reduce,
  type AgentStatus,
  type Effect,
  type OutMessage,
  type VoiceState,
} from './voice-protocol.ts';
import { baseLibraryAcceptsOrigin, connectorConfig, omniStatuses, orgDomainName } from './voice-config.ts';

/** One message on the wire, either way (the page's test hook and the event log's content). */
export interface WireEntry {
  readonly direction: 'to-connector' | 'from-connector' | 'refused';
  readonly type: string;
  readonly payload: unknown;
  readonly at: number;
}

interface VoiceCallAnswer {
  voiceCall: { id: string; name: string };
  page: RecordPage;
  related: RecordView | null;
}

/** Salesforce's Phone service channel Id in this org (the emulator's fixed one). */
export const PHONE_SERVICE_CHANNEL_ID = '0N9000000000001AAA';
/** The item whose value never goes to the log (the base library leaves it out of its logs too). */
const SECRET_KEYS = ['/reqHvcc/reqTelephonyIntegrationCertificate'];

export class VoiceHost {
  state: VoiceState;
  readonly wire: WireEntry[] = [];
  /** The VoiceCall on screen and the record it is related to. */
  voiceCall: { id: string; name: string } | null = null;
  related: RecordView | null = null;
  /** Why the real base library will not talk to this console, when it will not (local origins). */
  readonly originWarning: string | undefined;
  readonly frame: HTMLIFrameElement;
  readonly frameHost: HTMLElement;
  private port: MessagePort | undefined;
  private readonly statuses: { key: string; status: AgentStatus }[];
  private wanted: OmniStatus | undefined;
  private shownCall: string | undefined;
  private confirmed: OmniStatus = { status: 'offline' };
  private readonly listeners = new Set<() => void>();

  constructor(
    root: HTMLElement,
    private readonly connectorUrl: URL,
    private readonly api: ApiClient,
    private readonly session: Session,
    private readonly workspace: Workspace,
    private readonly bar: UtilityBar,
    awayReasons: readonly { id: string; label: string }[],
    private readonly acwAllowed: boolean,
  ) {
    this.state = initialState(acwAllowed);
    this.statuses = omniStatuses(awayReasons);
    if (!baseLibraryAcceptsOrigin(location.origin)) {
      this.originWarning = `This console runs at ${location.origin}: the Salesforce Voice base library (scv-connector-base) accepts SETUP_CONNECTOR only from Salesforce host names over HTTPS (such as *.lightning.force.com), so a connector built on it will ignore this console. Start the emulator with --strict.`;
      this.api.log([
        {
          method: 'voice.originWarning',
          args: { origin: location.origin, message: this.originWarning },
          at: Date.now(),
          surface: 'voice',
          userId: session.user.Id,
        },
      ]);
      // Said where the agent looks for the phone, not only in the log.
      bar.setOmniOpen(true);
    }
    this.frame = h('iframe', { title: 'Phone system connector', class: 'console-voice-connector', allow: 'microphone; autoplay; hid', src: connectorUrl.href });
    this.frameHost = h('section', { 'aria-label': 'Phone system sign-in', class: 'console-voice-connector-host' }, this.frame);
    this.placeFrame();
    this.frame.addEventListener('load', () => this.setUp());
    root.append(this.frameHost);
  }

  /** Called after every state change (the phone UI re-renders). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private changed(): void {
    this.placeFrame();
    for (const l of this.listeners) {
      try {
        l();
      } catch (e) {
        console.error('voice phone listener failed', e);
      }
    }
  }

  private setUp(): void {
    this.port?.close();
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.state = initialState(this.acwAllowed);
    this.voiceCall = null;
    this.related = null;
    channel.port1.onmessage = (event: MessageEvent) => void this.receive(event.data);
    const message: OutMessage = {
      type: 'SETUP_CONNECTOR',
      connectorConfig: connectorConfig(this.session.settings ?? {}, {
        acwAllowed: this.acwAllowed,
        orgDomainName: orgDomainName(location.origin),
        phoneServiceChannelId: PHONE_SERVICE_CHANNEL_ID,
      }),
    };
    this.frame.contentWindow?.postMessage(message, this.connectorUrl.origin, [channel.port2]);
    this.record('to-connector', 'SETUP_CONNECTOR', {
      connectorConfig: Object.fromEntries(Object.entries(message.connectorConfig).filter(([k]) => !SECRET_KEYS.includes(k))),
    });
    this.changed();
  }

  /** Sends a message to the connector (nothing when the phone's state does not allow it). */
  send(message: OutMessage | undefined): boolean {
    if (!message || !this.port) return false;
    this.port.postMessage(message);
    this.state = afterSend(this.state, message);
    const { type, ...rest } = message;
    this.record('to-connector', type, rest);
    return true;
  }

  private record(direction: WireEntry['direction'], type: string, payload: unknown): void {
    const entry: WireEntry = { direction, type, payload, at: Date.now() };
    this.wire.push(entry);
    if (this.wire.length > 2000) this.wire.splice(0, this.wire.length - 2000);
    this.api.log([
      {
        method: type,
        args: { direction, payload },
        at: entry.at,
        surface: 'voice',
        userId: this.session.user.Id,
        ...(direction === 'refused' ? { success: false } : {}),
      },
    ]);
  }

  private async receive(data: unknown): Promise<void> {
    const msg = parseInbound(data);
    if ('error' in msg) {
      this.record('refused', 'INVALID_MESSAGE', { error: msg.error });
      return;
    }
    const wasReady = this.state.phase === 'ready';
    const step = reduce(this.state, msg);
    this.state = step.state;
    if (msg.type === 'TELEPHONY_EVENT_DISPATCHED') this.record('from-connector', msg.payload.telephonyEventType, msg.payload.telephonyEventPayload ?? null);
    else this.record('from-connector', msg.type, msg.payload);
    if (msg.type === 'CONNECTOR_READY' && !wasReady) {
      // The agent is available to the phone: the connector replays its active calls (a refresh mid-call).
      this.send(commands.agentAvailable(true));
      if (this.wanted) this.setPresence(this.wanted);
    }
    // A call the phone has not shown yet (ringing, or replayed after a refresh) opens the phone once.
    if (this.state.call && this.state.call.callId !== this.shownCall) {
      this.shownCall = this.state.call.callId;
      if (!this.bar.omniPanelOpen) this.bar.setOmniOpen(true);
    }
    this.changed();
    for (const effect of step.effects) await this.apply(effect);
  }

  private async apply(effect: Effect): Promise<void> {
    try {
      switch (effect.kind) {
        case 'log':
          // receive() has put the message in the event log already.
          return;
        case 'screen-pop':
          await this.pop(effect.voiceCallId, effect.phoneNumber);
          return;
        case 'accepted': {
          const r = await this.api.send<VoiceCallAnswer & { error?: string }>('POST', `voice/calls/${encodeURIComponent(effect.voiceCallId)}/accept`, {});
          if (r.status !== 200) this.notice(`The VoiceCall could not be marked accepted: ${r.body.error ?? r.status}`);
          return;
        }
        case 'outbound-started': {
          const r = await this.api.send<VoiceCallAnswer & { error?: string }>('POST', 'voice/calls', {
            vendorCallKey: effect.callId,
            toPhoneNumber: effect.phoneNumber,
          });
          if (r.status !== 200 && r.status !== 201) {
            this.notice(`The VoiceCall of the outbound call could not be created: ${r.body.error ?? r.status}`);
            return;
          }
          const call = this.state.call;
          if (call?.callId === effect.callId) this.state = { ...this.state, call: { ...call, voiceCallId: r.body.voiceCall.id } };
          await this.pop(r.body.voiceCall.id, effect.phoneNumber);
          return;
        }
        case 'status-confirmed':
          this.confirmed = this.omniOf(effect.status) ?? this.confirmed;
          return;
        case 'status-refused':
          this.bar.setOmni(this.confirmed, false);
          return;
        case 'status-changed': {
          const found = this.statuses.find((s) => s.status.statusId === effect.statusId);
          const omni = found ? this.omniOf(found.status) : undefined;
          if (omni) {
            this.confirmed = omni;
            this.state = { ...this.state, status: found!.status };
            this.bar.setOmni(omni, false);
          }
          return;
        }
      }
    } finally {
      this.changed();
    }
  }

  private async pop(voiceCallId: string, phoneNumber: string): Promise<void> {
    const r = await this.api.send<VoiceCallAnswer & { error?: string }>('POST', `voice/calls/${encodeURIComponent(voiceCallId)}/pop`, { phoneNumber });
    if (r.status !== 200) {
      this.notice(`The VoiceCall ${voiceCallId} could not be opened: ${r.body.error ?? r.status}`);
      return;
    }
    this.voiceCall = r.body.voiceCall;
    this.related = r.body.related;
    await this.workspace.pop({ type: 'sobject', params: { recordId: r.body.voiceCall.id } }, r.body.page);
  }

  private notice(message: string): void {
    this.state = { ...this.state, notices: [...this.state.notices, { level: 'error', message }] };
  }

  private omniOf(status: AgentStatus): OmniStatus | undefined {
    const found = this.statuses.find((s) => s.status.statusId === status.statusId);
    if (!found) return undefined;
    if (found.key === 'available') return { status: 'available' };
    if (found.key === 'offline') return { status: 'offline' };
    return { status: 'away', reasonId: found.key.slice('away:'.length) };
  }

  /** The agent picked an Omni-Channel status: the connector is asked (SET_AGENT_STATUS) once it is ready. */
  setPresence(omni: OmniStatus): void {
    this.wanted = omni;
    if (this.state.phase !== 'ready') return;
    const key = omni.status === 'away' ? `away:${omni.reasonId ?? ''}` : omni.status;
    const found = this.statuses.find((s) => s.key === key);
    if (!found) return;
    this.state = askStatus(this.state, found.status);
    this.send(commands.setStatus(found.status));
    this.changed();
  }

  /** The wrap-up's Done: the connector ends ACW, and the disposition (and notes) go on the VoiceCall. */
  async finishWrapUp(disposition: string, notes: string): Promise<void> {
    const wrap = this.state.wrapUp;
    if (!wrap) return;
    this.send(commands.wrapUp(this.state));
    this.state = { ...this.state, wrapUp: null };
    this.changed();
    const id = wrap.voiceCallId ?? this.voiceCall?.id;
    if (!id) return;
    const r = await this.api.send<VoiceCallAnswer & { error?: string }>('PUT', `voice/calls/${encodeURIComponent(id)}/disposition`, { disposition, notes });
    if (r.status !== 200) this.notice(`The disposition could not be saved on the VoiceCall: ${r.body.error ?? r.status}`);
    else await this.workspace.refresh();
    this.changed();
  }

  dismissNotices(): void {
    this.state = dismissNotices(this.state);
    this.changed();
  }

  /** The frame is on screen only while the connector asks for its sign-in page; otherwise off screen, never display:none (it holds the audio). */
  private placeFrame(): void {
    const login = this.state.phase === 'login';
    Object.assign(
      this.frameHost.style,
      login
        ? {
            position: 'fixed',
            right: '1rem',
            bottom: '3rem',
            width: '360px',
            height: `${this.state.loginFrameHeight}px`,
            left: '',
            top: '',
            zIndex: '9000',
            background: '#fff',
            boxShadow: '0 2px 8px rgba(0,0,0,.3)',
          }
        : { position: 'fixed', left: '-10000px', top: '0', width: '360px', height: '200px', right: '', bottom: '', zIndex: '', background: '', boxShadow: '' },
    );
    this.frameHost.setAttribute('aria-hidden', String(!login));
    Object.assign(this.frame.style, { width: '100%', height: '100%', border: '0' });
  }
}

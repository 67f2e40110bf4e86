/**
 * The Salesforce Voice partner-telephony connector (`VendorConnector` of scv-connector-base 3.x):
 * each method Salesforce calls is one `AgentCommand` run by the engine, answered with the result
 * class the base library checks; what happens to the calls by itself (a caller ringing, hanging
 * up, a consulted colleague answering) is published from the engine's lifecycle events
 * (call-event-publisher.ts), except the events a method causes: its result is the event.
 */
import {
  isLive,
  type AgentCommand,
  type CallSnapshot,
  type EngineHandle,
  type EngineState,
  type LineState,
  type Logger,
  type LogLevel,
} from '../../core/index.ts';
import { presenceForOmniStatus } from '../../core/presence/omni-status.ts';
import { CallEventPublisher } from './call-event-publisher.ts';
import { callInfoOf, holdResultOf, toPhoneCall } from './phone-call.ts';
import { publishEvent, scv, SCV, scvError } from './scv.ts';
import type { VoiceCrm } from './voice-crm.ts';

/** Loose view of what Salesforce sends for a call: only `callId` is read. */
interface CallRef {
  readonly callId?: unknown;
}

interface ContactRef {
  readonly phoneNumber?: unknown;
  readonly extension?: unknown;
  readonly prefix?: unknown;
}

export interface VoiceConnectorOptions {
  readonly crm: VoiceCrm;
  readonly logger: Logger;
  /** The connector's support log as text (SIP authentication already masked by the logger). */
  readonly supportLog: () => string;
  /** Hands a log file to the agent (a browser download on the page). */
  readonly saveLog: (filename: string, text: string) => void;
  /** How long a command may take to show its effect (a hold confirmed, a call ended) before it fails. */
  readonly settleMs?: number;
  /** The sign-in frame's height Salesforce gives the connector when the agent must sign in. */
  readonly loginFrameHeight?: number;
}

const LOG_LEVELS: Readonly<Record<string, LogLevel>> = { ERROR: 'error', WARN: 'warn', INFO: 'info', DEBUG: 'debug' };
/** Statuses the engine keeps for the agent while a call holds them (Salesforce shows its own). */
const BUSY = new Set(['on-call', 'wrap-up']);

/**
 * A colleague's lamp as the phone book's availability (Salesforce's three values): free → AVAILABLE;
 * ringing, on a call or Away → BUSY (not to be offered a call now); offline → OFFLINE; unknown → none.
 */
function availabilityOf(lamp: LineState | undefined): { availability?: 'AVAILABLE' | 'BUSY' | 'OFFLINE' } {
  if (lamp === 'idle') return { availability: 'AVAILABLE' };
  if (lamp === 'ringing' || lamp === 'busy' || lamp === 'away') return { availability: 'BUSY' };
  if (lamp === 'offline') return { availability: 'OFFLINE' };
  return {};
}

export class SwitchboardVoiceConnector extends scv.VendorConnector {
  private readonly options: VoiceConnectorOptions;
  private readonly events: CallEventPublisher;

  constructor(options: VoiceConnectorOptions) {
    super();
    this.options = options;
    this.events = new CallEventPublisher({ logger: options.logger, engine: () => this.engine() });
    options.crm.onLifecycle((event) => this.events.onLifecycle(event));
  }

  // ── setup and sign-in ────────────────────────────────────────────────────────────────────

  override async init(connectorConfig: unknown): Promise<InstanceType<typeof scv.InitResult>> {
    const { crm } = this.options;
    crm.configure(connectorConfig);
    await crm.ready;
    this.events.followQuality();
    let state = await this.until((s) => s.phase !== 'loading');
    if (state.phase === 'misconfigured') throw scvError(SCV.ERROR_TYPE.INVALID_PARAMS, state.lastError?.message ?? 'The call center settings cannot be used.');
    const sip = state.settings?.sip;
    // The engine signs in by itself with minted credentials, or with the call center's.
    if (sip && (sip.credentialScheme === 'ephemeral' || (sip.username && sip.password))) {
      const before = state.lastError;
      state = await this.until((s) => s.signedInAs !== undefined || (s.phase === 'signed-out' && s.lastError !== undefined && s.lastError !== before));
      if (!state.signedInAs) throw scvError(SCV.ERROR_TYPE.CAN_NOT_LOG_IN, state.lastError?.message ?? 'Sign-in failed.');
      return new scv.InitResult({});
    }
    if (state.signedInAs) return new scv.InitResult({});
    // The agent types their extension and password in the connector's own frame.
    return new scv.InitResult({ showLogin: true, loginFrameHeight: this.options.loginFrameHeight ?? 350 });
  }

  /** The connector's own sign-in form: signs in, then tells Salesforce the connector is ready. */
  async signIn(username: string, password: string): Promise<void> {
    await this.engine().execute({ type: 'sign-in', username, password });
    await publishEvent({ eventType: SCV.EVENT_TYPE.LOGIN_RESULT, payload: new scv.GenericResult({ success: true }) });
  }

  override async logout(): Promise<InstanceType<typeof scv.LogoutResult>> {
    await this.engine().execute({ type: 'sign-out' });
    return new scv.LogoutResult({ success: true, loginFrameHeight: this.options.loginFrameHeight ?? 350 });
  }

  // ── calls ────────────────────────────────────────────────────────────────────────────────

  override async getActiveCalls(): Promise<InstanceType<typeof scv.ActiveCallsResult>> {
    const calls = this.engine().state.calls.filter((c) => isLive(c.state));
    return new scv.ActiveCallsResult({ activeCalls: calls.map(toPhoneCall) });
  }

  override async acceptCall(call: CallRef): Promise<InstanceType<typeof scv.CallResult>> {
    const id = this.callIdOf(call, 'ACCEPT_CALL');
    const state = await this.run({ type: 'answer', callId: id }, [`connected:${id}`], (s) => this.answeredOrGone(s, id));
    const now = this.find(state, id);
    if (!now || !isLive(now.state)) throw new Error(`ACCEPT_CALL: call '${id}' ended before it could be answered.`);
    return new scv.CallResult({ call: toPhoneCall(now) });
  }

  override async declineCall(call: CallRef): Promise<InstanceType<typeof scv.CallResult>> {
    const id = this.callIdOf(call, 'DECLINE_CALL');
    // Only this agent lets the call go: in a ring group the others go on ringing (Open CTI's Decline).
    const state = await this.run({ type: 'decline', callId: id }, [`ended:${id}`], (s) => this.gone(s, id));
    return new scv.CallResult({ call: toPhoneCall(this.find(state, id) ?? this.require(id)) });
  }

  override async endCall(call: CallRef): Promise<InstanceType<typeof scv.HangupResult>> {
    const id = this.callIdOf(call, 'END_CALL');
    const target = this.require(id);
    const members = target.conferencedWith;
    let command: AgentCommand = { type: 'hangup', callId: id };
    const expect = [`ended:${id}`, `participant-removed:${id}`, `wrap-up-started:${id}`];
    // The agent leaves a two-party conference: the customer goes on with the colleague (the transfer).
    if (members.length === 1 && target.consultationFor === undefined) {
      command = { type: 'leave-conference', callId: id };
      expect.push(`participant-removed:${members[0]}`, `ended:${members[0]}`);
    }
    const state = await this.run(command, expect, (s) => this.gone(s, id));
    // After-call work starts after Salesforce has seen the hang-up this method answers.
    const ended = this.find(state, id) ?? target;
    if (ended.state === 'wrap-up') this.later(() => this.events.afterCallWork(ended));
    return new scv.HangupResult({ calls: [toPhoneCall(ended)] });
  }

  override async mute(): Promise<InstanceType<typeof scv.MuteToggleResult>> {
    return this.setMuted(true);
  }

  override async unmute(): Promise<InstanceType<typeof scv.MuteToggleResult>> {
    return this.setMuted(false);
  }

  override async hold(call: CallRef): Promise<InstanceType<typeof scv.HoldToggleResult>> {
    const id = this.callIdOf(call, 'HOLD');
    const state = await this.run({ type: 'hold', callId: id }, [`hold:${id}`], (s) => this.find(s, id)?.state !== 'active');
    if (this.find(state, id)?.state !== 'held') throw new Error(`HOLD: call '${id}' was not put on hold.`);
    return this.holdResult();
  }

  override async resume(call: CallRef): Promise<InstanceType<typeof scv.HoldToggleResult>> {
    const id = this.callIdOf(call, 'RESUME');
    // Resuming one call holds the others (one talking call): those toggles are this method's too.
    const state = await this.run({ type: 'resume', callId: id }, this.holdsOfAll(), (s) => this.find(s, id)?.state !== 'held');
    if (this.find(state, id)?.state !== 'active') throw new Error(`RESUME: call '${id}' was not taken off hold.`);
    return this.holdResult();
  }

  override async swap(callToHold: CallRef, callToResume: CallRef): Promise<InstanceType<typeof scv.HoldToggleResult>> {
    const hold = this.callIdOf(callToHold, 'SWAP_PARTICIPANTS');
    const resume = this.callIdOf(callToResume, 'SWAP_PARTICIPANTS');
    const state = await this.run(
      { type: 'swap', callId: resume },
      this.holdsOfAll(),
      (s) => this.find(s, resume)?.state === 'active' && this.find(s, hold)?.state !== 'active',
    );
    if (this.find(state, hold)?.state === 'active') throw new Error(`SWAP_PARTICIPANTS: call '${hold}' is still active.`);
    return this.holdResult();
  }

  override async conference(calls: unknown): Promise<InstanceType<typeof scv.HoldToggleResult>> {
    const live = this.engine().state.calls.filter((c) => c.state === 'active' || c.state === 'held');
    const named = Array.isArray(calls)
      ? calls.map((c: CallRef) => (typeof c?.callId === 'string' ? c.callId : undefined)).filter((id): id is string => !!id && live.some((l) => l.id === id))
      : [];
    // Salesforce merges everyone on the line; the calls it names are a subset when it knows fewer.
    const ids = named.length >= 2 ? named : live.map((c) => c.id);
    await this.run({ type: 'conference', callIds: ids }, [...this.holdsOfAll(), ...ids.map((id) => `conferenced:${id}`)]);
    return this.holdResult();
  }

  override async dial(contact: ContactRef, dialOptions?: { readonly isConsultCall?: unknown }): Promise<InstanceType<typeof scv.CallResult>> {
    const number = this.numberOf(contact, 'DIAL');
    const before = new Set(this.engine().state.calls.map((c) => c.id));
    if (dialOptions?.isConsultCall === true) {
      const parent = this.customerCall();
      if (!parent) throw scvError(SCV.ERROR_TYPE.GENERIC_ERROR, 'DIAL: a consult call needs a call to consult about.');
      const state = await this.run({ type: 'consult', callId: parent.id, target: number }, ['participant-added:*', `hold:${parent.id}`]);
      return new scv.CallResult({ call: toPhoneCall(this.newCall(state, before, 'DIAL')) });
    }
    const state = await this.run({ type: 'dial', number }, ['started:*']);
    return new scv.CallResult({ call: toPhoneCall(this.newCall(state, before, 'DIAL')) });
  }

  override async sendDigits(digits: unknown): Promise<void> {
    if (typeof digits !== 'string') throw new Error(`SEND_DIGITS: digits must be a string, got ${typeof digits}.`);
    const active = this.engine().state.calls.find((c) => c.state === 'active');
    if (!active) throw new Error('SEND_DIGITS: no active call.');
    await this.engine().execute({ type: 'dtmf', callId: active.id, digits });
  }

  override async addParticipant(contact: ContactRef, call: CallRef | undefined, isBlindTransfer: unknown): Promise<InstanceType<typeof scv.ParticipantResult>> {
    const number = this.numberOf(contact, 'ADD_PARTICIPANT');
    const parentId = call?.callId !== undefined ? this.callIdOf(call, 'ADD_PARTICIPANT') : this.customerCall()?.id;
    if (!parentId) throw new Error('ADD_PARTICIPANT: there is no call to add a participant to.');
    const parent = this.require(parentId);
    if (isBlindTransfer === true) {
      // The base library answers Salesforce with HANGUP for the call itself.
      const state = await this.run(
        { type: 'blind-transfer', callId: parentId, target: number },
        [`hold:${parentId}`, `ended:${parentId}`, `wrap-up-started:${parentId}`],
        (s) => this.find(s, parentId)?.state !== 'transferring',
      );
      const after = this.find(state, parentId);
      if (after && isLive(after.state)) {
        const why = state.lastError ? ` (${state.lastError.message})` : '';
        throw scvError(SCV.ERROR_TYPE.CAN_NOT_ADD_PARTICIPANT, `ADD_PARTICIPANT: the transfer to ${number} failed${why}.`);
      }
      if (after?.state === 'wrap-up') this.later(() => this.events.afterCallWork(after));
      return new scv.ParticipantResult({ initialCallHasEnded: true, callInfo: callInfoOf(after ?? parent), phoneNumber: number, callId: parentId });
    }
    const before = new Set(this.engine().state.calls.map((c) => c.id));
    const state = await this.run({ type: 'consult', callId: parentId, target: number }, ['participant-added:*', `hold:${parentId}`]);
    const consultation = this.newCall(state, before, 'ADD_PARTICIPANT');
    return new scv.ParticipantResult({ initialCallHasEnded: false, callInfo: callInfoOf(consultation), phoneNumber: number, callId: consultation.id });
  }

  override wrapUpCall(call: CallRef): Promise<void> {
    // The base library neither waits for this nor catches: a failure is logged here.
    return (async () => {
      const id = this.callIdOf(call, 'WRAP_UP_CALL');
      await this.run({ type: 'complete-wrap-up', callId: id }, [`wrap-up-ended:${id}`]);
    })().catch((error: unknown) => this.options.logger.log('warn', 'WRAP_UP_CALL failed', { error: String(error instanceof Error ? error.message : error) }));
  }

  // ── agent ────────────────────────────────────────────────────────────────────────────────

  override async setAgentStatus(
    agentStatus: unknown,
    statusInfo?: { statusId?: string; statusApiName?: string; statusName?: string },
  ): Promise<InstanceType<typeof scv.GenericResult>> {
    if (typeof agentStatus !== 'string')
      throw scvError(SCV.ERROR_TYPE.INVALID_AGENT_STATUS, `SET_AGENT_STATUS: agentStatus must be a string, got ${typeof agentStatus}.`);
    let wanted;
    try {
      wanted = presenceForOmniStatus(agentStatus, statusInfo ?? {});
    } catch (error) {
      throw scvError(SCV.ERROR_TYPE.INVALID_AGENT_STATUS, error instanceof Error ? error.message : String(error));
    }
    if (wanted) await this.engine().execute({ type: 'set-presence', status: wanted.status, ...(wanted.reasonId ? { reasonId: wanted.reasonId } : {}) });
    return new scv.GenericResult({ success: true });
  }

  // The 3.6.2 typings name AgentStatusInfo; the base library checks for AgentVendorStatusInfo.
  override async getAgentStatus(): Promise<InstanceType<typeof scv.AgentStatusInfo>> {
    const p = this.engine().state.presence;
    // While a call holds the agent, their status is the one they chose (Salesforce shows the call).
    const chosen = BUSY.has(p.status) ? p.returnTo : { status: p.status, ...(p.reasonId ? { reasonId: p.reasonId } : {}) };
    const info = new scv.AgentVendorStatusInfo({ statusId: chosen.reasonId ?? chosen.status, statusType: chosen.status, statusName: chosen.status });
    return info as unknown as InstanceType<typeof scv.AgentStatusInfo>;
  }

  override async getAgentConfig(): Promise<InstanceType<typeof scv.AgentConfigResult>> {
    // Phone types by name, as the base library's own default (its typings say Phone objects).
    const phones = [SCV.PHONE_TYPE.SOFT_PHONE] as unknown as InstanceType<typeof scv.Phone>[];
    return new scv.AgentConfigResult({ phones, selectedPhone: new scv.Phone({ type: SCV.PHONE_TYPE.SOFT_PHONE }) });
  }

  override async setAgentConfig(config: { selectedPhone?: { type?: unknown } } | undefined): Promise<InstanceType<typeof scv.GenericResult>> {
    const type = config?.selectedPhone?.type;
    if (type !== SCV.PHONE_TYPE.SOFT_PHONE)
      throw scvError(SCV.ERROR_TYPE.CAN_NOT_SET_AGENT_CONFIG, `SET_AGENT_CONFIG: only the softphone is supported, got ${String(type)}.`);
    return new scv.GenericResult({ success: true });
  }

  override async getCapabilities(): Promise<InstanceType<typeof scv.CapabilitiesResult>> {
    const directory = this.options.crm.handle?.state.settings?.directory ?? [];
    return new scv.CapabilitiesResult({
      hasMute: true,
      hasRecord: false,
      hasMerge: true,
      hasSwap: true,
      hasBlindTransfer: true,
      hasSignedRecordingUrl: false,
      supportsMos: true,
      debugEnabled: true,
      hasPhoneBook: directory.length > 0,
      hasAgentAvailability: directory.length > 0,
    });
  }

  override async getPhoneContacts(filter?: { contains?: unknown }): Promise<InstanceType<typeof scv.PhoneContactsResult>> {
    const contains = typeof filter?.contains === 'string' ? filter.contains.toLowerCase() : '';
    const { settings, lines } = this.engine().state;
    const directory = settings?.directory ?? [];
    const contacts = directory
      .filter((d) => !contains || d.name.toLowerCase().includes(contains) || d.extension.includes(contains))
      .map(
        (d) =>
          new scv.Contact({
            id: d.extension,
            // Colleagues are agents: the base keeps a contact's availability for that type only.
            type: SCV.CONTACT_TYPE.AGENT as 'Agent',
            name: d.name,
            phoneNumber: d.extension,
            extension: d.extension,
            ...availabilityOf(lines[d.extension]),
          }),
      );
    return new scv.PhoneContactsResult({ contacts, contactTypes: [SCV.CONTACT_TYPE.AGENT] });
  }

  override handleMessage(message: unknown): void {
    this.options.logger.log('info', 'Salesforce Voice message (not used by this connector)', { message: JSON.stringify(message) ?? String(message) });
  }

  override logMessageToVendor(logLevel: unknown, message: unknown, payload?: unknown): void {
    const level = (typeof logLevel === 'string' && LOG_LEVELS[logLevel.toUpperCase()]) || 'info';
    this.options.logger.log(
      level,
      `Salesforce Voice: ${String(message)}`,
      payload === undefined ? undefined : { payload: JSON.stringify(payload) ?? String(payload) },
    );
  }

  override downloadLogs(logs?: unknown): void {
    const base = Array.isArray(logs) ? logs.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') : '';
    const text = `${this.options.supportLog()}${base ? `\n--- Salesforce Voice connector library log ---\n${base}\n` : ''}`;
    this.options.saveLog(`switchboard-voice-${new Date().toISOString().replace(/[:.]/g, '-')}.log`, text);
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  /**
   * Runs a command for Salesforce; the lifecycle events named in `expect` (type:callId, or type:*
   * for any call) are its own result and are not published while it runs. `settled`: the state the
   * command is over in (a hold is confirmed by the phone system after the command resolved).
   */
  private async run(command: AgentCommand, expect: readonly string[], settled?: (state: EngineState) => boolean): Promise<EngineState> {
    const done = this.events.expect(expect);
    try {
      await this.engine().execute(command);
      return settled ? await this.until(settled) : this.engine().state;
    } finally {
      done();
    }
  }

  /** Resolves with the first committed state `predicate` holds for (the current one included). */
  private until(predicate: (state: EngineState) => boolean): Promise<EngineState> {
    const engine = this.engine();
    if (predicate(engine.state)) return Promise.resolve(engine.state);
    const ms = this.options.settleMs ?? 20_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`The phone system did not confirm within ${ms / 1000} s.`));
      }, ms);
      const off = engine.onChange((state) => {
        if (!predicate(state)) return;
        clearTimeout(timer);
        off();
        resolve(state);
      });
    });
  }

  private later(fn: () => void): void {
    setTimeout(fn, 0);
  }

  private engine(): EngineHandle {
    const handle = this.options.crm.handle;
    if (!handle) throw scvError(SCV.ERROR_TYPE.GENERIC_ERROR, 'The connector has not started.');
    return handle;
  }

  private find(state: EngineState, id: string): CallSnapshot | undefined {
    return state.calls.find((c) => c.id === id) ?? state.recent.find((c) => c.id === id);
  }

  private require(id: string): CallSnapshot {
    const call = this.find(this.engine().state, id);
    if (!call) throw scvError(SCV.ERROR_TYPE.INVALID_PARTICIPANT, `No call '${id}'.`);
    return call;
  }

  private gone(state: EngineState, id: string): boolean {
    const call = this.find(state, id);
    return !call || !isLive(call.state);
  }

  private answeredOrGone(state: EngineState, id: string): boolean {
    const call = this.find(state, id);
    return !call || !isLive(call.state) || call.timestamps.answered !== undefined;
  }

  private callIdOf(call: CallRef | undefined, message: string): string {
    const id = call?.callId;
    if (typeof id !== 'string' || id === '') throw scvError(SCV.ERROR_TYPE.INVALID_PARTICIPANT, `${message}: the call has no callId.`);
    return id;
  }

  private numberOf(contact: ContactRef | undefined, message: string): string {
    const raw = [contact?.phoneNumber, contact?.extension].find((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (!raw) throw scvError(SCV.ERROR_TYPE.INVALID_DESTINATION, `${message}: the contact has no phone number or extension.`);
    const prefix = typeof contact?.prefix === 'string' ? contact.prefix : '';
    return `${prefix}${raw}`.trim();
  }

  /** The customer's call (not a consultation) the agent is on, if any. */
  private customerCall(): CallSnapshot | undefined {
    const live = this.engine().state.calls.filter((c) => c.consultationFor === undefined && (c.state === 'active' || c.state === 'held'));
    return live.find((c) => c.state === 'active') ?? live[0];
  }

  private newCall(state: EngineState, before: ReadonlySet<string>, message: string): CallSnapshot {
    const call = state.calls.find((c) => !before.has(c.id)) ?? state.recent.find((c) => !before.has(c.id));
    if (!call) throw new Error(`${message}: the phone system placed no call.`);
    return call;
  }

  private holdsOfAll(): string[] {
    return this.engine()
      .state.calls.filter((c) => isLive(c.state))
      .map((c) => `hold:${c.id}`);
  }

  private holdResult(): InstanceType<typeof scv.HoldToggleResult> {
    return holdResultOf(this.engine().state);
  }

  private async setMuted(muted: boolean): Promise<InstanceType<typeof scv.MuteToggleResult>> {
    const { state } = this.engine();
    const call =
      state.calls.find((c) => c.id === state.activeCallId && (c.state === 'active' || c.state === 'held' || c.state === 'transferring')) ??
      state.calls.find((c) => c.state === 'active');
    if (!call) throw new Error(`${muted ? 'MUTE' : 'UNMUTE'}: no call to ${muted ? 'mute' : 'unmute'}.`);
    await this.run({ type: 'mute', callId: call.id, muted }, [`mute:${call.id}`]);
    return new scv.MuteToggleResult({ isMuted: muted });
  }
}

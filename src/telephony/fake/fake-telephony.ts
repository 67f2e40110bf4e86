/**
 * A TelephonyPort connected to a FakePhoneSystem: what the engine talks to in unit tests. Thin on
 * purpose: every command goes to the phone system, which owns the calls and decides what happens.
 *
 * Port contract kept here: events are never emitted synchronously from inside a command (they go
 * out on a microtask, after the command's state change), so listeners and the delegate are never
 * re-entered.
 */
import { Emitter } from '../../core/index.ts';
import type {
  DeclineOptions,
  DialRequest,
  DialResult,
  PresenceStatus,
  RegistrationState,
  SipCredentials,
  TelephonyDelegate,
  TelephonyEvents,
  TelephonyPort,
} from '../../core/index.ts';
import type { FakePhoneSystem } from './fake-phone-system.ts';

export class FakeTelephony implements TelephonyPort {
  /** Errors thrown by listeners (the engine's handlers): a bug there must not pass unnoticed. */
  readonly listenerErrors: { event: string; error: unknown }[] = [];
  private readonly emitter = new Emitter<TelephonyEvents>((event, error) => this.listenerErrors.push({ event, error }));
  private delegate?: TelephonyDelegate;
  private registrationState: RegistrationState = { state: 'unregistered' };
  private user?: string;
  private watched: readonly string[] = [];
  private readonly lastLineState = new Map<string, string>();
  /** Every event emitted, in order, for assertions on the exact sequence. */
  readonly emitted: { event: keyof TelephonyEvents; args: readonly unknown[] }[] = [];

  constructor(private readonly phone: FakePhoneSystem) {
    phone.attach(this);
  }

  get events(): Emitter<TelephonyEvents> {
    return this.emitter;
  }

  /** The extension this telephony registered as (undefined before the first register). */
  get extension(): string | undefined {
    return this.user;
  }

  get registration(): RegistrationState {
    return this.registrationState;
  }

  get watchedLines(): readonly string[] {
    return this.watched;
  }

  setDelegate(delegate: TelephonyDelegate): void {
    this.delegate = delegate;
  }

  async register(credentials: SipCredentials): Promise<void> {
    this.user = credentials.username;
    return this.phone.register(this, credentials);
  }

  async unregister(): Promise<void> {
    return this.phone.unregister(this);
  }

  updateCredentials(credentials: SipCredentials): Promise<void> {
    return this.phone.updateCredentials(this, credentials);
  }

  dial(request: DialRequest): Promise<DialResult> {
    return this.phone.dial(this, request.target, request.attachedData ?? {});
  }
  answer(callId: string): Promise<void> {
    return this.phone.answer(this, callId);
  }
  decline(callId: string, options?: DeclineOptions): Promise<void> {
    return this.phone.decline(this, callId, options);
  }
  hangup(callId: string): Promise<void> {
    return this.phone.hangup(this, callId);
  }
  hold(callId: string): Promise<void> {
    return this.phone.setHeld(this, callId, true);
  }
  resume(callId: string): Promise<void> {
    return this.phone.setHeld(this, callId, false);
  }
  setMuted(callId: string, muted: boolean): Promise<void> {
    return this.phone.setMuted(this, callId, muted);
  }
  sendDtmf(callId: string, digits: string): Promise<void> {
    return this.phone.sendDtmf(this, callId, digits);
  }
  blindTransfer(callId: string, target: string): Promise<void> {
    return this.phone.blindTransfer(this, callId, target);
  }
  consult(callId: string, target: string): Promise<DialResult> {
    return this.phone.consult(this, callId, target);
  }
  completeTransfer(callId: string, consultationId: string): Promise<void> {
    return this.phone.completeTransfer(this, callId, consultationId);
  }
  conference(callIds: readonly string[]): Promise<void> {
    return this.phone.conference(this, callIds);
  }
  publishPresence(status: PresenceStatus): Promise<void> {
    return this.phone.publishPresence(this, status);
  }
  async watchLines(extensions: readonly string[]): Promise<void> {
    this.phone.requireConnected(this);
    this.watched = [...extensions];
    this.lastLineState.clear();
    this.phone.refreshLines();
  }

  // ── used by the phone system ──────────────────────────────────────────────────────────────

  /** Asks the delegate (synchronously: the phone system calls this outside any command). */
  consultDelegate(call: Parameters<TelephonyDelegate['acceptIncoming']>[0]): boolean {
    return this.delegate ? this.delegate.acceptIncoming(call) : true;
  }

  setRegistration(state: RegistrationState): void {
    this.registrationState = state;
    this.emitSoon('registration', state);
  }

  /** Emits a line state if it differs from the last one this watcher was told. */
  noteLineState(extension: string, state: TelephonyEvents['lineState'][1]): void {
    if (!this.watched.includes(extension) || this.lastLineState.get(extension) === state) return;
    this.lastLineState.set(extension, state);
    this.emitSoon('lineState', extension, state);
  }

  /** Emits on a microtask: after the caller's state change, never inside a command call. */
  emitSoon<E extends keyof TelephonyEvents & string>(event: E, ...args: TelephonyEvents[E]): void {
    void Promise.resolve().then(() => {
      this.emitted.push({ event, args });
      this.emitter.emit(event, ...args);
    });
  }
}

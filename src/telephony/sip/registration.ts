/**
 * Keeps the agent registered: connect the WebSocket, REGISTER with digest auth (sip.js answers the
 * 401 challenge), let sip.js refresh the binding before it expires, and when the WebSocket drops
 * reconnect with capped exponential backoff and register again. The browser's `online` event
 * short-circuits the wait.
 *
 * ```
 *   unregistered ──start()──▶ connecting ──200──▶ registered
 *        ▲                       │  ▲               │ ws lost
 *        │ stop()                │  └──timer──── reconnecting (attempt n, nextAttemptAt)
 *        │                       └── 401/403 again ──▶ failed (SB20001)
 * ```
 */
import { Registerer, RegistererState, type UserAgent } from 'sip.js';
import type { Clock, Logger, RegistrationState, SipCredentials } from '../../core/index.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy, type RandomSource } from './backoff.ts';

export interface RegistrationOptions {
  readonly expiresSeconds: number;
  readonly backoff: BackoffPolicy;
  readonly random: RandomSource;
}

/**
 * Makes every later digest challenge on this UserAgent answer with `credentials`: the next REGISTER
 * refresh, and INVITE, re-INVITE, REFER, PUBLISH, SUBSCRIBE alike. sip.js 0.21 builds a fresh
 * DigestAuthentication from the UserAgent's options each time a request is challenged (the core's
 * `authenticationFactory` reads `configuration.authorizationUsername`/`authorizationPassword`), so
 * swapping them there is all it takes: no reconnect, no new Registerer, dialogs untouched.
 */
export function useCredentials(ua: UserAgent, credentials: SipCredentials): void {
  const options = ua.configuration;
  options.authorizationUsername = credentials.authorizationUsername ?? credentials.username;
  options.authorizationPassword = credentials.password;
}

/**
 * sip.js's Registerer sends every REGISTER from one message object, and the digest answer to the
 * last challenge stays on it: after new credentials, the next refresh would carry a digest of the
 * old ones. A registrar refuses that (a logged authentication failure, or a 403 where it answers an
 * expired credential that way, which would end the registration). Without it, the next REGISTER
 * is challenged and answered with the new credentials. The message is private to sip.js 0.21
 * (`Registerer.request`), so its shape is checked at run time; returns false if it changed.
 */
export function forgetDigestAnswer(registerer: Registerer): boolean {
  const request = (registerer as unknown as { readonly request?: unknown }).request;
  if (typeof request !== 'object' || request === null || !('headers' in request)) return false;
  const headers = request.headers;
  if (typeof headers !== 'object' || headers === null) return false;
  delete (headers as Record<string, unknown>)['Authorization'];
  return true;
}

export const DEFAULT_REGISTRATION: RegistrationOptions = { expiresSeconds: 300, backoff: DEFAULT_BACKOFF, random: Math.random };

export class RegistrationKeeper {
  private registerer: Registerer | undefined;
  private attempt = 0;
  private cancelTimer: (() => void) | undefined;
  private running = false;
  private current: RegistrationState = { state: 'unregistered' };
  private readonly onlineListener = (): void => this.retryNow('browser online');
  private firstRegistration: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly ua: UserAgent,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: RegistrationOptions,
    private readonly report: (state: RegistrationState) => void,
    private readonly onFailure: (code: 'SB20001' | 'SB20002', reason: string) => Error,
  ) {}

  get state(): RegistrationState {
    return this.current;
  }

  /** Connects and registers; resolves on the first 200, rejects on a definite failure. */
  start(): Promise<void> {
    this.running = true;
    globalThis.addEventListener?.('online', this.onlineListener);
    this.ua.delegate = {
      ...this.ua.delegate,
      onDisconnect: (error?: Error) => this.lost(error ? error.message : 'WebSocket closed'),
    };
    this.registerer = new Registerer(this.ua, { expires: this.options.expiresSeconds, refreshFrequency: 90 });
    this.registerer.stateChange.addListener((s) => {
      if (s === RegistererState.Registered) this.registered();
    });
    const first = new Promise<void>((resolve, reject) => (this.firstRegistration = { resolve, reject }));
    void this.connectAndRegister();
    return first;
  }

  private async connectAndRegister(): Promise<void> {
    if (!this.running) return;
    this.set(this.attempt === 0 ? { state: 'connecting' } : this.current);
    try {
      if (!this.ua.isConnected()) await (this.ua.transport.state === 'Disconnected' && this.attemptedOnce ? this.ua.reconnect() : this.ua.start());
      this.attemptedOnce = true;
    } catch (error) {
      this.attemptedOnce = true;
      const reason = `cannot connect: ${error instanceof Error ? error.message : String(error)}`;
      // The first register() call learns at once that the server is unreachable; retries go on.
      this.firstRegistration?.reject(this.onFailure('SB20002', reason));
      this.firstRegistration = undefined;
      this.lost(`cannot connect: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    await this.sendRegister();
  }

  private attemptedOnce = false;

  private registered(): void {
    this.attempt = 0;
    this.set({ state: 'registered', expiresAt: this.clock.now() + this.options.expiresSeconds * 1000 });
    this.firstRegistration?.resolve();
    this.firstRegistration = undefined;
  }

  private async sendRegister(): Promise<void> {
    const registerer = this.registerer;
    if (!registerer || !this.running) return;
    try {
      await registerer.register({
        requestDelegate: {
          // Also on a re-REGISTER after a reconnect, when sip.js sees no state change.
          onAccept: () => this.registered(),
          onReject: (response) => {
            const { statusCode, reasonPhrase } = response.message;
            const reason = `REGISTER answered ${statusCode} ${reasonPhrase}`;
            if (statusCode === 401 || statusCode === 403 || statusCode === 407 || statusCode === 404) this.fail('SB20001', reason);
            else this.lost(reason);
          },
        },
      });
    } catch (error) {
      this.logger.log('warn', 'REGISTER could not be sent', { error: String(error) });
    }
  }

  private fail(code: 'SB20001' | 'SB20002', reason: string): void {
    this.running = false;
    this.cancelTimer?.();
    this.set({ state: 'failed', code, reason });
    this.firstRegistration?.reject(this.onFailure(code, reason));
    this.firstRegistration = undefined;
  }

  /** The WebSocket is gone (or the server refused us for now): schedule the next attempt. */
  private lost(reason: string): void {
    if (!this.running || this.cancelTimer) return;
    this.attempt++;
    const delay = backoffDelay(this.attempt, this.options.backoff, this.options.random);
    const nextAttemptAt = this.clock.now() + delay;
    this.logger.log('warn', 'phone system connection lost; reconnecting', { reason, attempt: this.attempt, delayMs: delay });
    this.set({ state: 'reconnecting', attempt: this.attempt, nextAttemptAt, reason });
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      void this.connectAndRegister();
    }, delay);
  }

  /**
   * New credentials are in place (useCredentials). A registration they can save (it failed when the
   * old ones expired) is tried again at once; a live one just uses them at its next refresh.
   */
  credentialsRenewed(): void {
    if (this.registerer && !forgetDigestAnswer(this.registerer)) {
      this.logger.log('warn', 'could not drop the old digest answer from the REGISTER; the next refresh is challenged once more');
    }
    if (this.running || this.current.state !== 'failed' || !this.registerer) return;
    this.logger.log('info', 'registering again with renewed credentials');
    this.running = true;
    this.attempt = 0;
    void this.connectAndRegister();
  }

  /** Skips the backoff wait (the browser came back online); a connected UA just re-registers. */
  retryNow(why: string): void {
    if (!this.running) return;
    this.logger.log('info', 'registering again at once', { why });
    if (this.cancelTimer) {
      this.cancelTimer();
      this.cancelTimer = undefined;
      void this.connectAndRegister();
    } else if (this.ua.isConnected()) void this.sendRegister();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    globalThis.removeEventListener?.('online', this.onlineListener);
    const registerer = this.registerer;
    this.registerer = undefined;
    if (registerer && registerer.state === RegistererState.Registered && this.ua.isConnected()) {
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        const cancel = this.clock.setTimeout(done, 2000);
        registerer.stateChange.addListener((s) => {
          if (s !== RegistererState.Registered) {
            cancel();
            done();
          }
        });
        registerer.unregister().catch(() => {
          cancel();
          done();
        });
      });
    }
    await registerer?.dispose().catch(() => {});
    this.set({ state: 'unregistered' });
  }

  private set(state: RegistrationState): void {
    if (JSON.stringify(state) === JSON.stringify(this.current)) return;
    this.current = state;
    this.report(state);
  }
}

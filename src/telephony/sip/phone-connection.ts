/**
 * The adapter's connection to the phone system: the sip.js UserAgent of one sign-in and what lives
 * and dies with it (the WebSocket keep-alive, the registration, the presence client). `start` makes
 * them together and `stop` takes them down together, so no part outlives the UserAgent it was made
 * for. The calls ride on it but are the adapter's: it hangs them up before it stops this.
 */
import { TransportState, UserAgent, type Invitation, type URI } from 'sip.js';
import { Transport as WebSocketTransport } from 'sip.js/lib/platform/web/index.js';
import { SwitchboardError } from '../../core/index.ts';
import type { Clock, ConnectorSettings, Logger, RegistrationState, SipCredentials } from '../../core/index.ts';
import { KeepAlive } from './keep-alive.ts';
import { warmUpSipParser } from './parser-warm-up.ts';
import { PresenceClient } from './presence-client.ts';
import { DEFAULT_REGISTRATION, RegistrationKeeper, useCredentials, type RegistrationOptions } from './registration.ts';
import type { EmitSipEvent } from './sip-events.ts';
import { createUserAgent } from './user-agent.ts';

/** After registering, the wait before the first ring's audio is prepared (off the sign-in path). */
const WARM_UP_DELAY_MS = 500;

/** What the connection to the phone system needs of the adapter. */
export interface PhoneConnectionContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: ConnectorSettings;
  readonly emit: EmitSipEvent;
  /** See SipTelephonyOptions.iceTransportPolicy. */
  readonly iceTransportPolicy: RTCIceTransportPolicy | undefined;
  /** See SipTelephonyOptions.registration. */
  readonly registration: Partial<RegistrationOptions> | undefined;
  /** The microphone stream new calls send. */
  microphone(): Promise<MediaStream>;
  onInvite(invitation: Invitation): void;
  targetUri(user: string): URI;
  /** The WebSocket dropped: calls still being set up cannot complete. */
  disconnected(): void;
  /** Registered, first or again (after a network change); `ua` is the UserAgent signed in now. */
  registered(ua: UserAgent | undefined): void;
  /** A while after registering: prepares the ringer's audio. */
  warmUp(): void;
}

export class PhoneConnection {
  private current: UserAgent | undefined;
  private parserWarmed = false; // parser-warm-up.ts, once per page
  private registration: RegistrationKeeper | undefined;
  private keepAlive: KeepAlive | undefined;
  private presenceClient: PresenceClient | undefined;
  private lastRegistration: RegistrationState = { state: 'unregistered' };

  constructor(private readonly ctx: PhoneConnectionContext) {}

  /** The UserAgent signed in; undefined when signed out. */
  get ua(): UserAgent | undefined {
    return this.current;
  }

  get presence(): PresenceClient | undefined {
    return this.presenceClient;
  }

  /** The registration state right now (the last `registration` event). */
  get registrationState(): RegistrationState {
    return this.lastRegistration;
  }

  /** Signs in as `credentials` and registers; the caller has stopped any earlier sign-in. */
  async start(credentials: SipCredentials): Promise<void> {
    const { clock, logger, settings } = this.ctx;
    const { domain, webSocketUrl } = settings.sip;
    if (!webSocketUrl) throw new SwitchboardError('SB10002');
    const uri = UserAgent.makeURI(`sip:${encodeURIComponent(credentials.username)}@${domain}`);
    if (!uri) throw new SwitchboardError('SB10001', `'${credentials.username}@${domain}' is not a valid SIP address.`);
    const ua = createUserAgent(uri, credentials, webSocketUrl, settings.sip, {
      logger,
      iceTransportPolicy: this.ctx.iceTransportPolicy,
      microphone: () => this.ctx.microphone(),
      onInvite: (invitation) => this.ctx.onInvite(invitation),
    });
    this.current = ua;
    const registrationOptions = { ...DEFAULT_REGISTRATION, ...this.ctx.registration };
    const keepAlive = new KeepAlive(clock, logger, { intervalSeconds: settings.sip.keepAliveSeconds, random: registrationOptions.random });
    this.keepAlive = keepAlive;
    ua.transport.stateChange.addListener((state) => {
      if (this.current !== ua) return;
      const ws = ua.transport instanceof WebSocketTransport ? ua.transport.ws : undefined;
      if (state === TransportState.Connected && ws) keepAlive.attach(ws);
      else keepAlive.detach();
      if (state === TransportState.Disconnected) this.ctx.disconnected();
    });
    this.presenceClient = new PresenceClient(
      ua,
      logger,
      clock,
      (user) => this.ctx.targetUri(user),
      () => uri,
      (ext, state) => this.ctx.emit('lineState', ext, state),
    );
    this.registration = new RegistrationKeeper(
      ua,
      clock,
      logger,
      registrationOptions,
      (state) => {
        this.lastRegistration = state;
        this.ctx.emit('registration', state);
        if (state.state === 'registered') {
          this.ctx.registered(this.current);
          // The ringer's AudioContext costs tens of milliseconds to create: made while the agent
          // waits, not when the first call rings (after the first REGISTER's work is done).
          clock.setTimeout(() => {
            this.ctx.warmUp();
            // Once per page: a re-registration (after a network change) finds the parser warm.
            if (this.current === ua && !this.parserWarmed) {
              this.parserWarmed = true;
              warmUpSipParser(ua);
            }
          }, WARM_UP_DELAY_MS);
        }
      },
      (code, reason) => new SwitchboardError(code, reason),
    );
    await this.registration.start();
  }

  /** Answers later challenges with `credentials`: same user, no new sign-in (see useCredentials). */
  updateCredentials(credentials: SipCredentials): void {
    const ua = this.current;
    if (!ua || !this.registration) throw new SwitchboardError('SB40001', 'Not registered with the phone system: sign in first.');
    if (ua.configuration.uri.user !== credentials.username) {
      throw new SwitchboardError('SB40001', `Registered as ${ua.configuration.uri.user ?? '?'}, not ${credentials.username}: a new address is a new sign-in.`);
    }
    useCredentials(ua, credentials);
    this.registration.credentialsRenewed();
  }

  /** Unsubscribes, unregisters and stops the UserAgent; the calls are the adapter's to end first. */
  async stop(): Promise<void> {
    const ua = this.current;
    if (!ua) return;
    await this.presenceClient?.dispose();
    await this.registration?.stop();
    this.keepAlive?.detach();
    this.keepAlive = undefined;
    this.current = undefined;
    this.presenceClient = undefined;
    this.registration = undefined;
    await ua.stop().catch((e) => this.ctx.logger.log('warn', 'UserAgent.stop failed', { error: String(e) }));
  }
}

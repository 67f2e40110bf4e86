/**
 * The fake phone system's registrar: extensions and their passwords, short-lived credentials,
 * REGISTER and its refreshes, and which agent is registered at each extension.
 */
import { SwitchboardError } from '../../core/index.ts';
import type { ErrorCode, SipCredentials } from '../../core/index.ts';
import type { FakeTelephony } from './fake-telephony.ts';

export interface FakeUser {
  readonly password: string;
  readonly displayName?: string;
}

/** One answer to a digest challenge, as the registrar saw it. */
export interface FakeAuthAttempt {
  readonly extension: string;
  readonly digestUsername: string;
  readonly at: number;
  /** Undefined when accepted; else why not. */
  readonly refused?: string;
}

export interface FakeRegistrarOptions {
  readonly now: () => number;
  /** Registration lifetime reported in `expiresAt`. */
  readonly registrationSeconds: number;
  /** See FakePhoneSystemOptions.ephemeralPassword. */
  readonly ephemeralPassword: ((digestUsername: string) => string) | undefined;
  /** Whether the phone system is reachable: a registration fails while it is not. */
  readonly isConnected: () => boolean;
  /** Who is registered changed: busy lamps must be recomputed. */
  readonly linesChanged: () => void;
}

interface PendingRegistration {
  readonly telephony: FakeTelephony;
  readonly credentials: SipCredentials;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class FakeRegistrar {
  private readonly users = new Map<string, FakeUser>();
  /** Registered agents by extension. */
  private readonly registeredAt = new Map<string, FakeTelephony>();
  /** The credentials each registered agent answers challenges with (renewed by updateCredentials). */
  private readonly credentialsOf = new Map<FakeTelephony, SipCredentials>();
  private pendingRegistrations: PendingRegistration[] = [];
  private paused = false;
  /** Every answer to a challenge (REGISTER and refreshes), oldest first. */
  readonly authAttempts: FakeAuthAttempt[] = [];

  constructor(private readonly options: FakeRegistrarOptions) {}

  /** Registered agents by extension. */
  get registered(): ReadonlyMap<string, FakeTelephony> {
    return this.registeredAt;
  }

  addUser(extension: string, user: FakeUser): void {
    this.users.set(extension, user);
  }

  user(extension: string): FakeUser | undefined {
    return this.users.get(extension);
  }

  /** When a registration made now expires. */
  expiresAt(): number {
    return this.options.now() + this.options.registrationSeconds * 1000;
  }

  /** Registrations wait (stay `connecting`) until `release()`. */
  pause(): void {
    this.paused = true;
  }

  release(): void {
    this.paused = false;
    const pending = this.pendingRegistrations;
    this.pendingRegistrations = [];
    for (const p of pending) this.completeRegistration(p);
  }

  /**
   * Every registered agent refreshes its registration now (what REGISTER refreshes do on a timer),
   * answering the challenge with the credentials it holds at this moment. One whose credentials no
   * longer pass (an expired short-lived credential) goes `failed` (SB20001); its calls go on.
   */
  refreshAll(): void {
    for (const [ext, agent] of this.registeredAt) {
      const credentials = this.credentialsOf.get(agent);
      const refused = credentials ? this.authenticate(credentials) : 'no credentials';
      if (refused) agent.setRegistration({ state: 'failed', code: 'SB20001', reason: `re-REGISTER of ${ext}: ${refused}` });
      else agent.setRegistration({ state: 'registered', expiresAt: this.expiresAt() });
    }
  }

  async register(telephony: FakeTelephony, credentials: SipCredentials): Promise<void> {
    telephony.setRegistration({ state: 'connecting' });
    return new Promise<void>((resolve, reject) => {
      const pending = { telephony, credentials, resolve, reject };
      if (this.paused) this.pendingRegistrations.push(pending);
      else this.completeRegistration(pending);
    });
  }

  /** Renewed credentials for the next challenge; a failed registration is tried again with them. */
  async updateCredentials(telephony: FakeTelephony, credentials: SipCredentials): Promise<void> {
    const ext = telephony.extension;
    if (ext === undefined || !this.credentialsOf.has(telephony)) throw new SwitchboardError('SB40001', 'Not registered: sign in first.');
    if (credentials.username !== ext)
      throw new SwitchboardError('SB40001', `Registered as ${ext}, not ${credentials.username}: a new address is a new sign-in.`);
    this.credentialsOf.set(telephony, credentials);
    if (telephony.registration.state === 'failed') {
      await new Promise<void>((resolve, reject) => this.completeRegistration({ telephony, credentials, resolve, reject }));
    }
  }

  async unregister(telephony: FakeTelephony): Promise<void> {
    this.credentialsOf.delete(telephony);
    const ext = telephony.extension;
    if (ext !== undefined && this.registeredAt.get(ext) === telephony) this.registeredAt.delete(ext);
    telephony.setRegistration({ state: 'unregistered' });
    this.options.linesChanged();
  }

  private completeRegistration({ telephony, credentials, resolve, reject }: PendingRegistration): void {
    const fail = (code: ErrorCode, reason: string) => {
      telephony.setRegistration({ state: 'failed', code, reason });
      reject(new SwitchboardError(code, reason));
    };
    if (!this.options.isConnected()) return fail('SB20002', 'The fake phone system is unreachable.');
    const refused = this.authenticate(credentials);
    if (refused) return fail('SB20001', `403 Forbidden (${refused})`);
    this.credentialsOf.set(telephony, credentials);
    const previous = this.registeredAt.get(credentials.username);
    if (previous && previous !== telephony) previous.setRegistration({ state: 'unregistered' });
    this.registeredAt.set(credentials.username, telephony);
    telephony.setRegistration({ state: 'registered', expiresAt: this.expiresAt() });
    this.options.linesChanged();
    resolve();
  }

  /** Checks an answer to a challenge as a registrar would; returns why it is refused, if it is. */
  private authenticate(credentials: SipCredentials): string | undefined {
    const digestUsername = credentials.authorizationUsername ?? credentials.username;
    const refused = this.check(credentials, digestUsername);
    this.authAttempts.push({ extension: credentials.username, digestUsername, at: this.options.now(), ...(refused ? { refused } : {}) });
    return refused;
  }

  private check(credentials: SipCredentials, digestUsername: string): string | undefined {
    const ephemeral = /^(\d+):(.+)$/.exec(digestUsername);
    const ephemeralPassword = this.options.ephemeralPassword;
    if (ephemeral && ephemeralPassword) {
      if (ephemeral[2] !== credentials.username) return `credential of ${ephemeral[2]} used for ${credentials.username}`;
      if (Number(ephemeral[1]) * 1000 <= this.options.now()) return 'credential expired';
      return ephemeralPassword(digestUsername) === credentials.password ? undefined : 'wrong credential';
    }
    const user = this.users.get(digestUsername);
    if (!user || digestUsername !== credentials.username || user.password !== credentials.password) return 'wrong extension or password';
    return undefined;
  }
}

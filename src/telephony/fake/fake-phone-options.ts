/** What a test gives the fake phone system: its set-up, and a caller it places to an agent. */
import type { AttachedData } from '../../core/index.ts';
import type { FarEndBehaviour } from './far-end.ts';
import type { FakeUser } from './fake-registrar.ts';

export interface FakePhoneSystemOptions {
  /** Extensions and their passwords: `{ '1001': 'secret' }` or `{ '1001': { password, displayName } }`. */
  readonly users?: Readonly<Record<string, string | FakeUser>>;
  readonly domain?: string;
  /** Wall clock for registration expiry and reconnect times (a FakeClock's `now` in tests). */
  readonly now?: () => number;
  /** How callees behave unless `setFarEnd` says otherwise for their number. Default `answer`. */
  readonly defaultFarEnd?: FarEndBehaviour;
  /** Registration lifetime reported in `expiresAt`. */
  readonly registrationSeconds?: number;
  /**
   * Accepts short-lived credentials (Kamailio auth_ephemeral: digest user name `<expiry>:<extension>`)
   * for any extension: this computes the password a digest user name must come with (the HMAC of
   * it with the shared secret). Injected because the fake cannot reach a crypto library.
   */
  readonly ephemeralPassword?: (digestUsername: string) => string;
}

export interface CallAgentOptions {
  /** The caller's number. */
  readonly from: string;
  readonly displayName?: string;
  readonly e164?: string;
  readonly attachedData?: AttachedData;
  /** True when the caller is another extension of this phone system. */
  readonly internal?: boolean;
  /** The agent's extension; may be omitted when exactly one agent is registered. */
  readonly to?: string;
  /** The number that was dialled (a DID, a queue). */
  readonly dialed?: string;
}

/**
 * Public types of the embedded SIP-over-WebSocket server: options, events, statistics, handle.
 */
import type { Clock, EventSource, Logger } from '../../core/index.ts';
import type { CallQueueOptions, QueueEvent, QueueStrategy } from './call-queue.ts';
import type { DialogState } from './dialog-tracker.ts';
import type { PidfSummary } from './presence-store.ts';
import type { EventPackage } from './subscriptions.ts';
import type { SipUser } from './users.ts';
import type { VoiceBridgeSettings, VoiceCallEvent } from './voice-calls.ts';

export interface SipServerOptions {
  /** Interface to bind (default `127.0.0.1`; a development server, not for untrusted networks). */
  readonly host?: string;
  /**
   * Serve secure WebSocket (wss, RFC 7118 over TLS) with this PEM key and certificate chain. A page
   * served over https (every Salesforce page) may open ws:// only to loopback. This is a
   * development server: do not expose it to untrusted networks (use Kamailio for that).
   */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** TCP port; 0 (the default) picks a free one, see `SipServer.port`. */
  readonly port?: number;
  /** The SIP domain and digest realm: users are `sip:<username>@<domain>` (default `localhost`). */
  readonly domain?: string;
  /** Other host names that mean "this server" in a Request-URI (the bind host and `localhost` always do). */
  readonly aliases?: readonly string[];
  /** Who may register and with what password (default none; see `guests`). */
  readonly users?: readonly SipUser[];
  /** Usernames that may register and call WITHOUT a password (e.g. a customer's test phone). */
  readonly guests?: readonly string[];
  /**
   * The echo test extension (echo-extension.ts), a guest whoever registers it; default
   * ECHO_EXTENSION, `false` for none.
   */
  readonly echoExtension?: string | false;
  /** Ring groups: group user part (e.g. `support` or `5000`) -> member usernames or `sip:` AORs. */
  readonly ringGroups?: Readonly<Record<string, readonly string[]>>;
  /**
   * Ring groups whose calls QUEUE when no member is free (group name -> options): the INVITE gets
   * 182 Queued and waits, first in first out, for the next member who becomes free; after
   * `maxWaitMs` it gets 480, beyond `maxLength` waiting calls the next gets 486 (see call-queue.ts).
   * A group without a queue answers 486/480 at once when nobody can be rung.
   */
  readonly queues?: Readonly<Record<string, CallQueueOptions>>;
  /** When true, a ring-group member who never published presence is not offered calls (default false). */
  readonly requirePublishedPresence?: boolean;
  /** Decides from a member's published PIDF whether to offer calls (default: basic open, no away/busy activity). */
  readonly isAvailable?: (presence: PidfSummary) => boolean;
  /** Messages longer than this (bytes) are refused with 513 or dropped (default 65536). */
  readonly maxMessageBytes?: number;
  /** Shortest accepted REGISTER expiry in seconds; shorter gets 423 (default 1). */
  readonly minExpires?: number;
  /** Longest REGISTER / PUBLISH / SUBSCRIBE expiry granted, seconds (default 3600). */
  readonly maxExpires?: number;
  /** How long a digest nonce stays fresh (default 300000 ms). */
  readonly nonceTtlMs?: number;
  /**
   * How many used digest nonces are remembered to refuse replayed answers (default 4096). Past
   * that the oldest are forgotten and answered `stale=true`, so a UA simply authenticates again.
   */
  readonly maxTrackedNonces?: number;
  /**
   * Accept short-lived credentials signed with this secret (at least 16 characters), as Kamailio's
   * `auth_ephemeral` does and Salesforce's `SwitchboardCredentials.mint` issues them: digest
   * username `"<expiry Unix seconds>:<extension>"`, password base64(HMAC-SHA1(secret, username)).
   * A credential is good until its expiry (by `clock`) and only for its own extension; an expired
   * one gets `403 Credential expired`, one for another extension `403 Credential is for another
   * extension`. `users` and `guests` keep working alongside.
   */
  readonly ephemeralSecret?: string;
  /** How long an INVITE branch may ring before it is cancelled with 408 (default 180000 ms). */
  readonly inviteTimeoutMs?: number;
  /**
   * How long an established call outlives the socket of one of its parties (default 30000 ms): a
   * softphone page that reloads mid-call comes back on a new socket and takes the call back with
   * an INVITE carrying Replaces, which only that party may send. 0 ends its dialogs with the socket.
   */
  readonly dialogGraceMs?: number;
  /**
   * How long a call ringing a softphone whose socket closed waits for it to register again, to ring
   * it there (a page reloaded while the call rang; default 15000 ms). 0: the branch fails at once (480).
   */
  readonly offerGraceMs?: number;
  /** How long a non-INVITE branch may stay unanswered (default 32000 ms). */
  readonly nonInviteTimeoutMs?: number;
  /**
   * Salesforce Voice (voice-calls.ts): before a new inbound call (by default: from a guest) rings
   * a user or ring group, ask this voice bridge for its VoiceCall and add the id to each forked
   * INVITE as `X-Salesforce-VoiceCall-Id` (a caller's own such header is dropped); tell the
   * bridge when the call ends. A bridge that fails or takes longer than `waitMs` (default 2 s)
   * does not stop the call: it rings without the header and the failure is logged.
   */
  readonly voiceBridge?: VoiceBridgeSettings;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface RegistrationInfo {
  readonly aor: string;
  readonly contact: string;
  readonly connectionId: number;
  readonly expires: number;
}

export interface DialogInfo {
  readonly id: string;
  readonly callId: string;
  readonly entity: string;
  readonly direction: 'initiator' | 'recipient';
  readonly remote: string;
  readonly state: DialogState;
}

/** Observation events (typed). Listeners that throw are logged and never break the server. */
export type SipServerEvents = {
  connected: [{ readonly connectionId: number; readonly remoteAddress: string }];
  disconnected: [{ readonly connectionId: number }];
  registered: [RegistrationInfo & { readonly refreshed: boolean }];
  unregistered: [RegistrationInfo & { readonly reason: 'unregistered' | 'expired' | 'connection-closed' | 'replaced' }];
  'auth-failed': [{ readonly method: string; readonly username: string | undefined; readonly reason: string }];
  'invite-forwarded': [
    { readonly callId: string; readonly from: string; readonly to: string; readonly targets: readonly string[]; readonly ringGroup: string | undefined },
  ];
  /** A request the server answered itself with an error (404, 480, 486, 483, 400, 405, ...). */
  rejected: [{ readonly method: string; readonly callId: string | undefined; readonly status: number; readonly reason: string }];
  /** A queued ring group's call was queued, offered, requeued, answered, abandoned, timed out or refused (queue full). */
  queue: [QueueEvent & { readonly group: string }];
  /** A branch answered 2xx to an initial INVITE. */
  answered: [{ readonly callId: string; readonly by: string | undefined }];
  dialog: [DialogInfo];
  published: [{ readonly aor: string; readonly presence: PidfSummary | undefined }];
  subscription: [{ readonly event: EventPackage; readonly target: string; readonly watcher: string; readonly state: 'active' | 'terminated' }];
  /** A frame that was not a usable SIP message (too large, unparseable, missing headers). */
  malformed: [{ readonly connectionId: number; readonly reason: string; readonly bytes: number; readonly answered: number | undefined }];
  /** Every SIP message in or out (emitted only while someone listens): a SIP trace. */
  message: [{ readonly direction: 'in' | 'out'; readonly connectionId: number; readonly text: string }];
  /** The voice bridge made (or failed to make) a call's VoiceCall, or closed it. */
  'voice-call': [VoiceCallEvent];
  /** A bug caught in a handler; the server goes on. */
  error: [{ readonly where: string; readonly error: unknown }];
};

export interface QueueInfo {
  readonly group: string;
  /** Calls waiting now. */
  readonly depth: number;
  /** The most calls that waited at once since the server started. */
  readonly maxDepth: number;
  readonly strategy: QueueStrategy;
  readonly maxWaitMs: number;
  readonly maxLength: number;
}

export interface SipServerStats {
  readonly connections: number;
  /** Bindings (contacts) currently registered. */
  readonly registrations: number;
  /** Distinct registered addresses of record. */
  readonly registeredAors: number;
  /** Dialog records not yet terminated (one per party per leg). */
  readonly dialogs: number;
  readonly subscriptions: number;
  readonly publications: number;
  /** Proxy transactions in progress (server side). */
  readonly transactions: number;
  /** Calls waiting in ring-group queues (not counting those being offered). */
  readonly queued: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** Malformed/oversized frames plus internal errors. */
  readonly errors: number;
}

export interface SipServer extends EventSource<SipServerEvents> {
  /** `ws://<host>:<port>` (the address sip.js's `transportOptions.server` takes). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  stats(): SipServerStats;
  registrations(aor?: string): RegistrationInfo[];
  dialogs(): DialogInfo[];
  /** A queued ring group's state, or undefined when the group has no queue. */
  queueInfo(group: string): QueueInfo | undefined;
  /** The newest published presence of a user (`1001` or `sip:1001@domain`), summarised. */
  presenceOf(user: string): PidfSummary | undefined;
  /** Replaces the users (and passwords) accepted from now on; existing registrations stay. */
  setUsers(users: readonly SipUser[]): void;
  /** Fault injection: sends `text` verbatim to every connection registered for `user`; returns how many. */
  injectRaw(user: string, text: string): number;
  /** Closes every connection and the listening socket. Idempotent. */
  close(): Promise<void>;
}

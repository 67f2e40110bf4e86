/**
 * The secret in the tabs' channel name. The softphone's tabs talk on
 * `switchboard-softphone.<secret>`, where the secret is 128 random bits kept in storage every tab
 * of this softphone shares (IndexedDB), so a same-origin page that does not read it cannot even
 * receive our messages, let alone post commands the leader would carry out.
 *
 * Rotation: a new secret for every session of the softphone in this browser. A session starts
 * when a softphone tab opens while no other is open; every tab holds the shared Web Lock
 * SESSION_LOCK for its whole life, so "no other is open" is "that lock is free". Joining runs
 * under the exclusive lock SESSION_JOIN, so two tabs opening together cannot both rotate (the
 * second would find the first's shared hold and read its secret, never an older one).
 *
 * Degraded cases, said in the log: without Web Locks the secret is made once and kept (no
 * rotation); without shared storage (a cross-site frame with third-party storage blocked, where
 * the tabs still reach each other over BroadcastChannel) there is nowhere to share a secret, so the
 * channel has its bare name. Nothing secret crosses the channel either way (see tab-relay.ts).
 */
import type { JsonValue, Logger, StoragePort } from '../../core/index.ts';
import type { LockManagerLike } from './leadership.ts';

export const TAB_SECRET_KEY = 'tabs/channel-secret';
/** Held in shared mode by every softphone tab while it is open. */
export const SESSION_LOCK = 'switchboard-softphone-session';
/** Serialises joining (and so rotation) of the session. */
export const SESSION_JOIN = 'switchboard-softphone-session-join';

const SECRET_PATTERN = /^[0-9a-f]{32}$/;

export interface TabSessionOptions {
  /** Storage every tab of this softphone shares; undefined where there is none. */
  readonly storage: StoragePort | undefined;
  readonly locks: LockManagerLike | undefined;
  readonly logger: Logger;
  /** 16 random bytes; crypto.getRandomValues by default. */
  readonly randomBytes?: () => Uint8Array;
}

export interface TabSession {
  /** undefined when there is no shared storage to keep one in. */
  readonly secret: string | undefined;
  /** Leaves the session (the browser also does when the tab closes). */
  leave(): void;
}

/** The channel name for a session: the base name, plus the secret when there is one. */
export function relayChannelName(base: string, secret: string | undefined): string {
  return secret === undefined ? base : `${base}.${secret}`;
}

function newSecret(randomBytes: () => Uint8Array): string {
  const bytes = randomBytes();
  if (bytes.length < 16) throw new Error(`The channel secret needs 16 random bytes; got ${bytes.length}.`);
  return [...bytes.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function isSecret(value: JsonValue | undefined): value is string {
  return typeof value === 'string' && SECRET_PATTERN.test(value);
}

/** The stored secret, or a new one stored atomically if there is none (or it is malformed). */
async function getOrCreate(storage: StoragePort, randomBytes: () => Uint8Array, rotate: boolean): Promise<string> {
  const stored = await storage.update(TAB_SECRET_KEY, (current) => (!rotate && isSecret(current) ? current : newSecret(randomBytes)));
  if (!isSecret(stored)) throw new Error(`Storage key '${TAB_SECRET_KEY}' does not hold a channel secret after writing one.`);
  return stored;
}

/** Joins (or starts) this browser's softphone session and returns its channel secret. */
export async function joinTabSession(options: TabSessionOptions): Promise<TabSession> {
  const { storage, locks, logger } = options;
  const randomBytes = options.randomBytes ?? (() => crypto.getRandomValues(new Uint8Array(16)));
  if (!storage) {
    logger.log('warn', 'no storage shared by the tabs: their channel has no secret, so any page of this origin can listen to the phone state');
    return { secret: undefined, leave: () => {} };
  }
  if (!locks) {
    logger.log('warn', "Web Locks unavailable: the tabs' channel secret is not rotated per session");
    return { secret: await getOrCreate(storage, randomBytes, false), leave: () => {} };
  }
  let leave = (): void => {};
  const secret = await locks.request(SESSION_JOIN, { mode: 'exclusive' }, async () => {
    const alone = await locks.request(SESSION_LOCK, { mode: 'exclusive', ifAvailable: true }, (lock) => lock !== null);
    const value = await getOrCreate(storage, randomBytes, alone);
    if (alone) logger.log('info', 'a new softphone session: new channel secret');
    // Held (shared) until the tab leaves; the join lock is kept until it is granted, so the next
    // tab to join sees this one.
    await new Promise<void>((granted) => {
      locks
        .request(SESSION_LOCK, { mode: 'shared' }, () => {
          granted();
          return new Promise<void>((release) => {
            leave = release;
          });
        })
        .catch((e: unknown) => {
          logger.log('warn', 'holding the softphone session lock failed', { error: String(e) });
          granted();
        });
    });
    return value;
  });
  return { secret, leave: () => leave() };
}

/**
 * The SIP dialogs of established calls, kept where the next page to hold the phone finds them
 * (localStorage of the softphone's origin: this tab reloaded, or another console tab of the agent
 * taking the phone over when this one closes), so it can take the calls back with an INVITE
 * carrying Replaces (RFC 3891) instead of losing them. A page unload tears down the
 * WebSocket and the RTCPeerConnection, so only what is needed to name the old dialog to the far
 * end and to show the call again is kept: never media state, never credentials.
 *
 * Writes are synchronous (Web Storage) because `pagehide` allows nothing else.
 */
import type { Party } from '../../core/index.ts';

/** The storage the dialogs live in: the Web Storage API's subset (localStorage). */
export interface DialogStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface PersistedDialog {
  /** The call's id (its first dialog's Call-ID): the Task's CallObject, kept across replacements. */
  readonly callId: string;
  /** The dialog being replaced: it may differ from `callId` after a transfer or an earlier reattach. */
  readonly sipCallId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** The far end's Contact: the Request-URI of the INVITE that replaces the dialog. */
  readonly remoteTarget: string;
  /** The far end's address (To of the replacing INVITE). */
  readonly remoteUri: string;
  readonly routeSet: readonly string[];
  readonly localSeqnum: number;
  readonly direction: 'inbound' | 'outbound';
  readonly internal: boolean;
  readonly remote: Party;
  readonly held: boolean;
  readonly muted: boolean;
  /** When the call was established (epoch ms). */
  readonly establishedAt: number;
  /** The last time this page vouched for the call (a state change, a heartbeat, `pagehide`). */
  readonly savedAt: number;
}

export const DIALOG_STORAGE_KEY = 'switchboard/sip/dialogs';

/**
 * Past this age a kept dialog is not tried again: the phone system gave up on the leg long ago,
 * and an INVITE with Replaces would only be refused.
 */
export const MAX_DIALOG_AGE_MS = 10 * 60_000;

export class DialogStore {
  constructor(
    private readonly storage: DialogStorage,
    private readonly key = DIALOG_STORAGE_KEY,
  ) {}

  /** Replaces what is kept with `dialogs` (none: the key is removed). Never throws: storage may be full or denied. */
  save(dialogs: readonly PersistedDialog[]): boolean {
    try {
      if (dialogs.length === 0) this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, JSON.stringify(dialogs));
      return true;
    } catch {
      return false;
    }
  }

  /** The dialogs a previous page of this tab left, readable and not older than `maxAgeMs`. */
  load(now: number, maxAgeMs = MAX_DIALOG_AGE_MS): PersistedDialog[] {
    let text: string | null;
    try {
      text = this.storage.getItem(this.key);
    } catch {
      return [];
    }
    if (!text) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isPersistedDialog).filter((d) => now - d.savedAt <= maxAgeMs && d.savedAt <= now + 60_000);
  }
}

function isPersistedDialog(value: unknown): value is PersistedDialog {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  const text = (k: string): boolean => typeof d[k] === 'string' && d[k] !== '';
  const remote = d['remote'];
  return (
    text('callId') &&
    text('sipCallId') &&
    text('localTag') &&
    text('remoteTag') &&
    text('remoteTarget') &&
    text('remoteUri') &&
    Array.isArray(d['routeSet']) &&
    d['routeSet'].every((r) => typeof r === 'string') &&
    typeof d['localSeqnum'] === 'number' &&
    (d['direction'] === 'inbound' || d['direction'] === 'outbound') &&
    typeof d['internal'] === 'boolean' &&
    typeof d['held'] === 'boolean' &&
    typeof d['muted'] === 'boolean' &&
    typeof remote === 'object' &&
    remote !== null &&
    typeof (remote as Record<string, unknown>)['number'] === 'string' &&
    typeof d['establishedAt'] === 'number' &&
    typeof d['savedAt'] === 'number'
  );
}

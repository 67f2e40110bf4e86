/**
 * The dialogs this server proxies, per party, for the busy lamp (RFC 4235 dialog-info) and for
 * ring groups (a member in a call is not offered another one).
 *
 * One record per party per call leg: the caller's record (direction `initiator`) and one record per
 * forked branch toward a callee (`recipient`).
 *
 *   trying ──► early ──► confirmed ──► terminated
 *      │         │                        ▲
 *      └─────────┴────────────────────────┘
 */
import { escapeXml } from './presence-store.ts';

export type DialogState = 'trying' | 'early' | 'confirmed' | 'terminated';

const TRANSITIONS: Readonly<Record<DialogState, readonly DialogState[]>> = {
  trying: ['early', 'confirmed', 'terminated'],
  early: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

export interface TrackedDialog {
  readonly id: string;
  readonly callId: string;
  /** The party this record describes (`sip:1001@domain`). */
  readonly entity: string;
  readonly direction: 'initiator' | 'recipient';
  /** The other party (`sip:1002@domain`, or the ring group's address for a caller). */
  readonly remote: string;
  readonly localTag: string | undefined;
  remoteTag: string | undefined;
  /** The socket this party is on: when it closes, the party's dialogs end. */
  readonly connectionId: number;
  state: DialogState;
  readonly startedAt: number;
}

export interface DialogTrackerListener {
  changed(dialog: TrackedDialog): void;
}

export class DialogTracker {
  private readonly dialogs = new Map<string, TrackedDialog>();
  private next = 1;

  constructor(
    private readonly now: () => number,
    private readonly listener: DialogTrackerListener,
  ) {}

  start(fields: Omit<TrackedDialog, 'id' | 'state' | 'startedAt' | 'remoteTag'> & { remoteTag?: string }): TrackedDialog {
    const dialog: TrackedDialog = { ...fields, remoteTag: fields.remoteTag, id: `d${this.next++}`, state: 'trying', startedAt: this.now() };
    this.dialogs.set(dialog.id, dialog);
    this.listener.changed(dialog);
    return dialog;
  }

  /** Moves a dialog on; an illegal move (e.g. back from terminated) is ignored. */
  transition(id: string | undefined, to: DialogState, remoteTag?: string): void {
    if (id === undefined) return;
    const dialog = this.dialogs.get(id);
    if (!dialog || dialog.state === to || !TRANSITIONS[dialog.state].includes(to)) return;
    dialog.state = to;
    if (remoteTag) dialog.remoteTag = remoteTag;
    this.listener.changed(dialog);
    if (to === 'terminated') this.dialogs.delete(id);
  }

  /** Ends every dialog of a call (BYE). */
  terminateCall(callId: string): void {
    for (const d of [...this.dialogs.values()]) if (d.callId === callId) this.transition(d.id, 'terminated');
  }

  /**
   * Ends the dialogs of a party whose socket closed. With `keepConfirmed`, established dialogs stay
   * (the party may come back on a new socket and take its call back with Replaces) and are answered
   * for the caller to end later; dialogs still being set up end now either way.
   */
  terminateConnection(connectionId: number, options: { readonly keepConfirmed?: boolean } = {}): TrackedDialog[] {
    const kept: TrackedDialog[] = [];
    for (const d of [...this.dialogs.values()]) {
      if (d.connectionId !== connectionId) continue;
      if (options.keepConfirmed && d.state === 'confirmed') kept.push(d);
      else this.transition(d.id, 'terminated');
    }
    return kept;
  }

  /** The live dialogs of a call (every party's record). */
  forCall(callId: string): TrackedDialog[] {
    return [...this.dialogs.values()].filter((d) => d.callId === callId);
  }

  /** Active dialogs of an entity. */
  forEntity(entity: string): TrackedDialog[] {
    return [...this.dialogs.values()].filter((d) => d.entity === entity);
  }

  isBusy(entity: string): boolean {
    return this.forEntity(entity).length > 0;
  }

  all(): TrackedDialog[] {
    return [...this.dialogs.values()];
  }

  get size(): number {
    return this.dialogs.size;
  }
}

/**
 * An RFC 4235 dialog-info document (state="full"). `extra` lists dialogs that just ended, so the
 * watcher sees them terminate before they disappear.
 */
/** The tag a party put in the dialog: the INVITE's From tag for its sender, the answer's To tag for a callee. */
export function ownTag(dialog: TrackedDialog): string | undefined {
  return dialog.direction === 'initiator' ? dialog.localTag : dialog.remoteTag;
}

export interface ReplacesTarget {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
}

/** A Replaces header value (RFC 3891 §6.1): `call-id;to-tag=…;from-tag=…[;early-only]`. */
export function parseReplaces(value: string): ReplacesTarget | undefined {
  const [callId, ...params] = value
    .trim()
    .split(';')
    .map((p) => p.trim());
  if (!callId) return undefined;
  const param = (name: string): string | undefined => params.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1);
  const toTag = param('to-tag');
  const fromTag = param('from-tag');
  return toTag && fromTag ? { callId, toTag, fromTag } : undefined;
}

export function dialogInfoXml(entity: string, version: number, dialogs: readonly TrackedDialog[]): string {
  const items = dialogs
    .map((d) => {
      const tags = `${d.localTag ? ` local-tag="${escapeXml(d.localTag)}"` : ''}${d.remoteTag ? ` remote-tag="${escapeXml(d.remoteTag)}"` : ''}`;
      return (
        `  <dialog id="${escapeXml(d.id)}" call-id="${escapeXml(d.callId)}"${tags} direction="${d.direction}">\r\n` +
        `    <state>${d.state}</state>\r\n` +
        `    <local><identity>${escapeXml(d.entity)}</identity></local>\r\n` +
        `    <remote><identity>${escapeXml(d.remote)}</identity><target uri="${escapeXml(d.remote)}"/></remote>\r\n` +
        `  </dialog>\r\n`
      );
    })
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\r\n` +
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${escapeXml(entity)}">\r\n` +
    `${items}</dialog-info>\r\n`
  );
}

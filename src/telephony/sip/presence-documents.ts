/**
 * The two presence documents we speak: PIDF (RFC 3863) that we PUBLISH for the agent, and
 * dialog-info (RFC 4235) that colleagues' line state arrives in. Pure string work so it runs in
 * Node tests; dialog-info is read leniently (any namespace prefix, any attribute order).
 */
import type { LineState, PresenceStatus } from '../../core/index.ts';

/** PIDF for an agent status: basic open/closed plus a note with the status itself. */
export function pidfFor(entity: string, status: PresenceStatus, tupleId = 'switchboard'): string {
  const open = status === 'available' || status === 'on-call' || status === 'wrap-up';
  const note = { available: 'Available', away: 'Away', 'on-call': 'On the phone', 'wrap-up': 'Wrap-up', offline: 'Offline' }[status];
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${escapeXml(entity)}">\r\n` +
    `  <tuple id="${escapeXml(tupleId)}"><status><basic>${open ? 'open' : 'closed'}</basic></status></tuple>\r\n` +
    `  <note>${note}</note>\r\n` +
    '</presence>\r\n'
  );
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * Line state from a dialog-info body: any confirmed dialog → busy; else any early/proceeding/trying
 * dialog → ringing; else idle. An empty body is idle; undefined when the body is something else.
 */
export function lineStateFromDialogInfo(body: string): LineState | undefined {
  // An empty NOTIFY body (Kamailio, before any call was published): nothing is going on.
  if (body.trim() === '') return 'idle';
  if (!/<(?:\w+:)?dialog-info[\s>]/.test(body)) return undefined;
  const states = [...body.matchAll(/<(?:\w+:)?state(?:\s[^>]*)?>\s*([a-z]+)\s*<\/(?:\w+:)?state>/gi)].map((m) => m[1]!.toLowerCase());
  if (states.includes('confirmed')) return 'busy';
  if (states.some((s) => s === 'early' || s === 'proceeding' || s === 'trying')) return 'ringing';
  return 'idle';
}

/** What a colleague's presence document says: signed in and open, away, offline, or no document at all. */
export type PresenceReading = 'open' | 'away' | 'offline' | 'none';

/**
 * Reads a colleague's PIDF: any tuple `open` → open; otherwise closed, and away when a note says so
 * (ours says "Away"), else offline. An empty body (Kamailio when nothing is published) is `none`;
 * undefined when the body is something else.
 */
export function presenceFromPidf(body: string): PresenceReading | undefined {
  if (body.trim() === '') return 'none';
  if (!/<(?:\w+:)?presence[\s>]/.test(body)) return undefined;
  const basics = [...body.matchAll(/<(?:\w+:)?basic\s*>\s*([a-z]+)\s*<\/(?:\w+:)?basic>/gi)].map((m) => m[1]!.toLowerCase());
  if (basics.includes('open')) return 'open';
  if (basics.length === 0) return 'none';
  return /<(?:\w+:)?note(?:\s[^>]*)?>\s*away\b/i.test(body) ? 'away' : 'offline';
}

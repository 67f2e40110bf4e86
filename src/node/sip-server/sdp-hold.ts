/**
 * Whether an SDP puts its audio on hold, the way phones signal it (RFC 3264 §8.4, and the older
 * RFC 2543 habit of a 0.0.0.0 connection address): the audio stream's direction is `sendonly` or
 * `inactive`, or its connection address is 0.0.0.0. A media-level attribute overrides the
 * session-level one (RFC 4566 §6); a stream without one is sendrecv.
 */

const HOLDING = new Set(['sendonly', 'inactive']);
const DIRECTIONS = new Set(['sendonly', 'inactive', 'recvonly', 'sendrecv']);

/** True when `sdp` holds its audio, false when it does not, undefined when there is no SDP to read. */
export function sdpHolds(sdp: string | undefined): boolean | undefined {
  if (sdp === undefined || !/^v=0\s*$/m.test(sdp)) return undefined;
  const lines = sdp.split(/\r?\n/).map((l) => l.trim());
  let sessionDirection: string | undefined;
  let sessionHost: string | undefined;
  interface Stream {
    media: string;
    port: number;
    direction?: string;
    host?: string;
  }
  const streams: Stream[] = [];
  for (const line of lines) {
    const m = /^m=(\w+) (\d+)/.exec(line);
    if (m) {
      streams.push({ media: m[1].toLowerCase(), port: Number(m[2]) });
      continue;
    }
    const current = streams.at(-1);
    const attribute = /^a=([a-z]+)$/.exec(line)?.[1];
    if (attribute !== undefined && DIRECTIONS.has(attribute)) {
      if (current) current.direction = attribute;
      else sessionDirection = attribute;
      continue;
    }
    const host = /^c=IN IP[46] ([^\s/]+)/.exec(line)?.[1];
    if (host !== undefined) {
      if (current) current.host = host;
      else sessionHost = host;
    }
  }
  // A port of 0 is a stream taken away, not one on hold.
  const live = streams.filter((s) => s.port !== 0);
  const audio = live.filter((s) => s.media === 'audio');
  const judged = audio.length > 0 ? audio : live;
  if (judged.length === 0) return false;
  return judged.every((s) => {
    const direction = s.direction ?? sessionDirection ?? 'sendrecv';
    const host = s.host ?? sessionHost;
    return HOLDING.has(direction) || host === '0.0.0.0';
  });
}

/** The SDP a SIP message carries, if its body is one. */
export function sdpOf(message: { get(name: string): string | undefined; readonly body: string }): string | undefined {
  const type = message.get('content-type');
  return type !== undefined && /^\s*application\/sdp\b/i.test(type) && message.body.trim() !== '' ? message.body : undefined;
}

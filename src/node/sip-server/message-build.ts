/**
 * Messages the server writes itself: responses to requests it answers, and the requests a proxy
 * must originate (CANCEL toward pending branches, ACK for a branch's non-2xx final response).
 */
import { RawMessage, randomHex } from './message-edit.ts';

export const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  407: 'Proxy Authentication Required',
  415: 'Unsupported Media Type',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  412: 'Conditional Request Failed',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  489: 'Bad Event',
  500: 'Server Internal Error',
  513: 'Message Too Large',
};

export interface ResponseOptions {
  readonly reason?: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: string;
  readonly contentType?: string;
  /** To-tag to add when the request's To has none (a new random one by default, none for 100). */
  readonly toTag?: string;
}

/** A response to `request` (a split request): copies Via, From, To, Call-ID and CSeq. */
export function buildResponse(request: RawMessage, status: number, options: ResponseOptions = {}): string {
  const reason = options.reason ?? REASONS[status] ?? 'Unknown';
  const lines: Array<[string, string]> = [];
  for (const h of request.headers) {
    const name = h.name.toLowerCase();
    if (name === 'via' || name === 'v') lines.push(['Via', h.value]);
  }
  lines.push(['From', request.get('from') ?? '']);
  let to = request.get('to') ?? '';
  if (status > 100 && !/;\s*tag=/i.test(to.replace(/<[^>]*>/g, ''))) to = `${to};tag=${options.toTag ?? randomHex(6)}`;
  lines.push(['To', to]);
  lines.push(['Call-ID', request.get('call-id') ?? '']);
  lines.push(['CSeq', request.get('cseq') ?? '']);
  for (const [name, value] of options.headers ?? []) lines.push([name, value]);
  if (options.body !== undefined && options.contentType) lines.push(['Content-Type', options.contentType]);
  const body = options.body ?? '';
  lines.push(['Content-Length', String(Buffer.byteLength(body, 'utf8'))]);
  return `SIP/2.0 ${status} ${reason}\r\n${lines.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}

/**
 * CANCEL for a forwarded INVITE (RFC 3261 9.1): same Request-URI, Call-ID, From, To, CSeq number
 * and Route set, and only the proxy's own Via with the branch of that INVITE.
 */
export function buildCancel(forwarded: RawMessage, ourVia: string, reason?: string): string {
  const ruri = forwarded.startLine.split(' ')[1];
  const out = RawMessage.parse(`CANCEL ${ruri} SIP/2.0\r\n\r\n`) as RawMessage;
  out.append('Via', ourVia);
  for (const route of forwarded.getAll('route')) out.append('Route', route);
  out.append('Max-Forwards', '70');
  out.append('From', forwarded.get('from') ?? '');
  out.append('To', forwarded.get('to') ?? '');
  out.append('Call-ID', forwarded.get('call-id') ?? '');
  out.append('CSeq', `${cseqNumber(forwarded)} CANCEL`);
  if (reason) out.append('Reason', reason);
  return out.toString();
}

/** ACK for a non-2xx final response to a forwarded INVITE (RFC 3261 17.1.1.3): hop by hop. */
export function buildAckForFailure(forwarded: RawMessage, ourVia: string, responseTo: string): string {
  const ruri = forwarded.startLine.split(' ')[1];
  const out = RawMessage.parse(`ACK ${ruri} SIP/2.0\r\n\r\n`) as RawMessage;
  out.append('Via', ourVia);
  for (const route of forwarded.getAll('route')) out.append('Route', route);
  out.append('Max-Forwards', '70');
  out.append('From', forwarded.get('from') ?? '');
  out.append('To', responseTo);
  out.append('Call-ID', forwarded.get('call-id') ?? '');
  out.append('CSeq', `${cseqNumber(forwarded)} ACK`);
  return out.toString();
}

function cseqNumber(message: RawMessage): string {
  return (message.get('cseq') ?? '1').trim().split(/\s+/)[0];
}

/**
 * Hand-written SIP text for tests that play a SIP peer themselves (scripted peers, fake servers):
 * header lookup, a response built from its request, and an SDP offer Chromium accepts.
 */

/** Every header line named `name` (case-insensitive), whole: `Via: SIP/2.0/WS …`. */
export function sipHeaders(message: string, name: string): string[] {
  const prefix = `${name.toLowerCase()}:`;
  return message.split('\r\n').filter((l) => l.toLowerCase().startsWith(prefix));
}

export interface SipResponseOptions {
  /** Contact header value for a non-REGISTER response (none by default); a REGISTER's own Contacts are echoed. */
  readonly contact?: string;
  /** The tag added to an untagged To (default `peer1`). */
  readonly toTag?: string;
  readonly extraHeaders?: readonly string[];
  /** A body (SDP) with its Content-Type. */
  readonly sdp?: string;
}

/** A response to `request`: Via, From, To (tagged), Call-ID and CSeq copied; REGISTER's Contacts echoed with expires. */
export function sipResponse(request: string, status: string, options: SipResponseOptions = {}): string {
  const to = sipHeaders(request, 'To')[0] ?? 'To: <sip:unknown@invalid>';
  const sdp = options.sdp ?? '';
  const contact = /^REGISTER /.test(request)
    ? sipHeaders(request, 'Contact').map((c) => `${c};expires=300`)
    : options.contact
      ? [`Contact: ${options.contact}`]
      : [];
  const lines = [
    `SIP/2.0 ${status}`,
    ...sipHeaders(request, 'Via'),
    ...sipHeaders(request, 'From'),
    /;tag=/.test(to) ? to : `${to};tag=${options.toTag ?? 'peer1'}`,
    ...sipHeaders(request, 'Call-ID'),
    ...sipHeaders(request, 'CSeq'),
    ...contact,
    ...(options.extraHeaders ?? []),
    ...(sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(sdp)}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${sdp}`;
}

/** An SDP offer Chromium accepts; its media never connects (for signalling tests). */
export const SIGNALLING_ONLY_OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 127.0.0.1',
  'a=mid:0',
  'a=ice-ufrag:peer',
  'a=ice-pwd:peerpeerpeerpeerpeerpeer',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, (_, i) => ((i * 7) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':')}`,
  'a=setup:actpass',
  'a=rtcp-mux',
  'a=sendrecv',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

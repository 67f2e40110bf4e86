/**
 * The SIP parser's first INVITE, made while the agent waits rather than when the first call rings:
 * sip.js parses each header through its grammar's rules, and the rules an INVITE needs (Record-Route,
 * a Contact with parameters, Content-Type, the IVR's X- headers) are run for the first time, cold,
 * on the first call otherwise (npm run bench:profile -- --first). A canned INVITE and CANCEL are
 * parsed and dropped: nothing is sent, no transaction or session is made.
 */
import type { UserAgent } from 'sip.js';
import { Parser, type IncomingRequestMessage, type IncomingResponseMessage } from 'sip.js/lib/core/index.js';

const SDP = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 101',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:111 opus/48000/2',
  'a=sendrecv',
  '',
].join('\r\n');

function request(method: 'INVITE' | 'CANCEL', body = ''): string {
  return [
    `${method} sip:warm-up@warm-up.invalid;transport=ws SIP/2.0`,
    'Via: SIP/2.0/WSS 127.0.0.1:5080;branch=z9hG4bKwarmup1;rport',
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKwarmup2;received=127.0.0.1;rport=5060',
    'Record-Route: <sip:127.0.0.1:5080;transport=ws;lr;r2=on>',
    'Record-Route: <sip:127.0.0.1:5060;lr;r2=on>',
    'Max-Forwards: 69',
    'From: "Warm Up" <sip:+14155550100@warm-up.invalid;user=phone>;tag=warmup',
    'To: <sip:warm-up@warm-up.invalid>',
    'Call-ID: warm-up-call-id',
    `CSeq: 1 ${method}`,
    'Contact: <sip:warmup@127.0.0.1:5060;transport=udp>;expires=3600;+sip.instance="<urn:uuid:00000000-0000-0000-0000-000000000000>"',
    'Allow: INVITE, ACK, CANCEL, BYE, REFER, NOTIFY, OPTIONS, INFO, UPDATE',
    'Supported: replaces, timer, 100rel',
    'Session-Expires: 1800;refresher=uac',
    'X-Case-Number: 00001026',
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

/** Parses a canned INVITE and CANCEL with `ua`'s parser (returned, for tests); a failure is only logged by sip.js. */
export function warmUpSipParser(ua: UserAgent): (IncomingRequestMessage | IncomingResponseMessage | undefined)[] {
  const logger = ua.getLogger('sip.warm-up');
  return [Parser.parseMessage(request('INVITE', SDP), logger), Parser.parseMessage(request('CANCEL'), logger)];
}

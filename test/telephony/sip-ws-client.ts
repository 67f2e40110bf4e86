/**
 * A minimal SIP-over-WebSocket client for tests that check what a phone system accepts, without a
 * browser: it sends one out-of-dialog request at a time (REGISTER, or an INVITE that is cancelled
 * by never being answered), answers a 401/407 challenge once with RFC 2617 digest (MD5, with or
 * without qop=auth) and returns the final response. It speaks just enough SIP for auth decisions.
 */
import { createHash, randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { sipHeaders } from '../support/sip-text.ts';

export interface SipReply {
  readonly status: number;
  readonly reason: string;
  readonly text: string;
}

export interface SipRequestOptions {
  /** The user part of From (and of To and the Request-URI for REGISTER). */
  readonly user: string;
  /** Digest username (defaults to `user`) and password used to answer a challenge. */
  readonly authUser?: string;
  readonly password: string;
  /** INVITE only: the callee's user part. */
  readonly target?: string;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const token = (): string => randomBytes(6).toString('hex');

export class SipWsClient {
  private readonly waiting: ((text: string) => void)[] = [];
  private readonly inbox: string[] = [];
  private cseq = 1;
  private readonly host = `${token()}.invalid`;

  private constructor(
    private readonly ws: WebSocket,
    private readonly domain: string,
  ) {
    ws.on('message', (data) => {
      const text = data.toString();
      // Only responses matter here; CRLF pongs and requests from the server are ignored.
      if (!text.startsWith('SIP/2.0 ')) return;
      const next = this.waiting.shift();
      if (next) next(text);
      else this.inbox.push(text);
    });
  }

  /** Opens a `sip` WebSocket to `url`; `trustedCert` (PEM) is the only certificate accepted for wss. */
  static async connect(url: string, domain: string, trustedCert?: string): Promise<SipWsClient> {
    const ws = new WebSocket(url, 'sip', trustedCert ? { ca: trustedCert } : {});
    await new Promise<void>((ok, fail) => ws.once('open', () => ok()).once('error', fail));
    return new SipWsClient(ws, domain);
  }

  /** Sends the request, answers one challenge, and returns the first final (>= 200) response. */
  async request(method: 'REGISTER' | 'INVITE', options: SipRequestOptions): Promise<SipReply> {
    if (method === 'INVITE' && !options.target) throw new Error('SipWsClient.request: an INVITE needs a target');
    const callId = token();
    const fromTag = token();
    let authorization: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const cseq = this.cseq++;
      const ruri = method === 'REGISTER' ? `sip:${this.domain}` : `sip:${options.target}@${this.domain}`;
      const branch = `z9hG4bK${token()}`;
      const sdp = method === 'INVITE' ? 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n' : '';
      const lines = [
        `${method} ${ruri} SIP/2.0`,
        `Via: SIP/2.0/WS ${this.host};branch=${branch}`,
        'Max-Forwards: 70',
        `From: <sip:${options.user}@${this.domain}>;tag=${fromTag}`,
        `To: <sip:${method === 'REGISTER' ? options.user : options.target}@${this.domain}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ${method}`,
        `Contact: <sip:${options.user}@${this.host};transport=ws>${method === 'REGISTER' ? ';expires=60' : ''}`,
        ...(authorization ? [authorization] : []),
        ...(sdp ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(sdp)}`,
        '',
        sdp,
      ];
      this.ws.send(lines.join('\r\n'));
      const reply = await this.finalResponse();
      if (reply.status === 200 && method === 'INVITE') this.ack(reply, ruri, cseq);
      if ((reply.status !== 401 && reply.status !== 407) || attempt === 1) return reply;
      authorization = this.answer(reply, method, ruri, options);
    }
    throw new Error('unreachable');
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((ok) => {
      this.ws.once('close', () => ok());
      this.ws.close();
    });
  }

  private async finalResponse(): Promise<SipReply> {
    for (;;) {
      const text =
        this.inbox.shift() ??
        (await new Promise<string>((ok, fail) => {
          const timer = setTimeout(() => fail(new Error('SipWsClient: no response within 5 s')), 5000);
          this.waiting.push((t) => {
            clearTimeout(timer);
            ok(t);
          });
        }));
      const m = /^SIP\/2\.0 (\d{3}) ([^\r\n]*)/.exec(text);
      if (!m) throw new Error(`SipWsClient: not a SIP response: ${text.slice(0, 80)}`);
      const status = Number(m[1]);
      if (status >= 200) return { status, reason: m[2]!, text };
    }
  }

  private ack(reply: SipReply, ruri: string, cseq: number): void {
    this.ws.send(
      [
        `ACK ${ruri} SIP/2.0`,
        `Via: SIP/2.0/WS ${this.host};branch=z9hG4bK${token()}`,
        'Max-Forwards: 70',
        ...sipHeaders(reply.text, 'From'),
        ...sipHeaders(reply.text, 'To'),
        ...sipHeaders(reply.text, 'Call-ID'),
        `CSeq: ${cseq} ACK`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  private answer(reply: SipReply, method: string, ruri: string, options: SipRequestOptions): string {
    const header = reply.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const challenge = sipHeaders(reply.text, header)[0];
    if (!challenge) throw new Error(`SipWsClient: ${reply.status} without ${header}`);
    const param = (name: string): string | undefined => new RegExp(`[\\s,]${name}="?([^",]+)"?`, 'i').exec(challenge)?.[1];
    const realm = param('realm');
    const nonce = param('nonce');
    if (!realm || !nonce) throw new Error(`SipWsClient: challenge without realm or nonce: ${challenge}`);
    const username = options.authUser ?? options.user;
    const ha1 = md5(`${username}:${realm}:${options.password}`);
    const ha2 = md5(`${method}:${ruri}`);
    const qop = param('qop')
      ?.split(',')
      .map((q) => q.trim())
      .includes('auth')
      ? 'auth'
      : undefined;
    const cnonce = token();
    const response = qop ? md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    const fields = [
      `username="${username}"`,
      `realm="${realm}"`,
      `nonce="${nonce}"`,
      `uri="${ruri}"`,
      `response="${response}"`,
      'algorithm=MD5',
      ...(qop ? ['qop=auth', 'nc=00000001', `cnonce="${cnonce}"`] : []),
    ];
    return `${reply.status === 401 ? 'Authorization' : 'Proxy-Authorization'}: Digest ${fields.join(', ')}`;
  }
}

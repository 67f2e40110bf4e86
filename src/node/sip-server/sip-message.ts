/**
 * Reading SIP messages: sip.js's own parser (so the server understands exactly what sip.js
 * understands) plus the checks a proxy needs before it acts on a message (RFC 3261 16.3).
 */
import { Core, type URI, type NameAddrHeader } from 'sip.js';
import { RawMessage, headerParam } from './message-edit.ts';

const loggerFactory = new Core.LoggerFactory();
loggerFactory.builtinEnabled = false;
const parserLogger = loggerFactory.getLogger('sip-server.parser');

interface Common {
  readonly text: string;
  readonly raw: RawMessage;
  readonly callId: string;
  readonly cseq: number;
  readonly cseqMethod: string;
  readonly from: NameAddrHeader;
  readonly to: NameAddrHeader;
  readonly fromTag: string | undefined;
  readonly toTag: string | undefined;
  /** Top Via. */
  readonly viaHost: string;
  readonly viaBranch: string | undefined;
}

export interface SipRequest extends Common {
  readonly kind: 'request';
  readonly method: string;
  readonly ruri: URI;
  readonly maxForwards: number | undefined;
  readonly message: Core.IncomingRequestMessage;
}

export interface SipResponse extends Common {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly message: Core.IncomingResponseMessage;
}

export type SipMessage = SipRequest | SipResponse;

export type ReadResult =
  | { readonly ok: true; readonly message: SipMessage }
  /** `answerable` holds the split message when it has enough to build a response from. */
  | { readonly ok: false; readonly reason: string; readonly answerable?: RawMessage };

const REQUIRED = ['via', 'from', 'to', 'call-id', 'cseq'] as const;

/** A request split well enough to answer: request start line plus Via, From, To, Call-ID, CSeq. */
export function answerableRequest(text: string): RawMessage | undefined {
  const raw = RawMessage.parse(text);
  if (!raw) return undefined;
  if (!/^[A-Za-z]+ \S+ SIP\/2\.0$/.test(raw.startLine)) return undefined;
  if (REQUIRED.some((name) => !raw.has(name))) return undefined;
  if (raw.startLine.startsWith('ACK ')) return undefined;
  return raw;
}

/** Parses and checks one message. Never throws. */
export function readSipMessage(text: string): ReadResult {
  let parsed: Core.IncomingRequestMessage | Core.IncomingResponseMessage | undefined;
  try {
    parsed = Core.Parser.parseMessage(text, parserLogger);
  } catch {
    parsed = undefined;
  }
  if (!parsed) return { ok: false, reason: 'unparseable', answerable: answerableRequest(text) };
  const raw = RawMessage.parse(text);
  if (!raw) return { ok: false, reason: 'unparseable' };
  for (const name of REQUIRED) {
    if (!raw.has(name)) return { ok: false, reason: `missing ${name} header`, answerable: answerableRequest(text) };
  }
  const cseqValue = raw.get('cseq') ?? '';
  const cseqMatch = /^(\d+)\s+([A-Za-z]+)$/.exec(cseqValue.trim());
  if (!cseqMatch || !parsed.from || !parsed.to || !parsed.callId || !parsed.via) {
    return { ok: false, reason: 'bad CSeq, From, To, Call-ID or Via', answerable: answerableRequest(text) };
  }
  const topVia = raw.getAll('via')[0] ?? '';
  const common = {
    text,
    raw,
    callId: parsed.callId,
    cseq: Number(cseqMatch[1]),
    cseqMethod: cseqMatch[2].toUpperCase(),
    from: parsed.from,
    to: parsed.to,
    fromTag: parsed.fromTag || undefined,
    toTag: parsed.toTag || undefined,
    viaHost: parsed.via.host.toLowerCase(),
    viaBranch: headerParam(topVia, 'branch'),
  };
  if (parsed instanceof Core.IncomingRequestMessage) {
    const method = parsed.method.toUpperCase();
    if (common.cseqMethod !== method) {
      return { ok: false, reason: `CSeq method ${common.cseqMethod} does not match ${method}`, answerable: answerableRequest(text) };
    }
    const mf = raw.get('max-forwards');
    let maxForwards: number | undefined;
    if (mf !== undefined) {
      if (!/^\d{1,3}$/.test(mf.trim())) return { ok: false, reason: 'bad Max-Forwards', answerable: answerableRequest(text) };
      maxForwards = Number(mf.trim());
    }
    if (!common.fromTag && method !== 'CANCEL') {
      // RFC 3261 8.1.1.3: the From tag is mandatory; sip.js always sends one.
      return { ok: false, reason: 'From has no tag', answerable: answerableRequest(text) };
    }
    return { ok: true, message: { ...common, kind: 'request', method, ruri: parsed.ruri as URI, maxForwards, message: parsed } };
  }
  const response = parsed as Core.IncomingResponseMessage;
  return {
    ok: true,
    message: { ...common, kind: 'response', status: response.statusCode ?? 0, reason: response.reasonPhrase ?? '', message: response },
  };
}

/**
 * RFC 4733 telephone events at the clock rate of the audio they travel with.
 *
 * Chromium sends DTMF inside the audio stream (same SSRC, same RTP timestamps as the codec's
 * packets) on one negotiated `telephone-event` payload type. libwebrtc picks the lowest rate first
 * and then the one at the send codec's rate, but it only looks for that match when the codec
 * allows comfort noise, which opus does not: beside opus it keeps `telephone-event/8000` whenever
 * the far end accepted it, even with `telephone-event/48000` negotiated too. It then counts the
 * tone's elapsed time in the audio's 48 kHz timestamps against a length in 8 kHz units: a 100 ms
 * tone (800 units) is over at its first 20 ms frame (960), so each digit goes out as nothing but
 * its three end packets, every one with the marker bit that RFC 4733 puts on an event's first
 * packet only. Receivers that start an event on the marker (linphone) report every digit three
 * times; those that go by timestamp report it 120 ms long (rtpengine).
 *
 * So every remote description Chromium takes, offer or answer, keeps `telephone-event` only at
 * the rate of the codec Chromium will send with: 48000 beside opus, 8000 beside PCMU, PCMA and
 * G.722 (whose RTP clock is 8000). Answering, Chromium then leaves the other rates out of our
 * answer too. A far end that offers telephone events only at another rate gets none, and
 * `sendDtmf` sends SIP INFO instead: each digit once, which RFC 4733 at the wrong rate cannot do.
 */
import type { SessionDescriptionHandlerModifier } from 'sip.js';

/** A codec as the browser names it: `opus`, 48000 (the SDP encoding name, any case). */
export interface AudioCodec {
  readonly name: string;
  readonly clockRate: number;
}

/** RFC 3551's static audio payload types, which may come without an `a=rtpmap`. */
const STATIC_AUDIO: Readonly<Record<string, AudioCodec>> = {
  '0': { name: 'PCMU', clockRate: 8000 },
  '3': { name: 'GSM', clockRate: 8000 },
  '4': { name: 'G723', clockRate: 8000 },
  '5': { name: 'DVI4', clockRate: 8000 },
  '6': { name: 'DVI4', clockRate: 16000 },
  '7': { name: 'LPC', clockRate: 8000 },
  '8': { name: 'PCMA', clockRate: 8000 },
  '9': { name: 'G722', clockRate: 8000 },
  '10': { name: 'L16', clockRate: 44100 },
  '11': { name: 'L16', clockRate: 44100 },
  '12': { name: 'QCELP', clockRate: 8000 },
  '13': { name: 'CN', clockRate: 8000 },
  '14': { name: 'MPA', clockRate: 90000 },
  '15': { name: 'G728', clockRate: 8000 },
  '16': { name: 'DVI4', clockRate: 11025 },
  '17': { name: 'DVI4', clockRate: 22050 },
  '18': { name: 'G729', clockRate: 8000 },
};

/** Formats that ride beside the audio codec rather than being it (libwebrtc skips the same ones). */
const NOT_A_SEND_CODEC = new Set(['telephone-event', 'cn', 'red']);

/**
 * `sdp` with, in each audio section, the `telephone-event` formats whose rate differs from the
 * send codec's removed (with their rtpmap, fmtp and rtcp-fb lines). The send codec is the first
 * format of the m-line that `canSend` accepts and is not telephone-event, CN or RED. Sections
 * whose telephone events all match, or with no codec to send, are left exactly as they were.
 */
export function keepDtmfAtSendRate(sdp: string, canSend: (codec: AudioCodec) => boolean = () => true): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const out: string[] = [];
  for (let start = 0; start < lines.length;) {
    // A section runs to the next m-line (the first one is the session part).
    let end = start + 1;
    while (end < lines.length && lines[end]?.startsWith('m=') !== true) end++;
    const section = lines.slice(start, end);
    out.push(...(section[0]?.startsWith('m=audio ') ? audioSection(section, canSend) : section));
    start = end;
  }
  return out.join(eol);
}

function audioSection(section: readonly string[], canSend: (codec: AudioCodec) => boolean): readonly string[] {
  const [mLine = '', ...rest] = section;
  const fields = mLine.split(' ');
  const formats = fields.slice(3);
  const codecs = new Map<string, AudioCodec>();
  for (const pt of formats) {
    const fixed = STATIC_AUDIO[pt];
    if (fixed) codecs.set(pt, fixed);
  }
  for (const line of rest) {
    const m = /^a=rtpmap:(\d+)\s+([^/\s]+)\/(\d+)/.exec(line);
    if (m?.[1] && m[2] && m[3]) codecs.set(m[1], { name: m[2], clockRate: Number(m[3]) });
  }
  const send = formats.map((pt) => codecs.get(pt)).find((c): c is AudioCodec => c !== undefined && !NOT_A_SEND_CODEC.has(c.name.toLowerCase()) && canSend(c));
  if (!send) return section;
  const drop = new Set(
    formats.filter((pt) => {
      const c = codecs.get(pt);
      return c !== undefined && c.name.toLowerCase() === 'telephone-event' && c.clockRate !== send.clockRate;
    }),
  );
  if (drop.size === 0) return section;
  const kept = [fields.slice(0, 3).join(' '), ...formats.filter((pt) => !drop.has(pt))].join(' ');
  return [kept, ...rest.filter((line) => !drop.has(/^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)\s/.exec(line)?.[1] ?? ''))];
}

/**
 * Which codecs this browser can send, from `RTCRtpSender.getCapabilities('audio')`; every codec
 * when the browser cannot tell (then the first codec of the m-line counts as the send codec).
 */
export function sendableBy(capabilities: RTCRtpCapabilities | null | undefined): (codec: AudioCodec) => boolean {
  const known = capabilities?.codecs.map((c) => ({ name: c.mimeType.replace(/^audio\//i, '').toLowerCase(), clockRate: c.clockRate }));
  if (!known?.length) return () => true;
  return (codec) => known.some((k) => k.name === codec.name.toLowerCase() && k.clockRate === codec.clockRate);
}

/**
 * The sip.js modifier for every remote description (see `RestartAwareSessionDescriptionHandler`'s
 * `remoteModifiers`): `keepDtmfAtSendRate` with the codecs this browser can send.
 */
export function dtmfAtSendRate(capabilities: RTCRtpCapabilities | null | undefined = browserAudioCapabilities()): SessionDescriptionHandlerModifier {
  const canSend = sendableBy(capabilities);
  return (description) => Promise.resolve(description.sdp === undefined ? description : { ...description, sdp: keepDtmfAtSendRate(description.sdp, canSend) });
}

function browserAudioCapabilities(): RTCRtpCapabilities | null | undefined {
  return typeof RTCRtpSender === 'undefined' ? undefined : RTCRtpSender.getCapabilities?.('audio');
}

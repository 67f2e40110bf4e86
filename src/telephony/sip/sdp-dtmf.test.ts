import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtmfAtSendRate, keepDtmfAtSendRate, sendableBy } from './sdp-dtmf.ts';

/** An SDP with one audio section: `formats` on the m-line, then `attributes`, CRLF-separated. */
function sdp(formats: string, attributes: readonly string[], extra: readonly string[] = []): string {
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    `m=audio 9 UDP/TLS/RTP/SAVPF ${formats}`,
    'c=IN IP4 0.0.0.0',
    'a=mid:0',
    ...attributes,
    'a=sendrecv',
    ...extra,
    '',
  ].join('\r\n');
}

/** The m-line's formats and the payload types that still have an rtpmap, fmtp or rtcp-fb line. */
function shape(text: string): { formats: string; attributes: string[] } {
  const lines = text.split('\r\n');
  return {
    formats:
      lines
        .find((l) => l.startsWith('m=audio'))
        ?.split(' ')
        .slice(3)
        .join(' ') ?? '',
    attributes: lines.filter((l) => /^a=(rtpmap|fmtp|rtcp-fb):/.test(l)),
  };
}

const OPUS = ['a=rtpmap:111 opus/48000/2', 'a=rtcp-fb:111 transport-cc', 'a=fmtp:111 minptime=10;useinbandfec=1'];

test('beside opus, telephone-event/8000 goes and telephone-event/48000 stays (a linphone offer: one per codec rate)', () => {
  const offer = sdp('111 0 110 101', [
    ...OPUS,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:110 telephone-event/48000',
    'a=fmtp:110 0-16',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
  ]);
  assert.deepEqual(shape(keepDtmfAtSendRate(offer)), {
    formats: '111 0 110',
    attributes: [...OPUS, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:110 telephone-event/48000', 'a=fmtp:110 0-16'],
  });
});

test('beside opus with only telephone-event/8000, no telephone event is left (DTMF then goes as SIP INFO)', () => {
  const answer = sdp('111 101', [...OPUS, 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16']);
  assert.deepEqual(shape(keepDtmfAtSendRate(answer)), { formats: '111', attributes: OPUS });
});

test('beside PCMU or PCMA (static payload types, with or without rtpmap), telephone-event/8000 stays and /48000 goes', () => {
  const pcmu = sdp('0 101', ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16']);
  assert.equal(keepDtmfAtSendRate(pcmu), pcmu);
  const pcma = sdp('8 96 101', ['a=rtpmap:96 telephone-event/48000', 'a=rtpmap:101 telephone-event/8000']);
  assert.deepEqual(shape(keepDtmfAtSendRate(pcma)), { formats: '8 101', attributes: ['a=rtpmap:101 telephone-event/8000'] });
});

test("Chromium's own offer (opus, red, G722, PCMU, PCMA, CN, both telephone events) keeps telephone-event/48000 only", () => {
  const chromium = sdp('111 63 9 0 8 13 110 126', [
    ...OPUS,
    'a=rtpmap:63 red/48000/2',
    'a=fmtp:63 111/111',
    'a=rtpmap:9 G722/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:13 CN/8000',
    'a=rtpmap:110 telephone-event/48000',
    'a=rtpmap:126 telephone-event/8000',
  ]);
  const { formats, attributes } = shape(keepDtmfAtSendRate(chromium));
  assert.equal(formats, '111 63 9 0 8 13 110');
  assert.ok(!attributes.some((a) => a.includes(':126 ')));
});

test('the send codec is the first one the browser can send: an unknown first codec does not count', () => {
  const offer = sdp('98 0 101', ['a=rtpmap:98 AMR-WB/16000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000']);
  const chromium = sendableBy({
    codecs: [
      { mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      { mimeType: 'audio/PCMU', clockRate: 8000 },
    ],
    headerExtensions: [],
  });
  assert.equal(keepDtmfAtSendRate(offer, chromium), offer);
  // Without knowing, the first codec is taken at its word (AMR-WB at 16000 matches no event rate).
  assert.equal(shape(keepDtmfAtSendRate(offer)).formats, '98 0');
});

test('audio sections with nothing to send or no mismatched event are left unchanged, and so are video sections', () => {
  const onlyEvents = sdp('101', ['a=rtpmap:101 telephone-event/8000']);
  assert.equal(keepDtmfAtSendRate(onlyEvents), onlyEvents);
  const opusOnly = sdp('111', OPUS);
  assert.equal(keepDtmfAtSendRate(opusOnly), opusOnly);
  const video = sdp(
    '111 101',
    [...OPUS, 'a=rtpmap:101 telephone-event/8000'],
    ['m=video 9 UDP/TLS/RTP/SAVPF 96', 'a=rtpmap:96 VP8/90000', 'a=rtpmap:101 telephone-event/8000'],
  );
  const kept = keepDtmfAtSendRate(video).split('\r\n');
  // Only the audio section changes; the video section's lines are not the audio's to prune.
  assert.deepEqual(kept.slice(kept.indexOf('m=video 9 UDP/TLS/RTP/SAVPF 96')), [
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'a=rtpmap:96 VP8/90000',
    'a=rtpmap:101 telephone-event/8000',
    '',
  ]);
});

test('each audio section is judged by its own send codec; line endings are kept', () => {
  const two = [
    'v=0',
    'm=audio 1000 RTP/AVP 0 101',
    'a=rtpmap:101 telephone-event/8000',
    'm=audio 1002 RTP/AVP 111 101',
    'a=rtpmap:111 opus/48000/2',
    'a=rtpmap:101 telephone-event/8000',
    '',
  ].join('\n');
  assert.equal(
    keepDtmfAtSendRate(two),
    ['v=0', 'm=audio 1000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000', 'm=audio 1002 RTP/AVP 111', 'a=rtpmap:111 opus/48000/2', ''].join('\n'),
  );
});

test('sendableBy matches names case-insensitively and clock rates exactly; no capabilities means any codec', () => {
  const canSend = sendableBy({
    codecs: [
      { mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      { mimeType: 'audio/PCMU', clockRate: 8000 },
    ],
    headerExtensions: [],
  });
  assert.equal(canSend({ name: 'OPUS', clockRate: 48000 }), true);
  assert.equal(canSend({ name: 'pcmu', clockRate: 8000 }), true);
  assert.equal(canSend({ name: 'opus', clockRate: 16000 }), false);
  assert.equal(canSend({ name: 'G729', clockRate: 8000 }), false);
  assert.equal(sendableBy(null)({ name: 'G729', clockRate: 8000 }), true);
  assert.equal(sendableBy(undefined)({ name: 'anything', clockRate: 1 }), true);
});

test('the sip.js modifier rewrites the sdp of offers and answers and keeps their type', async () => {
  const modifier = dtmfAtSendRate(null);
  const answer = sdp('111 101', [...OPUS, 'a=rtpmap:101 telephone-event/8000']);
  const out = await modifier({ type: 'answer', sdp: answer });
  assert.equal(out.type, 'answer');
  assert.equal(shape(out.sdp ?? '').formats, '111');
  assert.deepEqual(await modifier({ type: 'rollback' }), { type: 'rollback' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdpHolds, sdpOf } from './sdp-hold.ts';
import { RawMessage } from './message-edit.ts';

const sdp = (...lines: string[]): string => ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', ...lines, ''].join('\r\n');

test('a stream sendonly or inactive, or at 0.0.0.0, is on hold; sendrecv, recvonly and no direction are not', () => {
  const audio = (...attrs: string[]): string => sdp('c=IN IP4 10.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', ...attrs);
  assert.equal(sdpHolds(audio('a=sendonly')), true);
  assert.equal(sdpHolds(audio('a=inactive')), true);
  assert.equal(sdpHolds(audio('a=sendrecv')), false);
  assert.equal(sdpHolds(audio('a=recvonly')), false);
  assert.equal(sdpHolds(audio()), false);
  // RFC 2543 hold: the connection address 0.0.0.0, at session or media level.
  assert.equal(sdpHolds(sdp('c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 4000 RTP/AVP 0')), true);
  assert.equal(sdpHolds(sdp('c=IN IP4 10.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'c=IN IP4 0.0.0.0')), true);
  // LF-only line ends, as some phones send.
  assert.equal(sdpHolds('v=0\no=- 1 1 IN IP4 h\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\na=sendonly\n'), true);
});

test('a media-level direction overrides the session-level one; only audio streams that are not removed count', () => {
  assert.equal(sdpHolds(sdp('a=sendonly', 't=0 0', 'm=audio 4000 RTP/AVP 0')), true, 'session-level sendonly applies to the stream');
  assert.equal(sdpHolds(sdp('a=sendonly', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendrecv')), false, 'the stream says otherwise');
  assert.equal(sdpHolds(sdp('t=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendrecv', 'm=video 5000 RTP/AVP 96', 'a=inactive')), false, 'video paused, audio flows');
  assert.equal(sdpHolds(sdp('t=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendonly', 'm=audio 0 RTP/AVP 0')), true, 'a removed stream does not end a hold');
  assert.equal(sdpHolds(sdp('t=0 0')), false, 'no streams: nothing held');
  // "a=sendonlyX" is some other attribute, not a direction.
  assert.equal(sdpHolds(sdp('t=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendonlyX')), false);
});

test('no SDP to read: undefined', () => {
  assert.equal(sdpHolds(undefined), undefined);
  assert.equal(sdpHolds(''), undefined);
  assert.equal(sdpHolds('<xml/>'), undefined);
});

test('sdpOf reads the body of an application/sdp message only (compact header too)', () => {
  const body = sdp('t=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendonly');
  const message = (type: string, text: string): RawMessage => {
    const raw = RawMessage.parse(`INVITE sip:a@b SIP/2.0\r\n${type}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    assert.ok(raw);
    return raw;
  };
  assert.equal(sdpOf(message('Content-Type: application/sdp', body)), body);
  assert.equal(sdpOf(message('c: Application/SDP; charset=utf-8', body)), body);
  assert.equal(sdpOf(message('Content-Type: text/plain', body)), undefined);
  assert.equal(sdpOf(message('Content-Type: application/sdp', '')), undefined);
});

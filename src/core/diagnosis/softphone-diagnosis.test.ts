import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cspAllowsConnect, diagnoseSoftphone, overallSeverity, sipOptionsProbe, sipResponseStatus, type SoftphoneFacts } from './softphone-diagnosis.ts';
import { DIAGNOSIS_TEXT_EN, findingKeys, findingTextEn } from './diagnosis-text.ts';

const HEALTHY: SoftphoneFacts = {
  pageOrigin: 'https://acme--c.vf.force.com',
  sipWebSocketUrl: 'wss://pbx.example.com:8089/ws',
  cspViolations: [],
  microphone: 'granted',
  webSocket: { outcome: 'answered', status: '200 OK', rttMs: 12 },
  registration: { state: 'registered' },
};

const outcomes = (facts: SoftphoneFacts): string[] => diagnoseSoftphone(facts).map((f) => `${f.check}:${f.outcome}:${f.severity}`);

describe('diagnoseSoftphone', () => {
  it('a healthy softphone passes every check, in the order to fix them', () => {
    assert.deepEqual(outcomes(HEALTHY), ['mixedContent:ok:ok', 'csp:ok:ok', 'microphone:granted:ok', 'webSocket:answered:ok', 'registration:registered:ok']);
    assert.equal(overallSeverity(diagnoseSoftphone(HEALTHY)), 'ok');
  });

  it('ws:// to another host from an https page is mixed content; to this computer it is not', () => {
    const f = diagnoseSoftphone({ ...HEALTHY, sipWebSocketUrl: 'ws://pbx.example.com:8080/ws', webSocket: { outcome: 'unopened' } });
    const mixed = f.find((x) => x.check === 'mixedContent')!;
    assert.equal(mixed.outcome, 'blocked');
    assert.equal(mixed.params.secureUrl, 'wss://pbx.example.com:8080/ws');
    assert.equal(f.find((x) => x.check === 'webSocket')!.outcome, 'unopened');
    assert.equal(diagnoseSoftphone({ ...HEALTHY, sipWebSocketUrl: 'ws://127.0.0.1:5066' }).find((x) => x.check === 'mixedContent')!.outcome, 'ok');
    assert.equal(
      diagnoseSoftphone({ ...HEALTHY, pageOrigin: 'http://127.0.0.1:4280', sipWebSocketUrl: 'ws://pbx.example.com' }).find((x) => x.check === 'mixedContent')!
        .outcome,
      'ok',
    );
  });

  it('a CSP violation for the SIP WebSocket, or a page policy that refuses it, is a blocked CSP', () => {
    const violated = diagnoseSoftphone({ ...HEALTHY, cspViolations: [{ blockedUri: 'wss://pbx.example.com:8089/ws', directive: 'connect-src' }] });
    assert.deepEqual(
      violated.find((x) => x.check === 'csp'),
      { check: 'csp', outcome: 'blocked', severity: 'error', params: { url: 'wss://pbx.example.com:8089/ws', origin: 'wss://pbx.example.com:8089' } },
    );
    // A violation of another resource says nothing about the WebSocket.
    assert.equal(
      diagnoseSoftphone({ ...HEALTHY, cspViolations: [{ blockedUri: 'https://cdn.example.com/x.js', directive: 'script-src' }] }).find(
        (x) => x.check === 'csp',
      )!.outcome,
      'ok',
    );
    assert.equal(
      diagnoseSoftphone({ ...HEALTHY, cspPolicies: ["default-src 'self'; connect-src 'self' wss://other.example.com"] }).find((x) => x.check === 'csp')!
        .outcome,
      'blocked',
    );
    assert.equal(diagnoseSoftphone({ ...HEALTHY, cspPolicies: ["connect-src 'self' wss:"] }).find((x) => x.check === 'csp')!.outcome, 'ok');
  });

  it('the microphone: granted passes, prompt warns, denied and unavailable are errors', () => {
    const mic = (microphone: SoftphoneFacts['microphone']) => diagnoseSoftphone({ ...HEALTHY, microphone }).find((x) => x.check === 'microphone')!;
    assert.deepEqual(
      [mic('granted').severity, mic('prompt').severity, mic('denied').severity, mic('unavailable').severity],
      ['ok', 'warning', 'error', 'error'],
    );
    assert.equal(mic('unavailable').params.page, HEALTHY.pageOrigin);
  });

  it('the WebSocket probe: unopened (naming TLS for wss), silent, and a missing or bad URL', () => {
    const ws = (facts: Partial<SoftphoneFacts>) => diagnoseSoftphone({ ...HEALTHY, ...facts }).filter((x) => x.check === 'webSocket');
    assert.deepEqual(
      ws({ webSocket: { outcome: 'unopened' } }).map((f) => [f.outcome, f.params.httpsUrl]),
      [['unopened-tls', 'https://pbx.example.com:8089/ws']],
    );
    assert.deepEqual(
      ws({ sipWebSocketUrl: 'ws://127.0.0.1:9', webSocket: { outcome: 'unopened' } }).map((f) => f.outcome),
      ['unopened'],
    );
    assert.deepEqual(
      ws({ webSocket: { outcome: 'silent', waitedMs: 5000 } }).map((f) => [f.outcome, f.params.seconds]),
      [['silent', '5']],
    );
    assert.deepEqual(
      ws({ sipWebSocketUrl: 'https://pbx.example.com' }).map((f) => f.outcome),
      ['invalid-url'],
    );
    const none = diagnoseSoftphone({ ...HEALTHY, sipWebSocketUrl: undefined, webSocket: undefined });
    assert.deepEqual(
      none.map((f) => f.outcome),
      ['no-url', 'granted', 'registered'],
      'no URL: no mixed-content or CSP verdict to give',
    );
  });

  it('registration: each state of the phone; none where there is no phone', () => {
    const reg = (registration: SoftphoneFacts['registration']) =>
      diagnoseSoftphone({ ...HEALTHY, ...(registration ? { registration } : { registration: undefined }) }).filter((x) => x.check === 'registration');
    assert.deepEqual(
      reg({ state: 'failed', code: 'SB20001', reason: '403 Forbidden' }).map((f) => [f.outcome, f.severity, f.params.reason]),
      [['failed', 'error', '403 Forbidden']],
    );
    assert.deepEqual(
      reg({ state: 'reconnecting', attempt: 3, nextAttemptAt: 0, reason: 'closed' }).map((f) => [f.outcome, f.severity, f.params.attempt]),
      [['reconnecting', 'warning', '3']],
    );
    assert.deepEqual(
      reg({ state: 'unregistered' }).map((f) => f.outcome),
      ['unregistered'],
    );
    assert.deepEqual(
      reg({ state: 'connecting' }).map((f) => f.severity),
      ['warning'],
    );
    assert.deepEqual(reg(undefined), []);
  });

  it('every finding it can make has its words, with every placeholder filled', () => {
    const variants: SoftphoneFacts[] = [
      HEALTHY,
      {
        ...HEALTHY,
        sipWebSocketUrl: 'ws://pbx.example.com',
        cspViolations: [{ blockedUri: 'ws://pbx.example.com', directive: 'connect-src' }],
        microphone: 'prompt',
        webSocket: { outcome: 'unopened' },
        registration: { state: 'failed', code: 'SB20001', reason: 'x' },
      },
      {
        ...HEALTHY,
        microphone: 'denied',
        webSocket: { outcome: 'silent', waitedMs: 3000 },
        registration: { state: 'reconnecting', attempt: 2, nextAttemptAt: 0, reason: 'y' },
      },
      { ...HEALTHY, microphone: 'unavailable', webSocket: { outcome: 'unopened' }, registration: { state: 'connecting' } },
      { ...HEALTHY, sipWebSocketUrl: '', registration: { state: 'unregistered' } },
      { ...HEALTHY, sipWebSocketUrl: 'pbx' },
    ];
    const used = new Set<string>();
    for (const facts of variants) {
      for (const f of diagnoseSoftphone(facts)) {
        const text = findingTextEn(f);
        for (const part of [text.what, text.why, text.fix ?? '']) assert.doesNotMatch(part, /\{\w+\}/, `${f.check}.${f.outcome}: ${part}`);
        assert.equal(text.fix === undefined, f.severity === 'ok');
        for (const key of Object.values(findingKeys(f))) used.add(key);
      }
    }
    assert.deepEqual(
      Object.keys(DIAGNOSIS_TEXT_EN).filter((k) => !used.has(k)),
      [],
      'no text is for an outcome that cannot happen',
    );
  });
});

describe('cspAllowsConnect', () => {
  const page = 'https://acme--c.vf.force.com';
  it('reads connect-src, else default-src; no directive allows', () => {
    assert.equal(cspAllowsConnect("script-src 'self'", 'wss://pbx.example.com/ws', page), true);
    assert.equal(cspAllowsConnect("default-src 'self'", 'wss://pbx.example.com/ws', page), false);
    assert.equal(cspAllowsConnect("default-src 'self'; connect-src wss://pbx.example.com", 'wss://pbx.example.com/ws', page), true);
    assert.equal(cspAllowsConnect("connect-src 'none'", 'wss://pbx.example.com/ws', page), false);
  });
  it('matches hosts, wildcards, ports, paths and schemes as CSP3 does', () => {
    assert.equal(cspAllowsConnect('connect-src *.example.com', 'wss://pbx.example.com/ws', page), true);
    assert.equal(cspAllowsConnect('connect-src *.example.com', 'wss://example.com/ws', page), false);
    assert.equal(cspAllowsConnect('connect-src wss://pbx.example.com', 'wss://pbx.example.com:8089/ws', page), false);
    assert.equal(cspAllowsConnect('connect-src wss://pbx.example.com:8089', 'wss://pbx.example.com:8089/ws', page), true);
    assert.equal(cspAllowsConnect('connect-src wss://pbx.example.com:*', 'wss://pbx.example.com:8089/ws', page), true);
    assert.equal(cspAllowsConnect('connect-src https://pbx.example.com', 'wss://pbx.example.com/ws', page), true);
    assert.equal(cspAllowsConnect('connect-src https://pbx.example.com', 'ws://pbx.example.com/ws', page), false);
    assert.equal(cspAllowsConnect('connect-src wss://pbx.example.com/sip/', 'wss://pbx.example.com/sip/ws', page), true);
    assert.equal(cspAllowsConnect('connect-src wss://pbx.example.com/other', 'wss://pbx.example.com/sip', page), false);
    assert.equal(cspAllowsConnect('connect-src wss:', 'wss://anything.example.net', page), true);
    assert.equal(cspAllowsConnect('connect-src wss:', 'ws://anything.example.net', page), false);
    assert.equal(cspAllowsConnect('connect-src *', 'wss://anything.example.net', page), true);
    assert.equal(cspAllowsConnect("connect-src 'self'", 'wss://acme--c.vf.force.com/ws', page), true);
    assert.equal(cspAllowsConnect("connect-src 'self'", 'ws://127.0.0.1:5066', 'http://127.0.0.1:4281'), false);
  });
});

describe('the OPTIONS probe', () => {
  it('is a SIP request for the domain; a status line is read back, anything else is not an answer', () => {
    const req = sipOptionsProbe('pbx.example.com', 'abc123');
    assert.match(req, /^OPTIONS sip:pbx\.example\.com SIP\/2\.0\r\n/);
    assert.match(req, /\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n$/);
    assert.equal(sipResponseStatus('SIP/2.0 200 OK\r\nVia: x\r\n\r\n'), '200 OK');
    assert.equal(sipResponseStatus('HTTP/1.1 200 OK\r\n'), undefined);
  });
});

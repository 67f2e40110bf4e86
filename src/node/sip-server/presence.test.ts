import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { ManualClock } from './test-support/manual-clock.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { until } from './test-support/wait.ts';
import { isAvailablePidf, summarisePidf } from './presence-store.ts';
import { pidf } from './test-support/sip-phone.ts';
import type { Notification } from 'sip.js';

const stateOf = (n: Notification): string => n.request.getHeader('Subscription-State') ?? '';
const dialogStates = (n: Notification): string[] => [...n.request.body.matchAll(/<state>(\w+)<\/state>/g)].map((m) => m[1]);

describe('presence and busy lamp (real sip.js UAs)', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(async () => {
    await f.close();
  });

  test('SUBSCRIBE presence: NOTIFY at once, on PUBLISH, and terminated on unsubscribe', async () => {
    const ann = await f.phone('1001');
    const bob = await f.phone('1002');
    const { subscriber, notifications } = bob.subscribe('1001', 'presence');
    const first = await notifications.next('first presence NOTIFY');
    assert.match(stateOf(first), /^active;expires=\d+/);
    assert.match(first.request.body, /<basic>open<\/basic>/, 'registered and never published: open');
    assert.equal(first.request.getHeader('Content-Type'), 'application/pidf+xml');

    const publisher = await ann.publishPresence('closed', undefined, 'Offline');
    const second = await notifications.next('NOTIFY after PUBLISH');
    assert.match(second.request.body, /<basic>closed<\/basic>/);
    assert.match(second.request.body, /Offline/);

    await publisher.unpublish();
    const third = await notifications.next('NOTIFY after the publication is removed');
    assert.match(third.request.body, /<basic>open<\/basic>/);

    // sip.js answers the final NOTIFY itself without telling the delegate: watch the wire.
    const sent: string[] = [];
    const off = f.server.on('message', (m) => {
      if (m.direction === 'out') sent.push(m.text);
    });
    const ended = new Promise<string>((resolve) =>
      f.server.on('subscription', (e) => {
        if (e.state === 'terminated') resolve(e.watcher);
      }),
    );
    await subscriber.unsubscribe();
    assert.equal(await ended, `sip:1002@${DOMAIN}`);
    await until(() => sent.some((t) => t.startsWith('NOTIFY ') && /Subscription-State: terminated/.test(t)), 'the terminating NOTIFY');
    off();
    assert.equal(f.server.stats().subscriptions, 0);
    await ann.stop();
    await bob.stop();
  });

  test("a publisher's connection that closes takes its publication along: watchers see it closed at once", async () => {
    const ann = await f.phone('1001');
    const bob = await f.phone('1002');
    await ann.publishPresence('open', undefined, 'Available');
    const { subscriber, notifications } = bob.subscribe('1001', 'presence');
    const first = await notifications.next('presence NOTIFY');
    assert.match(first.request.body, /Available/, 'the published document');
    // The browser closes: the WebSocket goes, with no un-REGISTER and no un-PUBLISH.
    await ann.ua.transport.disconnect();
    const gone = await notifications.next('NOTIFY after the connection closed', (n) => /<basic>closed<\/basic>/.test(n.request.body));
    assert.doesNotMatch(gone.request.body, /Available/);
    assert.equal(f.server.presenceOf('1001'), undefined, 'the publication is gone, not left to expire');
    await subscriber.unsubscribe();
    await ann.stop();
    await bob.stop();
  });

  test('SUBSCRIBE dialog: the busy lamp goes early -> confirmed -> terminated for a proxied call', async () => {
    const ann = await f.phone('1001');
    const bob = await f.phone('1002');
    const sup = await f.phone('1003');
    const { subscriber, notifications } = sup.subscribe('1002', 'dialog');
    const initial = await notifications.next('initial dialog NOTIFY');
    assert.equal(initial.request.getHeader('Content-Type'), 'application/dialog-info+xml');
    assert.deepEqual(dialogStates(initial), []);
    assert.match(initial.request.body, /entity="sip:1002@switchboard\.test"/);

    const { inviter, outcome } = ann.call('1002');
    const invitation = await bob.invitations.next('INVITE');
    await notifications.next('early', (n) => dialogStates(n).includes('early'));
    await invitation.accept();
    await outcome;
    const confirmed = await notifications.next('confirmed', (n) => dialogStates(n).includes('confirmed'));
    assert.match(confirmed.request.body, /direction="recipient"/);
    assert.match(confirmed.request.body, /<identity>sip:1001@switchboard\.test<\/identity>/);
    await inviter.bye();
    await notifications.next('terminated', (n) => dialogStates(n).includes('terminated'));
    const versions = notifications.seen.map((n) => Number(/version="(\d+)"/.exec(n.request.body)?.[1]));
    assert.deepEqual(
      versions,
      versions.map((_, i) => i),
      'versions count up from 0',
    );
    await subscriber.unsubscribe();
    for (const p of [ann, bob, sup]) await p.stop();
  });

  test('unknown event package gets 489, unknown user 404', async () => {
    const raw = await RawClient.connect(f.server.url);
    raw.send(rawRequest('SUBSCRIBE', `sip:1001@${DOMAIN}`, { host: raw.host, domain: DOMAIN, extra: ['Event: message-summary'] }));
    assert.match(await raw.response(489), /Allow-Events: presence, dialog/);
    raw.send(rawRequest('SUBSCRIBE', `sip:9999@${DOMAIN}`, { host: raw.host, domain: DOMAIN, extra: ['Event: presence'] }));
    await raw.response(404);
    raw.close();
  });
});

describe('presence timing (manual clock, raw client)', () => {
  test('PUBLISH ETag refresh, 412 for an unknown tag, subscription expiry ends with terminated', async () => {
    const clock = new ManualClock();
    const f = await fixture({ clock });
    try {
      const raw = await RawClient.connect(f.server.url);
      const body = pidf(`sip:guest@${DOMAIN}`, 'open', undefined, 'Ready');
      raw.send(
        rawRequest('PUBLISH', `sip:guest@${DOMAIN}`, {
          host: raw.host,
          domain: DOMAIN,
          user: 'guest',
          body,
          extra: ['Event: presence', 'Expires: 120', 'Content-Type: application/pidf+xml'],
        }),
      );
      const ok = await raw.response(200);
      const etag = /SIP-ETag: (\S+)/.exec(ok)?.[1];
      assert.ok(etag);
      assert.equal(f.server.presenceOf('guest')?.note, 'Ready');

      raw.send(
        rawRequest('PUBLISH', `sip:guest@${DOMAIN}`, {
          host: raw.host,
          domain: DOMAIN,
          user: 'guest',
          extra: ['Event: presence', 'Expires: 120', 'SIP-If-Match: nope'],
        }),
      );
      await raw.response(412);
      raw.send(
        rawRequest('PUBLISH', `sip:guest@${DOMAIN}`, {
          host: raw.host,
          domain: DOMAIN,
          user: 'guest',
          extra: ['Event: presence', 'Expires: 120', `SIP-If-Match: ${etag}`],
        }),
      );
      const refreshed = await raw.response(200);
      assert.notEqual(/SIP-ETag: (\S+)/.exec(refreshed)?.[1], etag, 'a refresh gets a new entity tag');

      // Publishing for somebody else is refused.
      raw.send(
        rawRequest('PUBLISH', `sip:1001@${DOMAIN}`, {
          host: raw.host,
          domain: DOMAIN,
          user: 'guest',
          body,
          extra: ['Event: presence', 'Content-Type: application/pidf+xml'],
        }),
      );
      await raw.response(403);

      raw.send(
        rawRequest('SUBSCRIBE', `sip:guest@${DOMAIN}`, {
          host: raw.host,
          domain: DOMAIN,
          user: 'raw',
          callId: 'sub-1',
          extra: ['Event: presence', 'Expires: 30'],
        }),
      );
      const accepted = await raw.response(200);
      assert.match(accepted, /Expires: 30/);
      const notify = await raw.received.next('NOTIFY', (m) => m.startsWith('NOTIFY '));
      assert.match(notify, /Subscription-State: active;expires=30/);
      assert.match(notify, /Ready/);
      // Answer it like a UA would (an unanswered NOTIFY would end the subscription after 32 s).
      let seen = f.server.stats().messagesIn;
      raw.send(answer(notify));
      await until(() => f.server.stats().messagesIn > seen, 'the server to read the answer');
      // Refresh inside the subscription dialog.
      const toTag = /^To: .*;tag=(\w+)/m.exec(accepted)?.[1];
      assert.ok(toTag);
      raw.send(
        rawRequest('SUBSCRIBE', `sip:guest@${DOMAIN}`, {
          host: raw.host,
          domain: DOMAIN,
          user: 'raw',
          callId: 'sub-1',
          cseq: 2,
          toTag,
          extra: ['Event: presence', 'Expires: 60'],
        }),
      );
      assert.match(await raw.response(200), /Expires: 60/);
      const refreshNotify = await raw.received.next('NOTIFY after refresh', (m) => m.startsWith('NOTIFY '));
      assert.match(refreshNotify, /Subscription-State: active;expires=60/);
      seen = f.server.stats().messagesIn;
      raw.send(answer(refreshNotify));
      await until(() => f.server.stats().messagesIn > seen, 'the server to read the answer');
      clock.advance(40_000);
      assert.equal(f.server.stats().subscriptions, 1, 'the refresh moved the expiry');
      clock.advance(81_000);
      const final = await raw.received.next('terminated NOTIFY', (m) => m.startsWith('NOTIFY ') && /terminated/.test(m));
      assert.match(final, /Subscription-State: terminated;reason=timeout/);
      assert.equal(f.server.stats().subscriptions, 0);
      assert.equal(f.server.stats().publications, 0, 'the publication expired too');
      raw.close();
    } finally {
      await f.close();
    }
  });
});

describe('PIDF reading', () => {
  test('basic, note and activities; availability rule', () => {
    const s = summarisePidf(pidf('sip:a@b', 'open', 'on-the-phone', 'Talking'));
    assert.deepEqual(s, { basic: 'open', note: 'Talking', activities: ['on-the-phone'] });
    assert.equal(isAvailablePidf(s), false);
    assert.equal(isAvailablePidf(summarisePidf(pidf('sip:a@b', 'open'))), true);
    assert.equal(isAvailablePidf(summarisePidf(pidf('sip:a@b', 'closed'))), false);
    assert.equal(isAvailablePidf(summarisePidf('<presence/>')), false);
    // What the connector publishes (src/telephony/sip/presence-documents.ts): status in the note.
    const connector = (basic: string, note: string): string =>
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b">\r\n  <tuple id="switchboard"><status><basic>${basic}</basic></status></tuple>\r\n  <note>${note}</note>\r\n</presence>`;
    assert.equal(isAvailablePidf(summarisePidf(connector('open', 'Available'))), true);
    assert.equal(isAvailablePidf(summarisePidf(connector('open', 'Wrap-up'))), false);
    assert.equal(isAvailablePidf(summarisePidf(connector('open', 'On the phone'))), false);
    assert.equal(isAvailablePidf(summarisePidf(connector('closed', 'Away'))), false);
  });
});

/** A 200 OK for a request received by the raw client. */
function answer(request: string): string {
  const keep = request.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
  return `SIP/2.0 200 OK\r\n${keep.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`;
}

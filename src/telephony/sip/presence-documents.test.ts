import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineStateFromDialogInfo, pidfFor, presenceFromPidf } from './presence-documents.ts';

test('PIDF says open for reachable statuses and closed otherwise, with an escaped entity', () => {
  const doc = pidfFor('sip:1001@pbx&co', 'available');
  assert.match(doc, /entity="sip:1001@pbx&amp;co"/);
  assert.match(doc, /<basic>open<\/basic>/);
  assert.match(pidfFor('sip:1001@pbx', 'away'), /<basic>closed<\/basic>[\s\S]*<note>Away<\/note>/);
});

const doc = (inner: string) =>
  `<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:1002@pbx">${inner}</dialog-info>`;

test('dialog-info maps to idle, ringing and busy', () => {
  assert.equal(lineStateFromDialogInfo(doc('')), 'idle');
  assert.equal(lineStateFromDialogInfo(doc('<dialog id="a" direction="recipient"><state>early</state></dialog>')), 'ringing');
  assert.equal(lineStateFromDialogInfo(doc('<dialog id="a"><state event="x">confirmed</state></dialog><dialog id="b"><state>early</state></dialog>')), 'busy');
  assert.equal(lineStateFromDialogInfo(doc('<dialog id="a"><state>terminated</state></dialog>')), 'idle');
  assert.equal(lineStateFromDialogInfo('<di:dialog-info xmlns:di="x"><di:dialog><di:state>Confirmed</di:state></di:dialog></di:dialog-info>'), 'busy');
});

test('a body that is not dialog-info gives undefined; an empty one is idle', () => {
  assert.equal(lineStateFromDialogInfo('<presence/>'), undefined);
  assert.equal(lineStateFromDialogInfo(' \r\n'), 'idle');
});

test("a colleague's PIDF reads as open, away or offline; an empty body as none", () => {
  assert.equal(presenceFromPidf(pidfFor('sip:1002@pbx', 'available')), 'open');
  assert.equal(presenceFromPidf(pidfFor('sip:1002@pbx', 'on-call')), 'open');
  assert.equal(presenceFromPidf(pidfFor('sip:1002@pbx', 'away')), 'away');
  assert.equal(presenceFromPidf(pidfFor('sip:1002@pbx', 'offline')), 'offline');
  // A server's own document for a user it has no registration for (the embedded server's default).
  assert.equal(
    presenceFromPidf(
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:1002@pbx"><tuple id="d"><status><basic>closed</basic></status></tuple></presence>',
    ),
    'offline',
  );
  // Several tuples (Kamailio aggregates publications): one open is enough.
  assert.equal(
    presenceFromPidf(
      '<p:presence xmlns:p="urn:ietf:params:xml:ns:pidf"><p:tuple id="a"><p:status><p:basic>closed</p:basic></p:status></p:tuple><p:tuple id="b"><p:status><p:basic>Open</p:basic></p:status></p:tuple></p:presence>',
    ),
    'open',
  );
  assert.equal(presenceFromPidf(''), 'none');
  assert.equal(presenceFromPidf('<dialog-info/>'), undefined);
});

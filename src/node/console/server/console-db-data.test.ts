import { it } from 'node:test';
import assert from 'node:assert/strict';
import { openConsoleData } from './console-db-data.ts';
import { DEMO, DEMO_SOFTPHONE_LAYOUT } from '../seed/index.ts';
import { DataError } from './console-data.ts';

function open() {
  const opened = openConsoleData({ file: ':memory:', sipServer: 'ws://127.0.0.1:7000' });
  return { ...opened, user: opened.data.defaultUser() };
}

const codes = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DataError) return e.errors.map((x) => `${x.errorCode}:${x.fields.join(',')}`);
    throw e;
  }
  return [];
};

it('a fresh database is the seeded demo org, its call center pointing the connector at the SIP server', () => {
  const { data, user, close } = open();
  assert.equal(user.Username, DEMO.agent.username);
  const settings = data.callCenterSettings(user.CallCenterId!);
  assert.equal(settings['/reqGeneralInfo/reqAdapterUrl'], DEMO.callCenter.adapterUrl);
  assert.equal(settings['/switchboard/sipWebSocketUrl'], 'ws://127.0.0.1:7000');
  assert.equal(settings['/switchboard/sipDomain'], 'localhost');
  assert.deepEqual(data.softphoneLayout(user.Id), DEMO_SOFTPHONE_LAYOUT);
  assert.deepEqual(
    data.search(DEMO.uniqueContactPhone, ['Contact']).map((r) => r.Id),
    [DEMO.uniqueContact.id],
  );
  assert.deepEqual(
    data
      .search(DEMO.sharedPhone)
      .map((r) => r.Id)
      .sort(),
    DEMO.sharedBy.map((r) => r.id).sort(),
  );
  close();
});

it('creates and updates with Salesforce field rules', () => {
  const { data, user, close } = open();
  assert.deepEqual(
    codes(() => data.create('Task', { Subject: 'x', Bogus__c: 1 }, user.Id)),
    ['INVALID_FIELD:Bogus__c'],
  );
  assert.deepEqual(
    codes(() => data.create('Contact', { FirstName: 'No' }, user.Id)),
    ['REQUIRED_FIELD_MISSING:LastName'],
  );
  assert.deepEqual(
    codes(() => data.create('Task', { Subject: 'x', CallType: 'Sideways' }, user.Id)),
    ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:CallType'],
  );
  assert.deepEqual(
    codes(() => data.create('Task', { Subject: 'x', WhoId: '001000000000000AAA' }, user.Id)),
    ['INVALID_CROSS_REFERENCE_KEY:WhoId'],
  );
  const lead = data.create('Lead', { LastName: 'Lane', Company: 'Initech' }, user.Id);
  const account = data.create('Account', { Name: 'Acme' }, user.Id);
  assert.deepEqual(
    codes(() => data.create('Task', { Subject: 'x', WhoId: lead, WhatId: account }, user.Id)),
    ['FIELD_INTEGRITY_EXCEPTION:WhatId'],
  );
  assert.deepEqual(
    codes(() => data.create('Nope__c', {}, user.Id)),
    ['INVALID_TYPE:'],
  );
  assert.deepEqual(
    codes(() => data.create('Contact', { LastName: 'A', Name: 'B' }, user.Id)),
    ['INVALID_FIELD_FOR_INSERT_UPDATE:Name'],
  );
  const contact = data.create('Contact', { FirstName: 'Ada', LastName: 'Lovelace', Phone: '(415) 555-0134' }, user.Id);
  assert.equal(data.record(contact)?.name, 'Ada Lovelace');
  const task = data.create('Task', { Subject: 'Call', WhoId: contact, CallObject: 'c-1' }, user.Id);
  assert.equal(data.record(task)?.fields.Status, 'Not Started');
  assert.equal(data.record(task)?.fields.OwnerId, user.Id);
  data.update(task, { Status: 'Completed' }, user.Id);
  assert.equal(data.record(task)?.fields.IsClosed, true);
  assert.deepEqual(
    codes(() => data.update(task, { TaskSubtype: 'Email' }, user.Id)),
    ['INVALID_FIELD_FOR_INSERT_UPDATE:TaskSubtype'],
  );
  assert.deepEqual(
    codes(() => data.update(contact, { LastName: '' }, user.Id)),
    ['REQUIRED_FIELD_MISSING:LastName'],
  );
  assert.deepEqual(
    data.activities(contact).map((t) => t.Id),
    [task],
  );
  assert.equal(data.findByCallObject('Task', 'c-1', user.Id)?.Id, task);
  assert.equal(data.findByCallObject('Task', 'c-1', '005000000000000AAA'), undefined);
  assert.deepEqual(
    codes(() => data.findByCallObject('Account', 'c-1', user.Id)),
    ['INVALID_FIELD:CallObject'],
  );
  close();
});

it('finds phone numbers whatever their format, and names by text', () => {
  const { data, user, close } = open();
  const a = data.create('Contact', { LastName: 'One', Phone: '+1 907-555-0177' }, user.Id);
  const b = data.create('Account', { Name: 'Zyxwv Phones', Phone: '9075550177' }, user.Id);
  data.create('Lead', { LastName: 'Other', Company: 'X', Phone: '+44 20 7946 0958' }, user.Id);
  assert.deepEqual(
    data
      .search('(907) 555 0177')
      .map((r) => r.Id)
      .sort(),
    [a, b].sort(),
  );
  assert.deepEqual(
    data.search('+19075550177', ['Contact']).map((r) => r.Id),
    [a],
  );
  assert.deepEqual(
    data.search('Zyxwv Phones').map((r) => r.Id),
    [b],
  );
  close();
});

it('stores a softphone layout per user and re-imports a call center by internal name', () => {
  const { data, user, close } = open();
  const layout = {
    ...DEMO_SOFTPHONE_LAYOUT,
    Internal: { callRelatedFields: [], objects: { Contact: [{ apiName: 'Name', displayName: 'Name' }] }, screenPopSettings: {} },
  };
  data.saveSoftphoneLayout(user.Id, layout);
  assert.deepEqual(data.softphoneLayout(user.Id), layout);
  const before = data.callCenters().length;
  const xml = (name: string) =>
    `<callCenter><section sortOrder="0" name="reqGeneralInfo"><item sortOrder="0" name="reqInternalName">Twice</item><item sortOrder="1" name="reqDisplayName">${name}</item></section></callCenter>`;
  const first = data.importCallCenter(xml('First'));
  const second = data.importCallCenter(xml('Second'));
  assert.equal(first.Id, second.Id);
  assert.equal(second.Name, 'Second');
  assert.equal(data.callCenters().length, before + 1);
  close();
});

it('an admin edits one call center item; getCallCenterSettings reads it; unknown items are refused', () => {
  const { data, user, close } = open();
  const cc = user.CallCenterId!;
  data.setCallCenterItem(cc, 'switchboard', 'wrapUpEnabled', 'false');
  assert.equal(data.callCenterSettings(cc)['/switchboard/wrapUpEnabled'], 'false');
  data.setCallCenterItem(cc, 'switchboard', 'sipDomain', 'pbx.example.com');
  assert.equal(data.callCenterSettings(cc)['/switchboard/sipDomain'], 'pbx.example.com');
  assert.deepEqual(
    codes(() => data.setCallCenterItem(cc, 'switchboard', 'wrapUpEnabeld', 'true')),
    ['INVALID_FIELD:wrapUpEnabeld'],
  );
  assert.deepEqual(
    codes(() => data.setCallCenterItem('04v000000000999', 'switchboard', 'wrapUpEnabled', 'true')),
    ['INVALID_CROSS_REFERENCE_KEY:'],
  );
  close();
});

it("names lookups' parents in one go and lists an Account's and a Contact's related records", () => {
  const { data, user, close } = open();
  const account = data.create('Account', { Name: 'Related Co' }, user.Id);
  const contact = data.create('Contact', { LastName: 'Kid', AccountId: account }, user.Id);
  const caseId = data.create('Case', { Subject: 'Broken', AccountId: account, ContactId: contact }, user.Id);
  const names = data.lookupNames([account, contact, account, '001000000000999AAA', DEMO.agent.id]);
  assert.deepEqual(names[account], { object: 'Account', name: 'Related Co' });
  assert.deepEqual(names[contact], { object: 'Contact', name: 'Kid' });
  assert.deepEqual(names[DEMO.agent.id], { object: 'User', name: DEMO.agent.name });
  assert.equal(names['001000000000999AAA'], undefined);
  const summary = (id: string) => data.relatedLists(data.record(id)!).map((l) => `${l.label}:${l.count}:${l.records.map((r) => r.Id).join(',')}`);
  assert.deepEqual(summary(account), [`Contacts:1:${contact}`, `Cases:1:${caseId}`, 'Opportunities:0:']);
  assert.deepEqual(summary(contact), [`Cases:1:${caseId}`]);
  assert.deepEqual(summary(caseId), []);
  close();
});

it("reads a record's activities and related records a page at a time, newest first, and counts them all", () => {
  const { data, user, close } = open();
  const contact = data.create('Contact', { LastName: 'Often Called' }, user.Id);
  const tasks = Array.from({ length: 23 }, (_, i) => data.create('Task', { Subject: `Call ${i + 1}`, WhoId: contact }, user.Id));
  const newestFirst = [...tasks].reverse();
  assert.equal(data.activityCount(contact), 23);
  assert.deepEqual(
    data.activities(contact, { limit: 10 }).map((t) => t.Id),
    newestFirst.slice(0, 10),
  );
  assert.deepEqual(
    data.activities(contact, { limit: 10, offset: 20 }).map((t) => t.Id),
    newestFirst.slice(20),
  );
  assert.deepEqual(
    data.activities(contact).map((t) => t.Id),
    newestFirst,
  );
  assert.equal(data.activityCount('003000000000999AAA'), 0);

  const cases = Array.from({ length: 7 }, (_, i) => data.create('Case', { Subject: `Case ${i + 1}`, ContactId: contact }, user.Id));
  const record = data.record(contact)!;
  const card = data.relatedLists(record).find((l) => l.relationship === 'Cases');
  assert.deepEqual([card?.count, card?.records.map((r) => r.Id)], [7, [...cases].reverse().slice(0, 5)]);
  const all = data.relatedList(record, 'Cases', { limit: 50 });
  assert.deepEqual([all?.label, all?.count, all?.records.map((r) => r.Id)], ['Cases', 7, [...cases].reverse()]);
  assert.deepEqual(
    data.relatedList(record, 'Cases', { limit: 5, offset: 5 })?.records.map((r) => r.Id),
    [...cases].reverse().slice(5),
  );
  assert.equal(data.relatedList(record, 'Opportunities', { limit: 50 }), undefined, 'a Contact page has no Opportunities list');
  close();
});

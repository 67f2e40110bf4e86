import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openConsoleDb, findObject, type OpenConsoleDb } from '../db/index.ts';
import { tableOf } from '../db/sql.ts';
import { DEMO, seedConsoleDb, seedIfEmpty, upgradeDemoOrg } from './index.ts';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const seeded = (): OpenConsoleDb => {
  const db = openConsoleDb({ file: ':memory:', now: () => NOW });
  assert.equal(seedIfEmpty(db), true);
  return db;
};
const shared = seeded();

test('seeding is deterministic', () => {
  const other = seeded();
  for (const object of ['Account', 'Contact', 'Lead', 'Case', 'Opportunity', 'Task', 'User']) {
    const soql = `SELECT Id, Name FROM ${object} ORDER BY Id`
      .replace('Id, Name FROM Case', 'Id, CaseNumber, Subject FROM Case')
      .replace('Id, Name FROM Task', 'Id, Subject, WhoId, CallDurationInSeconds FROM Task');
    assert.deepEqual(other.query(soql).records, shared.query(soql).records, object);
  }
  assert.equal(seedIfEmpty(other), false);
  assert.throws(() => seedConsoleDb(other), /already has data/);
});

test('seed shape: several hundred records, users, call center, layout', () => {
  const count = (o: string) => shared.query(`SELECT COUNT() FROM ${o}`).totalSize;
  assert.deepEqual(
    { Account: count('Account'), Contact: count('Contact'), Lead: count('Lead'), Case: count('Case'), Opportunity: count('Opportunity'), User: count('User') },
    { Account: 60, Contact: 250, Lead: 60, Case: 120, Opportunity: 40, User: 4 },
  );
  assert.ok(count('Task') >= 100);
  assert.equal(shared.query("SELECT COUNT() FROM Task WHERE TaskSubtype = 'Call' AND CallType != null AND Status = 'Completed'").totalSize, count('Task'));
  const countries = new Set(shared.query('SELECT BillingCountry FROM Account').records.map((r) => r.BillingCountry));
  assert.ok(countries.size >= 5, `countries: ${[...countries].join(', ')}`);
  const phones = shared.query('SELECT Phone FROM Contact').records.map((r) => String(r.Phone));
  assert.ok(phones.some((p) => p.startsWith('+')) && phones.some((p) => /^[(0]/.test(p)), 'mixed national and international forms');
});

test('DEMO fixtures match the database', () => {
  const agent = shared.retrieve('User', DEMO.agent.id, ['Username', 'Name', 'LocaleSidKey', 'CallCenterId']);
  assert.deepEqual([agent.Username, agent.Name, agent.LocaleSidKey, agent.CallCenterId], [DEMO.agent.username, DEMO.agent.name, 'en_US', DEMO.callCenter.id]);
  assert.equal(shared.retrieve('User', DEMO.secondAgent.id, ['CallCenterId']).CallCenterId, DEMO.callCenter.id);
  assert.equal(shared.retrieve('User', DEMO.admin.id, ['Name']).Name, DEMO.admin.name);
  const all = ['Contact', 'Account', 'Lead'];
  assert.deepEqual(
    shared.searchPhone(DEMO.uniqueContact.e164, all).map((r) => [r.Id, r.Name]),
    [[DEMO.uniqueContact.id, DEMO.uniqueContact.name]],
  );
  assert.deepEqual(
    shared.searchPhone('4155550134', all).map((r) => r.Id),
    [DEMO.uniqueContact.id],
  );
  const sharedHits = shared.searchPhone(DEMO.sharedPhone, all).map((r) => ({ object: r.attributes.type, id: r.Id, name: r.Name }));
  assert.deepEqual(new Set(sharedHits.map((h) => JSON.stringify(h))), new Set(DEMO.sharedBy.map((h) => JSON.stringify(h))));
  assert.deepEqual(
    shared.searchPhone(DEMO.ukContact.national, all).map((r) => r.Id),
    [DEMO.ukContact.id],
  );
  assert.deepEqual(
    shared.searchPhone(DEMO.ukContact.e164, all).map((r) => r.Id),
    [DEMO.ukContact.id],
  );
  assert.deepEqual(
    shared.searchPhone(DEMO.lead.e164, all).map((r) => r.Id),
    [DEMO.lead.id],
  );
  assert.deepEqual(shared.searchPhone(DEMO.unknownPhone, all), []);
  const c = shared.query(`SELECT Id, Subject, ContactId FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`).records;
  assert.deepEqual(
    c.map((r) => [r.Id, r.Subject, r.ContactId]),
    [[DEMO.case.id, DEMO.case.subject, DEMO.case.contactId]],
  );
  const settings = shared.callCenters.forUser(DEMO.agent.id)!.settings;
  assert.equal(settings['/reqGeneralInfo/reqInternalName'], 'SwitchboardDemo');
  assert.equal(settings['/reqGeneralInfo/reqAdapterUrl'], DEMO.callCenter.adapterUrl);
  assert.equal(settings['/reqGeneralInfo/reqSoftphoneHeight'], '560');
  assert.equal(settings['/reqGeneralInfo/reqSalesforceCompatibilityMode/sortOrder'], '6.0');
  assert.equal(settings['/label'], 'Switchboard Demo');
  const layout = shared.layouts.forUser(DEMO.agent.id)!;
  assert.equal(layout.id, DEMO.softphoneLayout.id);
  assert.deepEqual(Object.keys(layout.layout.Inbound.objects), ['Contact', 'Account', 'Lead', 'Case']);
  assert.deepEqual(layout.layout.Inbound.screenPopSettings.NoMatch, { screenPopType: 'PopToEntity', screenPopData: 'Contact' });
  assert.deepEqual(layout.layout.Outbound.screenPopSettings, {});
});

test('layouts: validation with paths, per-user assignment', () => {
  const db = seeded();
  assert.throws(
    () => db.layouts.create('bad', { Inbound: { objects: { Contact: [{ displayName: 'x', apiName: 'Nope' }] } }, Outbound: {}, Internal: {} }),
    /layout\.Inbound\.objects\.Contact\[0\]\.apiName: no field Nope/,
  );
  assert.throws(
    () => db.layouts.create('bad', { Inbound: { screenPopSettings: { NoMatch: { screenPopType: 'Teleport' } } }, Outbound: {}, Internal: {} }),
    /NoMatch\.screenPopType/,
  );
  const mine = db.layouts.create('Mine', { Inbound: { objects: { Lead: [{ displayName: 'Name', apiName: 'name' }] } }, Outbound: {}, Internal: {} });
  db.layouts.assign(DEMO.secondAgent.id, mine);
  assert.equal(db.layouts.forUser(DEMO.secondAgent.id)!.id, mine);
  assert.deepEqual(db.layouts.forUser(DEMO.secondAgent.id)!.layout.Inbound.objects, { Lead: [{ displayName: 'Name', apiName: 'Name' }] });
  assert.equal(db.layouts.forUser(DEMO.agent.id)!.id, DEMO.softphoneLayout.id);
});

test('each demo agent has their own extension on the demo call center: Ada 1001, Bob 1002, Cara 1003', () => {
  const agents = [DEMO.agent, DEMO.secondAgent, DEMO.thirdAgent].map((a) => {
    const u = shared.retrieve('User', a.id, ['Username', 'Name', 'SwitchboardExtension__c', 'CallCenterId']);
    return [u.Username, u.Name, u.SwitchboardExtension__c, u.CallCenterId];
  });
  assert.deepEqual(agents, [
    ['agent@switchboard.demo', 'Ada Agent', '1001', DEMO.callCenter.id],
    ['agent2@switchboard.demo', 'Bob Backup', '1002', DEMO.callCenter.id],
    ['agent3@switchboard.demo', 'Cara Cover', '1003', DEMO.callCenter.id],
  ]);
  assert.equal(shared.retrieve('User', DEMO.admin.id, ['SwitchboardExtension__c']).SwitchboardExtension__c, null);
});

test('a demo org seeded before per-agent extensions gets them, and Cara, without touching what an admin set', () => {
  const db = seeded();
  db.update('User', DEMO.agent.id, { SwitchboardExtension__c: null });
  db.update('User', DEMO.secondAgent.id, { SwitchboardExtension__c: '2002' });
  // Users cannot be deleted through the API (as in Salesforce): the older seed simply never made Cara.
  db.sql.prepare(`DELETE FROM ${tableOf(findObject('User')!)} WHERE "Id" = ?`).run(DEMO.thirdAgent.id);
  upgradeDemoOrg(db);
  const ext = (username: string) =>
    db
      .query(`SELECT SwitchboardExtension__c, CallCenterId FROM User WHERE Username = '${username}'`)
      .records.map((r) => [r.SwitchboardExtension__c, r.CallCenterId]);
  assert.deepEqual(ext(DEMO.agent.username), [['1001', DEMO.callCenter.id]]);
  assert.deepEqual(ext(DEMO.secondAgent.username), [['2002', DEMO.callCenter.id]]);
  assert.deepEqual(ext(DEMO.thirdAgent.username), [['1003', DEMO.callCenter.id]]);
  upgradeDemoOrg(db);
  assert.equal(db.query('SELECT COUNT() FROM User').totalSize, 4, 'upgrading twice adds nobody');
});

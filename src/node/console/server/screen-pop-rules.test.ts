import { it } from 'node:test';
import assert from 'node:assert/strict';
import { searchAndPop, queryString } from './screen-pop-rules.ts';
import type { RecordView, SoftphoneLayoutDef } from './console-data.ts';

const rec = (Id: string, object: string, fields: Record<string, string>): RecordView => ({ Id, object, name: fields.Name ?? Id, fields });
const A = rec('003A', 'Contact', { Name: 'Ann', Phone: '1', Email: 'a@x' });
const B = rec('001B', 'Account', { Name: 'Acme', Phone: '1' });
const section = (objects: Record<string, string[]>, pops: SoftphoneLayoutDef['Inbound']['screenPopSettings'] = {}) => ({
  callRelatedFields: [],
  objects: Object.fromEntries(Object.entries(objects).map(([o, f]) => [o, f.map((apiName) => ({ apiName, displayName: apiName }))])),
  screenPopSettings: pops,
});
const layout = (inbound: ReturnType<typeof section>): SoftphoneLayoutDef => ({ Inbound: inbound, Outbound: section({}), Internal: section({}) });

it('one match: display fields only, PopToEntity pops the record', () => {
  const r = searchAndPop(
    { searchParams: '4155550100', callType: 'inbound' },
    layout(section({ Contact: ['Name'] }, { SingleMatch: { screenPopType: 'PopToEntity' } })),
    () => [A],
  );
  assert.deepEqual(r.matches, { '003A': { Id: '003A', RecordType: 'Contact', Name: 'Ann' } });
  assert.deepEqual(r.pop, { type: 'sobject', params: { recordId: '003A' } });
});

it('objects outside the layout are not searched; objects without display fields return nothing', () => {
  let asked: readonly string[] = [];
  const r = searchAndPop({ searchParams: 'abc' }, layout(section({ Contact: [], Account: ['Name'] })), (_t, objects) => {
    asked = objects;
    return [A, B];
  });
  assert.deepEqual(asked, ['Contact', 'Account']);
  assert.deepEqual(Object.keys(r.matches), ['001B']);
  assert.equal(r.rule, 'MultipleMatches');
  assert.equal(r.pop, null);
});

it('no match: new record with defaults, Visualforce with query params, flow with args', () => {
  const none = () => [];
  assert.deepEqual(
    searchAndPop(
      { searchParams: 'abc', defaultFieldValues: { Phone: '1' } },
      layout(section({ Contact: ['Name'] }, { NoMatch: { screenPopType: 'PopToEntity', screenPopData: 'Lead' } })),
      none,
    ).pop,
    { type: 'newRecord', params: { entityName: 'Lead', defaultFieldValues: { Phone: '1' } } },
  );
  assert.deepEqual(
    searchAndPop(
      { searchParams: 'abc', queryParams: { ani: '+1 415' } },
      layout(section({ Contact: ['Name'] }, { NoMatch: { screenPopType: 'PopToVisualforce', screenPopData: 'Caller' } })),
      none,
    ).pop,
    { type: 'url', params: { url: '/apex/Caller?ani=%2B1%20415' } },
  );
  assert.deepEqual(
    searchAndPop(
      { searchParams: 'abc', params: { FLOW: { flowArgs: [{ name: 'n', type: 'String', value: 'v' }] } } },
      layout(section({ Contact: ['Name'] }, { NoMatch: { screenPopType: 'PopToFlow', screenPopData: 'NewCaller' } })),
      none,
    ).pop,
    { type: 'flow', params: { flowDevName: 'NewCaller', flowArgs: [{ name: 'n', type: 'String', value: 'v' }] } },
  );
});

it('uses the section of the call type; queryParams strings pass through', () => {
  const l: SoftphoneLayoutDef = {
    Inbound: section({ Contact: ['Name'] }, { SingleMatch: { screenPopType: 'PopToEntity' } }),
    Outbound: section({ Contact: ['Name'] }),
    Internal: section({}),
  };
  assert.equal(searchAndPop({ searchParams: 'abc', callType: 'outbound' }, l, () => [A]).pop, null);
  assert.equal(queryString('?a=1&b=2'), 'a=1&b=2');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordsFromSearchResult } from './records.ts';

test('a Case from a search is named by its number, never by its Id', () => {
  const records = recordsFromSearchResult({
    '5005g00000AbCdEAAV': { Id: '5005g00000AbCdEAAV', RecordType: 'Case', CaseNumber: '00001026', Subject: 'Router keeps rebooting' },
    '0035g00000AbCdEAAV': { Id: '0035g00000AbCdEAAV', RecordType: 'Contact', Name: 'Maria Lopez', Phone: '(415) 555-0134' },
    SCREEN_POP_DATA: { type: 'sobject', params: { recordId: '5005g00000AbCdEAAV' } },
  });
  assert.deepEqual(
    records.map((r) => [r.objectType, r.name]),
    [
      ['Case', '00001026'],
      ['Contact', 'Maria Lopez'],
    ],
  );
  assert.equal(records[0]?.fields?.Subject, 'Router keeps rebooting', 'the other display fields stay as details');
});

test('a record whose layout shows no name field stays unnamed (the panel then falls back)', () => {
  const [record] = recordsFromSearchResult({ '5005g00000AbCdEAAV': { Id: '5005g00000AbCdEAAV', RecordType: 'Case', Subject: 'No number shown' } });
  assert.equal(record?.name, undefined);
});

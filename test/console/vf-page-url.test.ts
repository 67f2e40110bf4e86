import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vfPageUrl } from '../../src/node/console/web/vf-page-url.ts';

const VF = 'http://127.0.0.1:4281';

test('a Visualforce tab frames /apex/ pages of the Visualforce origin only', () => {
  assert.equal(vfPageUrl('/apex/CallDetails?id=1', VF)?.href, `${VF}/apex/CallDetails?id=1`);
  for (const page of [
    '@evil.example/',
    '.evil.example/apex/x',
    ':1@evil.example/',
    '//evil.example/apex/x',
    '/\\evil.example/apex/x',
    'https://evil.example/apex/x',
    '/apex/../softphone/',
    '/lightning/page/home',
    '',
  ]) {
    assert.equal(vfPageUrl(page, VF), undefined, page);
  }
});

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findApexPage, renderVisualforce } from './apex-pages.ts';
import { parseMethodParams, ApexRegistry } from './apex-registry.ts';
import { safeJoin } from './http-util.ts';

it('renders apex:page and apex:includeScript, refuses other components with their line', () => {
  const ok = renderVisualforce(
    '<apex:page showHeader="false">\n<apex:includeScript value="/support/api/62.0/lightning/opencti_min.js"/>\n<p>hi</p>\n</apex:page>',
    'A.page',
  );
  assert.equal(ok.kind, 'page');
  assert.match((ok as { html: string }).html, /<script src="\/support\/api\/62\.0\/lightning\/opencti_min\.js"><\/script>/);
  const bad = renderVisualforce('<apex:page>\n\n<apex:form></apex:form></apex:page>', 'B.page');
  assert.deepEqual(bad, {
    kind: 'error',
    message: 'B.page:3: the console emulator does not render <apex:form>; use plain HTML (supported: apex:page, apex:includeScript)',
  });
  assert.equal(renderVisualforce('<p>no wrapper</p>', 'C.page').kind, 'error');
});

it('finds pages case-insensitively, .page or .html, and nothing outside the folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apex-'));
  writeFileSync(join(dir, 'Softphone.html'), '<p>x</p>');
  assert.deepEqual(findApexPage(dir, 'softphone'), { kind: 'page', html: '<p>x</p>' });
  assert.deepEqual(findApexPage(dir, '..%2Fetc'), { kind: 'missing' });
  assert.deepEqual(findApexPage(undefined, 'Softphone'), { kind: 'missing' });
  assert.equal(safeJoin(dir, '../../etc/passwd'), undefined);
  assert.equal(safeJoin(dir, '%2e%2e/x'), undefined);
  assert.equal(safeJoin(dir, 'a/b.js'), join(dir, 'a/b.js'));
});

it('parses runApex methodParams and looks handlers up case-insensitively', () => {
  assert.deepEqual(parseMethodParams('name=acme%20inc&phone=+1'), { name: 'acme inc', phone: ' 1' });
  assert.deepEqual(parseMethodParams('none'), {});
  assert.deepEqual(parseMethodParams('{}'), {});
  const reg = new ApexRegistry().register('My.Cls', 'go', () => 1);
  assert.ok(reg.find('my.cls', 'GO'));
  assert.equal(reg.find('My.Cls', 'other'), undefined);
  assert.throws(() => reg.register('bad name', 'x', () => 1), /invalid Apex class/);
});

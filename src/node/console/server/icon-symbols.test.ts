import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { createIconSymbols } from './icon-symbols.ts';

const sldsDir = join(dirname(createRequire(import.meta.url).resolve('@salesforce-ux/design-system/package.json')), 'assets');

test('an icon path answers that one symbol of the SLDS sprite, as a document of its own', () => {
  const icons = createIconSymbols(sldsDir);
  const call = icons('/assets/icons/utility/call.svg');
  assert.ok(call, 'utility:call exists');
  assert.match(call, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"><symbol\b[^>]*\bid="call"[^>]*>/);
  assert.equal(call.match(/<symbol\b/g)?.length, 1, 'one symbol only');
  assert.ok(call.length < 4000, `small (${call.length} characters), not the whole sprite`);
  assert.match(icons('/assets/icons/standard/contact.svg') ?? '', /id="contact"/);
});

test('names that are no icon, other categories and odd paths answer nothing', () => {
  const icons = createIconSymbols(sldsDir);
  for (const path of [
    '/assets/icons/utility/no_such_icon.svg',
    '/assets/icons/secret/call.svg',
    '/assets/icons/utility/../call.svg',
    '/assets/icons/utility/Call.svg',
    '/assets/icons/utility/call.png',
  ]) {
    assert.equal(icons(path), undefined, path);
  }
});

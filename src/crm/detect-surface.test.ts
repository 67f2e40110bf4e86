import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectSurface } from './detect-surface.ts';
import { readOrigin } from './shared/load-library.ts';

test('detectSurface: sfdcIframeOrigin → lightning, sfdcIFrameOrigin → classic, neither → undefined', () => {
  assert.equal(detectSurface('?sfdcIframeOrigin=https%3A%2F%2Facme.lightning.force.com&mode=Lightning'), 'lightning');
  assert.equal(detectSurface('?sfdcIFrameOrigin=https%3A%2F%2Facme.my.salesforce.com&nonce=x&isdtp=vw'), 'classic');
  assert.equal(detectSurface('sfdcIframeOrigin=https://a.force.com'), 'lightning', 'leading ? optional');
  assert.equal(detectSurface(''), undefined);
  assert.equal(detectSurface('?sfdciframeorigin=https://a.force.com'), undefined, 'names are case-sensitive');
  assert.equal(detectSurface('?sfdcIframeOrigin='), undefined);
});

test('readOrigin accepts a bare http(s) origin and explains anything else', () => {
  assert.equal(readOrigin('?o=https%3A%2F%2Facme.my.salesforce.com', 'o'), 'https://acme.my.salesforce.com');
  assert.equal(readOrigin('?o=http://127.0.0.1:8080/', 'o'), 'http://127.0.0.1:8080');
  assert.throws(() => readOrigin('', 'o'), /no 'o' parameter/);
  assert.throws(() => readOrigin('?o=acme', 'o'), /not a URL/);
  assert.throws(() => readOrigin('?o=ftp://acme.com', 'o'), /http\(s\) origin/);
  assert.throws(() => readOrigin('?o=https://acme.com/apex/x', 'o'), /http\(s\) origin/);
});

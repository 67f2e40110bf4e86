import { test } from 'node:test';

import assert from 'node:assert/strict';
import { SwitchboardError } from '../../core/index.ts';
import { readLibraryOrigin } from './load-library.ts';
import { checkLibraryOrigin, frameAncestry, isAllowedLibraryOrigin, isSalesforceOrigin, parseTrustedOrigins, type OriginTrust } from './trusted-origins.ts';

test('Salesforce origins: https, default port, under a Salesforce host suffix', () => {
  for (const origin of [
    'https://acme.lightning.force.com',
    'https://acme.my.salesforce.com',
    'https://acme--c.vf.force.com',
    'https://acme--c.visualforce.com',
    'https://na1.salesforce.com',
    'https://acme--uat.sandbox.my.salesforce.com',
    'https://acme--uat.sandbox.lightning.force.com',
    'https://ACME.My.Salesforce.com',
  ])
    assert.equal(isSalesforceOrigin(origin), true, origin);
});

test('look-alikes, customer Sites, http, ports, userinfo and non-origins are not Salesforce origins', () => {
  for (const origin of [
    'https://attacker.example',
    'https://evil.lightning.force.com.attacker.example',
    'https://lightning.force.com.attacker.example',
    'https://x.force.com',
    'https://acme.force.com',
    'https://evillightning.force.com',
    'https://evilsalesforce.com',
    'https://lightning.force.com',
    'https://.salesforce.com',
    'https://*.my.salesforce.com',
    'http://acme.lightning.force.com',
    'http://acme.my.salesforce.com',
    'https://acme.my.salesforce.com:8443',
    'https://acme.my.salesforce.com:443',
    'https://acme.my.salesforce.com.',
    'https://user@acme.my.salesforce.com',
    'https://acme.my.salesforce.com@attacker.example',
    'https://attacker.example#.my.salesforce.com',
    'https://attacker.example/.my.salesforce.com',
    'https://attacker.example?.lightning.force.com',
    'https://attacker.example\\.my.salesforce.com',
    'https://acme.my.salesforce.com/apex/x',
    'wss://acme.my.salesforce.com',
    'javascript:alert(1)//.salesforce.com',
    'null',
    '',
  ])
    assert.equal(isSalesforceOrigin(origin), false, origin);
});

test('trusted origins are matched exactly, never by host or prefix', () => {
  const trusted = ['http://127.0.0.1:4280'];
  assert.equal(isAllowedLibraryOrigin('http://127.0.0.1:4280', trusted), true);
  assert.equal(isAllowedLibraryOrigin('http://127.0.0.1:4281', trusted), false, 'another port');
  assert.equal(isAllowedLibraryOrigin('https://127.0.0.1:4280', trusted), false, 'another scheme');
  assert.equal(isAllowedLibraryOrigin('http://localhost:4280', trusted), false, 'no blanket localhost rule');
  assert.equal(isAllowedLibraryOrigin('http://127.0.0.1:4280', []), false, 'nothing local without being trusted');
  assert.equal(isAllowedLibraryOrigin('https://acme.my.salesforce.com', []), true);
});

test('parseTrustedOrigins reads whitespace or comma lists of bare origins and names a bad entry and where it is', () => {
  assert.deepEqual(parseTrustedOrigins('', 'meta'), []);
  assert.deepEqual(parseTrustedOrigins(' http://127.0.0.1:4280,https://Staging.Example.com:8443/  http://127.0.0.1:4280 ', 'meta'), [
    'http://127.0.0.1:4280',
    'https://staging.example.com:8443',
  ]);
  for (const bad of ['*', 'https://*.example.com', 'https://a.example/path', 'ftp://a.example', 'a.example', 'https://u:p@a.example']) {
    assert.throws(
      () => parseTrustedOrigins(`http://127.0.0.1:1 ${bad}`, 'the switchboard-trusted-origins meta tag'),
      (e: unknown) => {
        assert.ok(e instanceof SwitchboardError);
        assert.equal(e.code, 'SB30001');
        assert.ok(e.message.includes(`the switchboard-trusted-origins meta tag lists '${bad}'`), e.message);
        return true;
      },
      bad,
    );
  }
});

const framedBy = (parentOrigin: string | undefined, trustedOrigins: readonly string[] = []): OriginTrust => ({
  trustedOrigins,
  ancestry: parentOrigin === undefined ? { framed: true } : { framed: true, parentOrigin },
});

test('checkLibraryOrigin: allowed and framed by that origin; the refusal names the origin and how an admin allows one', () => {
  assert.equal(
    checkLibraryOrigin('https://acme.lightning.force.com', 'sfdcIframeOrigin', framedBy('https://acme.lightning.force.com')),
    'https://acme.lightning.force.com',
  );
  assert.equal(
    checkLibraryOrigin('https://acme.lightning.force.com', 'sfdcIframeOrigin', framedBy(undefined)),
    'https://acme.lightning.force.com',
    'browser does not tell',
  );
  assert.throws(
    () => checkLibraryOrigin('https://attacker.example', 'sfdcIframeOrigin', framedBy('https://attacker.example')),
    /refused to load Open CTI from https:\/\/attacker\.example \(the 'sfdcIframeOrigin' of its URL\).*administrator allows another origin.*switchboard-trusted-origins/,
  );
  assert.throws(
    () => checkLibraryOrigin('https://acme.lightning.force.com', 'sfdcIframeOrigin', { trustedOrigins: [], ancestry: { framed: false } }),
    /not inside a frame/,
  );
  assert.throws(
    () => checkLibraryOrigin('https://acme.lightning.force.com', 'sfdcIframeOrigin', framedBy('https://attacker.example')),
    /framing it is https:\/\/attacker\.example/,
  );
  assert.throws(() => checkLibraryOrigin('https://acme.lightning.force.com', 'sfdcIframeOrigin', framedBy('null')), /framing it is null/, 'an opaque parent');
});

test('readLibraryOrigin: format first, then trust; userinfo and path tricks never reach the allow-list as Salesforce', () => {
  const trust = framedBy(undefined);
  assert.equal(readLibraryOrigin(`?o=${encodeURIComponent('https://ACME.my.salesforce.com')}`, 'o', trust), 'https://acme.my.salesforce.com');
  assert.throws(() => readLibraryOrigin(`?o=${encodeURIComponent('https://acme.my.salesforce.com@attacker.example')}`, 'o', trust), /origin/);
  assert.throws(() => readLibraryOrigin(`?o=${encodeURIComponent('https://attacker.example/x.my.salesforce.com')}`, 'o', trust), /origin/);
  assert.throws(
    () => readLibraryOrigin(`?o=${encodeURIComponent('https://attacker.example')}`, 'o', trust),
    /refused to load Open CTI from https:\/\/attacker\.example/,
  );
});

test('frameAncestry: top level, ancestorOrigins first, else the referrer origin, else unknown', () => {
  const top: { parent: unknown; location: object } = { parent: undefined, location: {} };
  top.parent = top;
  assert.deepEqual(frameAncestry(top, 'https://acme.lightning.force.com/'), { framed: false });
  const parent = {};
  assert.deepEqual(
    frameAncestry(
      { parent, location: { ancestorOrigins: { length: 2, 0: 'https://acme.lightning.force.com', 1: 'https://x.example' } } },
      'https://other.example/',
    ),
    { framed: true, parentOrigin: 'https://acme.lightning.force.com' },
  );
  assert.deepEqual(frameAncestry({ parent, location: {} }, 'https://acme.lightning.force.com/lightning/page/home'), {
    framed: true,
    parentOrigin: 'https://acme.lightning.force.com',
  });
  assert.deepEqual(frameAncestry({ parent, location: { ancestorOrigins: { length: 0 } } }, ''), { framed: true });
  assert.deepEqual(frameAncestry({ parent, location: {} }, 'not a url'), { framed: true });
});

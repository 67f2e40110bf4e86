/**
 * The connector page's configuration (src/node/connector-page): its CSP allows scripts from exactly
 * the Salesforce hosts the connector itself accepts (src/crm/shared/trusted-origins.ts: the tools
 * may not import the browser layers, so the list has two copies and this test keeps them one),
 * plus the trusted origins; connections only to the page and the SIP WebSockets; and the page's
 * meta tags are rewritten, not duplicated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SALESFORCE_HOST_SUFFIXES as CRM_SUFFIXES } from '../../src/crm/shared/trusted-origins.ts';
import { checkTrustedOrigin, configureConnectorPage, connectorCsp, SALESFORCE_HOST_SUFFIXES } from '../../src/node/connector-page/connector-page.ts';

const directive = (csp: string, name: string): string[] =>
  csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name)
    ?.slice(1) ?? [];

test("the policy and the connector agree on Salesforce's hosts", () => {
  assert.deepEqual([...SALESFORCE_HOST_SUFFIXES], [...CRM_SUFFIXES]);
  const csp = connectorCsp({ trustedOrigins: [] });
  assert.deepEqual(directive(csp, 'script-src'), ["'self'", ...CRM_SUFFIXES.map((s) => `https://*${s}`)]);
  assert.ok(!directive(csp, 'script-src').includes('https://*.force.com'), 'customer Sites are not Salesforce');
});

test('trusted origins join script-src; SIP WebSockets (their origins) make connect-src; nothing inline', () => {
  const csp = connectorCsp({
    trustedOrigins: ['http://127.0.0.1:4280'],
    sipWebSocketUrls: ['ws://127.0.0.1:5066/', 'wss://pbx.example.com:8089/ws', 'not a url', 'https://x.example'],
  });
  assert.ok(directive(csp, 'script-src').includes('http://127.0.0.1:4280'));
  assert.deepEqual(directive(csp, 'connect-src'), ["'self'", 'ws://127.0.0.1:5066', 'wss://pbx.example.com:8089']);
  assert.deepEqual(directive(csp, 'default-src'), ["'none'"]);
  assert.ok(!csp.includes("'unsafe-inline'") && !csp.includes("'unsafe-eval'"));
  assert.deepEqual(
    directive(connectorCsp({ trustedOrigins: [] }), 'connect-src'),
    ["'self'", 'wss:'],
    'a build that does not know its SIP server allows any wss: only',
  );
  assert.throws(() => connectorCsp({ trustedOrigins: ['https://*.example.com'] }), /not a bare http\(s\) origin/);
  assert.throws(() => checkTrustedOrigin('http://127.0.0.1:4280/x', '--trusted-origin'), /--trusted-origin: 'http:\/\/127\.0\.0\.1:4280\/x'/);
});

test('configureConnectorPage replaces the meta tags, puts the policy before any script, or drops it for a header', () => {
  const html =
    '<!doctype html><html><head>\n  <meta charset="utf-8" />\n  <meta name="switchboard-trusted-origins" content="" />\n  <script type="module" src="./softphone.js"></script>\n</head><body></body></html>';
  const once = configureConnectorPage(html, { trustedOrigins: ['http://127.0.0.1:4280'], csp: "default-src 'none'" });
  const twice = configureConnectorPage(once, { trustedOrigins: ['https://a.example'], csp: "script-src 'self'" });
  assert.equal(twice.match(/switchboard-trusted-origins/g)?.length, 1);
  assert.equal(twice.match(/Content-Security-Policy/g)?.length, 1);
  assert.match(twice, /content="https:\/\/a\.example"/);
  assert.match(twice, /content="script-src 'self'"/);
  assert.ok(twice.indexOf('<meta charset') < twice.indexOf('Content-Security-Policy') && twice.indexOf('Content-Security-Policy') < twice.indexOf('<script'));
  assert.doesNotMatch(configureConnectorPage(twice, { trustedOrigins: [], csp: undefined }), /Content-Security-Policy/);
});

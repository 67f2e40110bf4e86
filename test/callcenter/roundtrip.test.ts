/** init → build → lint, in both formats; what the connector then reads equals what the config said. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildImportXml, buildMetadataXml, escapeXml, metadataFileName } from '../../src/node/callcenter/build.ts';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import type { CallCenterDefinition } from '../../src/node/callcenter/definition.ts';
import { lintCallCenter } from '../../src/node/callcenter/lint.ts';
import { parseConnectorSettings, SWITCHBOARD_ITEMS } from '../../src/core/index.ts';

function templateDefinition(): CallCenterDefinition {
  const r = loadConfig(initConfigYaml(), 'switchboard.yaml');
  assert.ok(r.ok);
  return r.definition;
}

const tricky: CallCenterDefinition = {
  ...templateDefinition(),
  internalName: 'AcmeSupport',
  displayName: `Acme <Support> & "Sales" 'EU' -- ünïcode ☎`,
  description: 'Line one\nline two & <three>',
  adapterUrl: 'https://softphone.example.com/?a=1&b=2',
  standbyUrl: 'https://standby.example.com/',
  timeout: 8000,
  compatibilityMode: 'Classic_and_Lightning',
  dialing: { outsidePrefix: '9', longDistancePrefix: '1', internationalPrefix: '011' },
};

for (const [label, def] of [
  ['template', templateDefinition()],
  ['tricky values', tricky],
] as const) {
  for (const format of ['import', 'metadata'] as const) {
    test(`${label}: ${format} file lints clean and reads back exactly`, () => {
      const xml = format === 'import' ? buildImportXml(def) : buildMetadataXml(def);
      const name = format === 'import' ? `${def.internalName}.xml` : metadataFileName(def);
      const { problems, callCenter } = lintCallCenter(xml, name);
      const allowed = def.adapterUrl.startsWith('/') ? ['adapter-url-relative'] : [];
      assert.deepEqual(
        problems.filter((p) => !allowed.includes(p.rule)),
        [],
      );
      assert.ok(callCenter);
      assert.equal(callCenter.format, format);
      const map = callCenter.toSettingsMap();
      assert.equal(map['/reqGeneralInfo/reqInternalName'], def.internalName);
      assert.equal(map['/reqGeneralInfo/reqDisplayName'], def.displayName);
      assert.equal(map['/label'], def.displayName);
      assert.equal(map['/reqGeneralInfo/reqAdapterUrl'], def.adapterUrl);
      assert.equal(map['/reqGeneralInfo/reqSalesforceCompatibilityMode'], def.compatibilityMode);
      assert.equal(map['/reqGeneralInfo/reqUseApi'], 'true');
      if (def.description) assert.equal(map['/reqGeneralInfo/reqDescription'], def.description.trim());
      if (def.timeout) assert.equal(map['/reqGeneralInfo/reqTimeout'], String(def.timeout));
      assert.equal(map['/reqDialingOptions/reqInternationalPrefix'], def.dialing.internationalPrefix);
      for (const spec of SWITCHBOARD_ITEMS) {
        assert.equal(map[`/switchboard/${spec.name}`], def.switchboard[spec.name], spec.name);
        assert.equal(map[`/switchboard/${spec.name}/label`], spec.label);
      }
      if (format === 'import') {
        // sortOrders are contiguous from 0 in every section.
        for (const section of callCenter.sections)
          assert.deepEqual(
            section.items.map((i) => i.sortOrder),
            section.items.map((_, i) => i),
            section.name,
          );
        assert.deepEqual(
          callCenter.sections.map((s) => s.sortOrder),
          [0, 1, 2],
        );
      }
      const settings = parseConnectorSettings(map);
      assert.ok(settings.ok, JSON.stringify(settings));
      assert.equal(settings.settings.callCenter.internalName, def.internalName);
      assert.equal(settings.settings.sip.webSocketUrl, def.switchboard['sipWebSocketUrl']);
      assert.equal(settings.settings.dialing.internationalPrefix, def.dialing.internationalPrefix || undefined);
    });
  }
}

test('escapeXml escapes markup and drops characters XML cannot carry', () => {
  assert.equal(escapeXml(`<a href="x">'&'</a>\u0001`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
});

test('the Metadata file has the namespace, required fields and customSettings JSON', () => {
  const xml = buildMetadataXml(tricky);
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<CallCenter xmlns="http:\/\/soap\.sforce\.com\/2006\/04\/metadata">/);
  for (const field of ['adapterUrl', 'customSettings', 'displayName', 'displayNameLabel', 'internalNameLabel', 'sections', 'version'])
    assert.match(xml, new RegExp(`<${field}>`));
  const { callCenter } = lintCallCenter(xml, metadataFileName(tricky));
  assert.equal(callCenter?.internalName, 'AcmeSupport');
  const custom = /<customSettings>(.*)<\/customSettings>/.exec(xml)?.[1] ?? '';
  const decoded = JSON.parse(
    custom
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  ) as Record<string, string>;
  assert.equal(decoded['reqSalesforceCompatibilityMode'], 'Classic_and_Lightning');
  assert.equal(decoded['reqAdapterUrl'], tricky.adapterUrl);
});

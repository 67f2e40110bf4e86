import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  SWITCHBOARD_ITEMS,
  SWITCHBOARD_SECTION,
  checkItemValue,
  parseConnectorSettings,
  parsePairs,
  type ItemSpec,
  type SettingsResult,
} from './connector-settings.ts';

const BASE = {
  '/reqGeneralInfo/reqInternalName': 'AcmeSwitchboard',
  '/reqGeneralInfo/reqDisplayName': 'Acme Switchboard',
  '/switchboard/sipWebSocketUrl': 'wss://pbx.example.com:8089/ws',
  '/switchboard/sipDomain': 'pbx.example.com',
};

function ok(result: SettingsResult) {
  if (!result.ok) assert.fail(`expected settings to parse: ${JSON.stringify(result.problems)}`);
  return result;
}
function problems(result: SettingsResult) {
  if (result.ok) assert.fail('expected problems');
  return result.problems;
}
const spec = (name: string): ItemSpec => {
  const s = SWITCHBOARD_ITEMS.find((i) => i.name === name);
  assert.ok(s, name);
  return s;
};

describe('SWITCHBOARD_ITEMS', () => {
  it('names are unique alphanumerics of at most 40 characters; defaults pass their own checks', () => {
    const names = SWITCHBOARD_ITEMS.map((i) => i.name);
    assert.equal(new Set(names).size, names.length);
    for (const item of SWITCHBOARD_ITEMS) {
      assert.match(item.name, /^[A-Za-z0-9]{1,40}$/);
      assert.ok(item.label && item.description, item.name);
      if (item.default !== undefined) assert.equal(checkItemValue(item, item.default), undefined, item.name);
      if (item.type === 'enum') assert.ok(item.values?.length, item.name);
      assert.equal(item.required && item.default !== undefined, false, `${item.name}: a required item has no default`);
    }
    assert.equal(SWITCHBOARD_SECTION, 'switchboard');
  });
});

describe('parseConnectorSettings', () => {
  it('fills every default from the minimal map', () => {
    const { settings, warnings } = ok(parseConnectorSettings(BASE));
    assert.deepEqual(warnings, []);
    assert.deepEqual(settings, {
      callCenter: { internalName: 'AcmeSwitchboard', displayName: 'Acme Switchboard' },
      sip: {
        webSocketUrl: 'wss://pbx.example.com:8089/ws',
        domain: 'pbx.example.com',
        iceServers: [],
        credentialScheme: 'agent',
        keepAliveSeconds: 25,
        iceGatheringTimeoutMs: 2000,
        headerMappings: { 'x-case-number': 'caseNumber', 'x-account-number': 'accountNumber', 'user-to-user': 'userToUser' },
      },
      dialing: { defaultCountry: 'US' },
      popTiming: 'ring',
      wrapUp: { enabled: true, timeLimitSeconds: 0 },
      dispositions: [
        { code: 'Resolved', label: 'Resolved' },
        { code: 'FollowUp', label: 'Follow-up needed' },
        { code: 'Voicemail', label: 'Left voicemail' },
        { code: 'WrongNumber', label: 'Wrong number' },
      ],
      awayReasons: [
        { id: 'Break', label: 'Break' },
        { id: 'Lunch', label: 'Lunch' },
        { id: 'Training', label: 'Training' },
        { id: 'Meeting', label: 'Meeting' },
      ],
      log: { object: 'Task', subject: '{direction} call {number}', consultations: 'fold' },
      callWaiting: true,
      directory: [],
    });
  });

  it('blank items take their defaults (the Call Center sends blanks as empty strings)', () => {
    const blanks = Object.fromEntries(SWITCHBOARD_ITEMS.filter((i) => !i.required).map((i) => [`/switchboard/${i.name}`, '  ']));
    const { settings } = ok(parseConnectorSettings({ ...BASE, ...blanks }));
    const { settings: defaults } = ok(parseConnectorSettings(BASE));
    assert.deepEqual(settings, defaults);
    assert.equal(settings.wrapUp.enabled, true);
    assert.equal(settings.callWaiting, true);
  });

  it('reads every item', () => {
    const { settings } = ok(
      parseConnectorSettings({
        ...BASE,
        '/switchboard/sipIceServers': '[{"urls":"stun:stun.example.com:3478"},{"urls":["turn:turn.example.com"],"username":"u","credential":"c"}]',
        '/switchboard/sipUsername': ' 1001 ',
        '/switchboard/sipPassword': 'secret',
        '/switchboard/sipHeaderMappings': 'X-Ticket:ticket; X-Queue : queue ;',
        '/switchboard/popTiming': 'answer',
        '/switchboard/wrapUpEnabled': 'FALSE',
        '/switchboard/wrapUpSeconds': '120',
        '/switchboard/dispositionCodes': 'Sale:Sold something',
        '/switchboard/awayReasons': 'Coffee:Coffee: the good kind',
        '/switchboard/logObject': 'Call_Log__c',
        '/switchboard/logSubject': '{name} ({disposition})',
        '/switchboard/logConsultations': 'separate',
        '/switchboard/defaultCountry': 'gb',
        '/switchboard/callWaiting': 'false',
        '/switchboard/directory': '1002:Bob;1003:Carol',
        '/switchboard/unknownItem': 'ignored',
      }),
    );
    assert.deepEqual(settings.sip.iceServers, [{ urls: 'stun:stun.example.com:3478' }, { urls: ['turn:turn.example.com'], username: 'u', credential: 'c' }]);
    assert.equal(settings.sip.username, '1001');
    assert.equal(settings.sip.password, 'secret');
    assert.deepEqual(settings.sip.headerMappings, { 'x-ticket': 'ticket', 'x-queue': 'queue' });
    assert.equal(settings.popTiming, 'answer');
    assert.deepEqual(settings.wrapUp, { enabled: false, timeLimitSeconds: 120 });
    assert.deepEqual(settings.dispositions, [{ code: 'Sale', label: 'Sold something' }]);
    assert.deepEqual(settings.awayReasons, [{ id: 'Coffee', label: 'Coffee: the good kind' }], 'only the first colon splits');
    assert.deepEqual(settings.log, { object: 'Call_Log__c', subject: '{name} ({disposition})', consultations: 'separate' });
    assert.equal(settings.dialing.defaultCountry, 'GB');
    assert.equal(settings.callWaiting, false);
    assert.deepEqual(settings.directory, [
      { extension: '1002', name: 'Bob' },
      { extension: '1003', name: 'Carol' },
    ]);
  });

  it('reads the dialing options of reqDialingOptions', () => {
    const { settings } = ok(
      parseConnectorSettings({
        ...BASE,
        '/reqDialingOptions/reqOutsidePrefix': '9',
        '/reqDialingOptions/reqLongDistPrefix': ' 1 ',
        '/reqDialingOptions/reqInternationalPrefix': '011',
      }),
    );
    assert.deepEqual(settings.dialing, { defaultCountry: 'US', outsidePrefix: '9', longDistancePrefix: '1', internationalPrefix: '011' });
    const { settings: blank } = ok(parseConnectorSettings({ ...BASE, '/reqDialingOptions/reqOutsidePrefix': '  ' }));
    assert.deepEqual(blank.dialing, { defaultCountry: 'US' });
  });

  it('display name falls back to the internal name; a missing internal name is a problem', () => {
    const { settings } = ok(parseConnectorSettings({ ...BASE, '/reqGeneralInfo/reqDisplayName': undefined as unknown as string }));
    assert.equal(settings.callCenter.displayName, 'AcmeSwitchboard');
    const p = problems(parseConnectorSettings({ ...BASE, '/reqGeneralInfo/reqInternalName': '' }));
    assert.deepEqual(
      p.map((x) => x.key),
      ['/reqGeneralInfo/reqInternalName'],
    );
  });

  it('required items: missing or blank is a problem naming the key', () => {
    const p = problems(parseConnectorSettings({ '/reqGeneralInfo/reqInternalName': 'X', '/switchboard/sipDomain': ' ' }));
    assert.deepEqual(
      p.map((x) => x.key),
      ['/switchboard/sipWebSocketUrl', '/switchboard/sipDomain'],
    );
    assert.match(p[0]?.message ?? '', /sipWebSocketUrl is required/);
  });

  const bad: [item: string, value: string, message: RegExp][] = [
    ['sipWebSocketUrl', 'pbx.example.com', /must be a ws:\/\/, wss:\/\/, http:\/\/ or https:\/\/ URL, got 'pbx.example.com'/],
    ['sipWebSocketUrl', 'ftp://pbx', /URL/],
    ['sipIceServers', '[{"urls":', /sipIceServers must be valid JSON/],
    ['sipIceServers', '{"urls":"stun:x"}', /JSON array of \{"urls": \.\.\.\} objects/],
    ['sipIceServers', '[{"url":"stun:x"}]', /JSON array/],
    ['sipIceServers', '[{"urls":[1]}]', /JSON array/],
    ['popTiming', 'later', /popTiming must be one of ring, answer, got 'later'/],
    ['wrapUpEnabled', 'yes', /wrapUpEnabled must be true or false, got 'yes'/],
    ['wrapUpSeconds', '1.5', /must be a whole number, got '1.5'/],
    ['wrapUpSeconds', 'ten', /whole number/],
    ['wrapUpSeconds', '-1', /must be at least 0, got -1/],
    ['wrapUpSeconds', '3601', /must be at most 3600, got 3601/],
    ['dispositionCodes', 'Resolved', /dispositionCodes: 'Resolved' is not a key:value pair/],
    ['awayReasons', 'Break:Break;:Lunch', /':Lunch' is not a key:value pair/],
    ['sipHeaderMappings', 'X-Case-Number:', /not a key:value pair/],
    ['callWaiting', '1', /callWaiting must be true or false/],
  ];
  for (const [item, value, message] of bad) {
    it(`rejects ${item} = ${JSON.stringify(value)}`, () => {
      const p = problems(parseConnectorSettings({ ...BASE, [`/switchboard/${item}`]: value }));
      assert.equal(p.length, 1, JSON.stringify(p));
      assert.equal(p[0]?.key, `/switchboard/${item}`);
      assert.match(p[0]?.message ?? '', message);
    });
  }

  it('accepts the edges of each type', () => {
    for (const [item, value] of [
      ['wrapUpSeconds', '0'],
      ['wrapUpSeconds', '3600'],
      ['wrapUpSeconds', '30.0'],
      ['wrapUpEnabled', 'True'],
      ['popTiming', 'ring'],
      ['sipWebSocketUrl', 'WSS://PBX.EXAMPLE.COM/ws'],
      ['sipIceServers', '[]'],
      ['directory', '1002:Bob;'],
    ] as const) {
      ok(parseConnectorSettings({ ...BASE, [`/switchboard/${item}`]: value }));
    }
  });

  it('reports every problem at once', () => {
    const p = problems(parseConnectorSettings({ ...BASE, '/switchboard/popTiming': 'x', '/switchboard/wrapUpSeconds': 'y', '/switchboard/callWaiting': 'z' }));
    assert.deepEqual(p.map((x) => x.key).sort(), ['/switchboard/callWaiting', '/switchboard/popTiming', '/switchboard/wrapUpSeconds']);
  });

  it('warns about ws:// except on loopback', () => {
    for (const url of ['ws://pbx.example.com:8080/ws', 'ws://10.0.0.5/ws', 'ws://localhost.evil.com/ws', 'ws://127.0.0.1.nip.io/ws']) {
      const { warnings } = ok(parseConnectorSettings({ ...BASE, '/switchboard/sipWebSocketUrl': url }));
      assert.deepEqual(
        warnings.map((w) => w.key),
        ['/switchboard/sipWebSocketUrl'],
        url,
      );
      assert.match(warnings[0]?.message ?? '', /unencrypted ws:\/\//);
    }
    for (const url of ['ws://127.0.0.1:8080/ws', 'ws://localhost:5066', 'ws://[::1]:8080/ws', 'ws://127.0.0.1', 'wss://pbx.example.com/ws']) {
      const { warnings } = ok(parseConnectorSettings({ ...BASE, '/switchboard/sipWebSocketUrl': url }));
      assert.deepEqual(warnings, [], url);
    }
  });
});

describe('parsePairs and checkItemValue', () => {
  it('parsePairs splits on ; and the first :, trimming, skipping empties', () => {
    assert.deepEqual(parsePairs(' a:1 ; b : x:y ;; '), [
      { key: 'a', value: '1' },
      { key: 'b', value: 'x:y' },
    ]);
    assert.deepEqual(parsePairs(''), []);
  });

  it('checkItemValue: optional blanks pass, required blanks fail, list and string types accept anything', () => {
    assert.equal(checkItemValue(spec('popTiming'), ''), undefined);
    assert.match(checkItemValue(spec('sipDomain'), '') ?? '', /required/);
    assert.equal(checkItemValue(spec('logObject'), 'anything at all'), undefined);
    assert.equal(checkItemValue({ name: 'x', label: 'X', type: 'list', required: false, description: 'd' }, 'a;b'), undefined);
  });
});

// sfdx-lwc-jest tests of the switchboardSetup LWC, run by test/callcenter/package-lwc.test.ts
// against the component `switchboard package build` generates. data/fixtures.json is written there
// too: the package's call center, and the problems the Node linter (`callcenter lint`) reports for
// bad values, which the page must show word for word.
import { createElement } from 'lwc';
import SwitchboardSetup from 'c/switchboardSetup';
import listCallCenters from '@salesforce/apex/SwitchboardSetupController.listCallCenters';
import readCallCenter from '@salesforce/apex/SwitchboardSetupController.readCallCenter';
import saveCallCenter from '@salesforce/apex/SwitchboardSetupController.saveCallCenter';

const fixtures = require('./data/fixtures.json');

jest.mock('@salesforce/apex/SwitchboardSetupController.listCallCenters', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SwitchboardSetupController.readCallCenter', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SwitchboardSetupController.saveCallCenter', () => ({ default: jest.fn() }), { virtual: true });

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

async function mount() {
  listCallCenters.mockResolvedValue([{ Id: '04v000000000001AAA', Name: 'Switchboard Softphone', InternalName: fixtures.internalName }]);
  readCallCenter.mockResolvedValue(fixtures.callCenterXml);
  const element = createElement('c-switchboard-setup', { is: SwitchboardSetup });
  document.body.appendChild(element);
  await flush();
  return element;
}

const field = (element, name) => element.shadowRoot.querySelector(`[data-field="${name}"]`);
const control = (element, name) => field(element, name).querySelector('[data-name]');
const texts = (root, selector) => Array.from(root.querySelectorAll(selector)).map((e) => e.textContent);

async function enter(element, name, value) {
  const input = control(element, name);
  input.value = value;
  input.dispatchEvent(new CustomEvent(input.tagName === 'SELECT' ? 'change' : 'input'));
  await flush();
}

async function save(element) {
  element.shadowRoot.querySelector('form').dispatchEvent(new CustomEvent('submit', { cancelable: true }));
  await flush();
}

function switchboardValue(xml, name) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const item = Array.from(doc.getElementsByTagName('items')).find((i) => i.getElementsByTagName('name')[0].textContent === name);
  return item ? item.getElementsByTagName('value')[0].textContent : undefined;
}

afterEach(() => {
  while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  jest.clearAllMocks();
  delete global.WebSocket;
});

test('renders one field per connector setting, filled from the call center read through Apex', async () => {
  const element = await mount();
  expect(readCallCenter).toHaveBeenCalledWith({ internalName: fixtures.internalName });
  expect(Array.from(element.shadowRoot.querySelectorAll('[data-field]')).map((d) => d.dataset.field)).toEqual(fixtures.fieldNames);
  expect(field(element, 'sipDomain').querySelector('label').textContent).toBe('* SIP Domain');
  expect(control(element, 'sipDomain').value).toBe(fixtures.values.sipDomain);
  expect(control(element, 'sipWebSocketUrl').value).toBe(fixtures.values.sipWebSocketUrl);
  expect(control(element, 'popTiming').tagName).toBe('SELECT');
  expect(control(element, 'sipPassword').type).toBe('password');
  expect(texts(element.shadowRoot, '[role="alert"]')).toEqual([]);
  // The call center as Setup lists it, section by section.
  expect(texts(element.shadowRoot, 'section[aria-label="Call Center in Setup"] caption')).toEqual(fixtures.sectionLabels);
});

test('a bad value shows the rule and message callcenter lint gives for it, and is not saved', async () => {
  const element = await mount();
  for (const bad of fixtures.badValues) {
    await enter(element, bad.name, bad.value);
    expect(texts(field(element, bad.name), '[role="alert"]')).toEqual([bad.expected]);
    expect(field(element, bad.name).className).toContain('slds-has-error');
    await save(element);
    expect(saveCallCenter).not.toHaveBeenCalled();
    expect(element.shadowRoot.querySelector('.save-result').textContent).toBe('Not saved: 1 error(s).');
    await enter(element, bad.name, bad.original);
    expect(texts(field(element, bad.name), '[role="alert"]')).toEqual([]);
  }
});

test('save sends Apex the call center file with the new value, and shows what was saved', async () => {
  saveCallCenter.mockImplementation(({ callCenterXml }) => Promise.resolve(callCenterXml));
  const element = await mount();
  await enter(element, 'sipDomain', 'sip.example.org');
  await enter(element, 'popTiming', 'answer');
  await save(element);
  expect(saveCallCenter).toHaveBeenCalledTimes(1);
  const { internalName, callCenterXml } = saveCallCenter.mock.calls[0][0];
  expect(internalName).toBe(fixtures.internalName);
  expect(switchboardValue(callCenterXml, 'sipDomain')).toBe('sip.example.org');
  expect(switchboardValue(callCenterXml, 'popTiming')).toBe('answer');
  expect(switchboardValue(callCenterXml, 'sipWebSocketUrl')).toBe(fixtures.values.sipWebSocketUrl);
  expect(new DOMParser().parseFromString(callCenterXml, 'application/xml').documentElement.namespaceURI).toBe('http://soap.sforce.com/2006/04/metadata');
  expect(element.shadowRoot.querySelector('.save-result').textContent).toBe('Saved. Softphones read the new settings at their next start.');
  expect(texts(element.shadowRoot, 'section[aria-label="Call Center in Setup"] td')).toContain('sip.example.org');
});

test('a save Salesforce refuses shows its reason', async () => {
  saveCallCenter.mockRejectedValue({ body: { message: 'Salesforce refused the call center: Invalid value' } });
  const element = await mount();
  await enter(element, 'sipDomain', 'sip.example.org');
  await save(element);
  expect(element.shadowRoot.querySelector('.save-result').getAttribute('role')).toBe('alert');
  expect(element.shadowRoot.querySelector('.save-result').textContent).toBe('Not saved: Salesforce refused the call center: Invalid value');
});

test('connection test: a SIP server that answers OPTIONS, then a WebSocket that does not open', async () => {
  const sockets = [];
  global.WebSocket = class {
    constructor(url, protocol) {
      Object.assign(this, { url, protocol });
      sockets.push(this);
      setTimeout(() => this.onopen());
    }
    send(data) {
      this.sent = data;
      setTimeout(() => this.onmessage({ data: 'SIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' }));
    }
    close() {
      this.closed = true;
    }
  };
  const element = await mount();
  element.shadowRoot.querySelector('.test-connection').click();
  await flush();
  expect(sockets).toHaveLength(1);
  expect(sockets[0].url).toBe(fixtures.values.sipWebSocketUrl);
  expect(sockets[0].protocol).toBe('sip');
  expect(sockets[0].sent.startsWith(`OPTIONS sip:${fixtures.values.sipDomain} SIP/2.0\r\n`)).toBe(true);
  expect(sockets[0].closed).toBe(true);
  const ok = element.shadowRoot.querySelector('.connection-result');
  expect(ok.getAttribute('role')).toBe('status');
  expect(ok.textContent).toMatch(/^Connected: the WebSocket opened and the SIP server answered OPTIONS with 200 OK in \d+ ms\.$/);

  global.WebSocket = class {
    constructor() {
      setTimeout(() => this.onerror());
    }
    close() {}
  };
  element.shadowRoot.querySelector('.test-connection').click();
  await flush();
  const failed = element.shadowRoot.querySelector('.connection-result');
  expect(failed.getAttribute('role')).toBe('alert');
  expect(failed.textContent).toContain(`Connection test failed: could not open a WebSocket to ${fixtures.values.sipWebSocketUrl}.`);
  expect(failed.textContent).toContain('CSP Trusted Site');
});

/**
 * The customer phone page: a small SIP phone on the connector's own SIP adapter, used to play the
 * caller in demos and browser tests. Sign-in fields are prefilled from the URL
 * (`?ws=ws://127.0.0.1:5065&domain=127.0.0.1&user=customer&password=…&autologin=1`). Every
 * control has an accessible name (tests drive it with getByRole).
 */
import { parseConnectorSettings, silentLogger } from '../../../core/index.ts';
import { browserClock, createSipTelephony, type SipTelephony } from '../../../telephony/sip/index.ts';

const $ = <T extends HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`customer phone: missing ${selector}`);
  return el;
};

const signIn = $<HTMLFormElement>('#sign-in');
const dialForm = $<HTMLFormElement>('#dial');
const state = $<HTMLParagraphElement>('#state');
const callsList = $<HTMLUListElement>('#calls');
const callButton = $<HTMLButtonElement>('#call');
const signOutButton = $<HTMLButtonElement>('#sign-out');
const rows = $<HTMLDivElement>('#rows');

/** Header mappings that keep header names as the attached-data keys, so rows map 1:1 to headers. */
const HEADERS = ['X-Case-Number', 'X-Account-Number', 'User-to-User'];

let phone: SipTelephony | undefined;
const calls = new Map<string, { li: HTMLLIElement; label: HTMLSpanElement; remote: string; direction: 'in' | 'out' }>();

function setState(text: string): void {
  state.textContent = text;
}

function input(form: HTMLFormElement, name: string): HTMLInputElement {
  const el = form.elements.namedItem(name);
  if (!(el instanceof HTMLInputElement)) throw new Error(`customer phone: missing input ${name}`);
  return el;
}

function addRow(header = '', value = ''): void {
  const n = rows.children.length + 1;
  const row = document.createElement('div');
  row.className = 'row';
  row.innerHTML = `<label>Header ${n} name <input data-role="header"></label><label>Header ${n} value <input data-role="value"></label>`;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove header ${n}`);
  remove.addEventListener('click', () => row.remove());
  row.append(remove);
  row.querySelector<HTMLInputElement>('[data-role=header]')!.value = header;
  row.querySelector<HTMLInputElement>('[data-role=value]')!.value = value;
  rows.append(row);
}

function attachedData(): Record<string, string> {
  const data: Record<string, string> = {};
  for (const row of rows.querySelectorAll('.row')) {
    const header = row.querySelector<HTMLInputElement>('[data-role=header]')?.value.trim() ?? '';
    const value = row.querySelector<HTMLInputElement>('[data-role=value]')?.value.trim() ?? '';
    if (header && value) data[header] = value;
  }
  return data;
}

function button(text: string, label: string, onClick: () => Promise<void>): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', () => void onClick().catch((e: unknown) => setState(`Error: ${e instanceof Error ? e.message : String(e)}`)));
  return b;
}

function showCall(callId: string, remote: string, direction: 'in' | 'out', status: string): void {
  const li = document.createElement('li');
  li.dataset.callId = callId;
  const label = document.createElement('span');
  li.append(label);
  const p = phone!;
  if (direction === 'in') {
    li.append(button('Answer', `Answer call from ${remote}`, () => p.answer(callId)));
    li.append(button('Decline', `Decline call from ${remote}`, () => p.decline(callId)));
  }
  li.append(button('Hang up', `Hang up call with ${remote}`, () => p.hangup(callId)));
  callsList.append(li);
  calls.set(callId, { li, label, remote, direction });
  updateCall(callId, status);
}

function updateCall(callId: string, status: string): void {
  const call = calls.get(callId);
  if (!call) return;
  call.label.textContent = `${call.direction === 'in' ? 'From' : 'To'} ${call.remote}: ${status} `;
  if (status === 'connected')
    call.li.querySelectorAll('button').forEach((b) => {
      if (b.textContent !== 'Hang up') b.remove();
    });
  setState(`Call ${call.direction === 'in' ? 'from' : 'to'} ${call.remote}: ${status}`);
}

async function start(ws: string, domain: string, user: string, password: string): Promise<void> {
  const parsed = parseConnectorSettings({
    '/reqGeneralInfo/reqInternalName': 'CustomerPhone',
    '/switchboard/sipWebSocketUrl': ws,
    '/switchboard/sipDomain': domain,
    '/switchboard/sipHeaderMappings': HEADERS.map((h) => `${h}:${h}`).join(';'),
  });
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join(' '));
  await phone?.dispose();
  phone = createSipTelephony(parsed.settings, { clock: browserClock, logger: silentLogger });
  phone.setDelegate({ acceptIncoming: () => true });
  phone.events.on('registration', (s) => {
    const text = {
      unregistered: 'Signed out',
      connecting: 'Connecting…',
      registered: `Signed in as ${user}`,
      reconnecting: 'Reconnecting…',
      failed: 'Sign-in failed',
    }[s.state];
    setState(s.state === 'failed' ? `${text}: ${s.reason}` : text);
    callButton.disabled = s.state !== 'registered';
    signOutButton.disabled = s.state === 'unregistered';
  });
  phone.events.on('incoming', (c) => showCall(c.callId, c.remote.displayName ?? c.remote.number, 'in', 'ringing'));
  phone.events.on('progress', (id, kind) => updateCall(id, kind === 'ringing' ? 'ringing' : 'early media'));
  phone.events.on('established', (id) => updateCall(id, 'connected'));
  phone.events.on('held', (id, held) => updateCall(id, held ? 'on hold' : 'connected'));
  phone.events.on('ended', (id, reason) => {
    updateCall(id, `ended (${reason})`);
    calls.get(id)?.li.remove();
    calls.delete(id);
  });
  await phone.register({ username: user, password, displayName: `Customer ${user}` });
}

signIn.addEventListener('submit', (e) => {
  e.preventDefault();
  const v = (n: string): string => input(signIn, n).value.trim();
  void start(v('ws'), v('domain'), v('user'), input(signIn, 'password').value).catch((err: unknown) =>
    setState(`Sign-in failed: ${err instanceof Error ? err.message : String(err)}`),
  );
});

signOutButton.addEventListener('click', () => {
  void phone?.unregister().then(() => setState('Signed out'));
});

dialForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const target = input(dialForm, 'number').value.trim();
  if (!phone || !target) return;
  const p = phone;
  void p.dial({ target, attachedData: attachedData() }).then(
    (r) => showCall(r.callId, target, 'out', 'calling'),
    (err: unknown) => setState(`Call failed: ${err instanceof Error ? err.message : String(err)}`),
  );
});

$<HTMLButtonElement>('#add-row').addEventListener('click', () => addRow());

const params = new URLSearchParams(location.search);
for (const name of ['ws', 'domain', 'user', 'password']) input(signIn, name).value = params.get(name) ?? '';
input(dialForm, 'number').value = params.get('dial') ?? '';
addRow('X-Case-Number', params.get('case') ?? '');
if (params.get('autologin') === '1') signIn.requestSubmit();

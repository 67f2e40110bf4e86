/**
 * Setup > Switchboard's checklist (package → configured → users → utility item → test call), the
 * test call to the echo extension, and the softphone's diagnosis run from the admin's browser
 * (core/diagnosis: the same verdicts and words the agent's Help tab gives).
 */
import { diagnoseSoftphone, findingTextEn, microphoneFact, overallSeverity } from '../../../core/diagnosis/index.ts';
import { probeFromPage } from '../../package/web/sip-connection-test.ts';
import { ECHO_EXTENSION } from '../../sip-server/echo-extension.ts';
import { h, clear } from './dom.ts';
import type { ApiClient } from './api-client.ts';
import { placeTestCall, type TestCallResult } from './echo-test-call.ts';

interface ChecklistStep {
  readonly id: string;
  readonly title: string;
  readonly state: 'done' | 'todo' | 'unknown';
  readonly detail: string;
  readonly fix?: { readonly label: string; readonly href: string };
}

const STATE_LABEL = { done: 'Done', todo: 'To do', unknown: 'Not checked yet' } as const;

/** The values the page's form holds now (the admin may test before saving). */
export type FormValues = () => Readonly<Record<string, string>>;

export async function renderChecklist(root: HTMLElement, api: ApiClient, callCenterId: string, form: FormValues): Promise<void> {
  const { steps, connectorCsp } = await api.get<{ steps: ChecklistStep[]; connectorCsp: string | null }>(
    `setup/switchboard/checklist?callCenter=${encodeURIComponent(callCenterId)}`,
  );
  const testCallResult = h('div', { 'aria-live': 'polite' });
  const echo = h('input', { id: 'sb-echo', class: 'slds-input', value: ECHO_EXTENSION, autocomplete: 'off' });
  const list = h(
    'ol',
    { 'aria-label': 'Setup checklist', class: 'slds-m-bottom_medium' },
    steps.map((s) =>
      h(
        'li',
        { 'data-step': s.id, 'data-state': s.state, class: 'slds-m-bottom_x-small' },
        h('strong', {}, `${s.title}: `),
        h('span', { class: s.state === 'done' ? 'slds-text-color_success' : s.state === 'todo' ? 'slds-text-color_error' : '' }, STATE_LABEL[s.state]),
        h('p', { class: 'slds-text-body_small' }, s.detail),
        s.fix ? h('a', { href: s.fix.href }, `Fix in ${s.fix.label}`) : null,
        s.id === 'test-call'
          ? h(
              'div',
              {},
              h('label', { class: 'slds-form-element__label', for: 'sb-echo' }, 'Echo extension'),
              echo,
              h('button', { class: 'slds-button slds-button_neutral slds-m-left_x-small', type: 'button', onclick: () => void testCall() }, 'Place test call'),
              testCallResult,
            )
          : null,
      ),
    ),
  );
  const diagnosisResult = h('div', { 'aria-live': 'polite' });
  root.append(
    h(
      'section',
      { 'aria-labelledby': 'sb-checklist-title' },
      h('h2', { id: 'sb-checklist-title', class: 'slds-text-heading_medium' }, 'Setup checklist'),
      list,
    ),
    h(
      'section',
      { 'aria-labelledby': 'sb-diagnosis-title', class: 'slds-m-bottom_medium' },
      h('h2', { id: 'sb-diagnosis-title', class: 'slds-text-heading_medium' }, 'Softphone diagnosis'),
      h(
        'p',
        {},
        'What the softphone checks when it stays blank or gets no calls (CSP, mixed content, microphone, the SIP WebSocket), run from this browser against the settings below.',
      ),
      h('button', { class: 'slds-button slds-button_neutral', type: 'button', onclick: () => void diagnose() }, 'Run diagnosis'),
      diagnosisResult,
    ),
  );

  async function testCall(): Promise<void> {
    clear(testCallResult);
    testCallResult.append(h('p', { role: 'status' }, 'Placing the test call…'));
    const result = await runTestCall(api, form(), echo.value.trim());
    clear(testCallResult);
    const step = list.querySelector<HTMLElement>('[data-step="test-call"]');
    step?.setAttribute('data-state', result.ok ? 'done' : 'todo');
    const m = result.media;
    const measured = m
      ? `Sent ${m.packetsSent} audio packets (${m.bytesSent} bytes), received ${m.packetsReceived} (${m.bytesReceived} bytes); the ${m.tone.frequency} Hz tone went out at level ${m.tone.amplitude.toFixed(2)} and came back at ${m.echoLevel.toFixed(2)}.`
      : '';
    testCallResult.append(
      result.ok
        ? h(
            'p',
            { role: 'status', class: 'slds-text-color_success' },
            `Test call passed: media flows both ways. ${measured}${result.hostedEcho ? ' (The echo ran in this browser: the embedded SIP server carries no media.)' : ''}`,
          )
        : h('p', { role: 'alert', class: 'slds-text-color_error' }, `Test call failed: ${result.reason}${measured ? ` ${measured}` : ''}`),
    );
  }

  async function diagnose(): Promise<void> {
    clear(diagnosisResult);
    diagnosisResult.append(h('p', { role: 'status' }, 'Checking…'));
    const values = form();
    const url = values.sipWebSocketUrl ?? '';
    const [microphone, webSocket] = await Promise.all([
      microphoneFact(navigator, window.isSecureContext),
      /^wss?:\/\//i.test(url) ? probeFromPage(url, values.sipDomain || 'invalid') : Promise.resolve(undefined),
    ]);
    const findings = diagnoseSoftphone({
      // The softphone runs framed by this console, over the same scheme: what this page may open, it may.
      pageOrigin: location.origin,
      sipWebSocketUrl: url,
      cspViolations: [],
      ...(connectorCsp ? { cspPolicies: [connectorCsp] } : {}),
      microphone,
      ...(webSocket ? { webSocket } : {}),
    });
    clear(diagnosisResult);
    const overall = overallSeverity(findings);
    diagnosisResult.append(
      h(
        'p',
        { role: 'status' },
        overall === 'ok'
          ? 'Diagnosis: all checks passed.'
          : `Diagnosis: ${findings.filter((f) => f.severity === overall).length} ${overall === 'error' ? 'problem(s)' : 'warning(s)'} found.`,
      ),
      h(
        'ul',
        { 'aria-label': 'Diagnosis results' },
        findings.map((f) => {
          const text = findingTextEn(f);
          return h(
            'li',
            { 'data-check': f.check, 'data-severity': f.severity, class: 'slds-m-bottom_x-small' },
            h('strong', {}, `${f.severity === 'ok' ? 'OK' : f.severity === 'warning' ? 'Warning' : 'Problem'}: ${text.what}`),
            h('p', { class: 'slds-text-body_small' }, `Why: ${text.why}`),
            text.fix ? h('p', { class: 'slds-text-body_small' }, `Fix: ${text.fix}`) : null,
          );
        }),
      ),
    );
  }
}

async function runTestCall(api: ApiClient, values: Readonly<Record<string, string>>, echoExtension: string): Promise<TestCallResult> {
  const webSocketUrl = values.sipWebSocketUrl ?? '';
  const domain = values.sipDomain ?? '';
  if (!/^wss?:\/\//i.test(webSocketUrl) || !domain) return { ok: false, reason: 'set the SIP WebSocket URL and SIP Domain first.' };
  const caller = await callerCredentials(api, values);
  if ('reason' in caller) return { ok: false, reason: caller.reason };
  let iceServers: RTCIceServer[] = [];
  try {
    const parsed: unknown = JSON.parse(values.sipIceServers || '[]');
    if (Array.isArray(parsed)) iceServers = parsed as RTCIceServer[];
  } catch {
    return { ok: false, reason: "ICE Servers is not valid JSON (Save shows the linter's message)." };
  }
  return placeTestCall({ webSocketUrl, domain, caller, echoExtension: echoExtension || ECHO_EXTENSION, iceServers });
}

/** Signed in as the call center signs agents in: minted for the signed-in user, or the call center's own credentials. */
async function callerCredentials(
  api: ApiClient,
  values: Readonly<Record<string, string>>,
): Promise<{ user: string; authorizationUsername: string; password: string } | { reason: string }> {
  const scheme = values.credentialScheme || (values.sipPassword ? 'static' : 'agent');
  if (scheme === 'ephemeral') {
    const reply = await api.openCti('runApex', { apexClass: 'SwitchboardCredentials', methodName: 'mint', methodParams: '' });
    const raw = reply.success ? (reply.returnValue as { runApex?: unknown } | null)?.runApex : undefined;
    if (typeof raw !== 'string') return { reason: `no credentials could be minted for you: ${reply.errors?.[0]?.description ?? 'no answer'}` };
    const minted = JSON.parse(raw) as { username: string; password: string; extension: string };
    return { user: minted.extension, authorizationUsername: minted.username, password: minted.password };
  }
  if (values.sipUsername && values.sipPassword) return { user: values.sipUsername, authorizationUsername: values.sipUsername, password: values.sipPassword };
  return { reason: 'agents sign in with their own passwords (credential scheme agent): this page has no credentials to call with.' };
}

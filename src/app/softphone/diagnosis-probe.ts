/**
 * The facts the softphone's own diagnosis (core/diagnosis) judges, gathered in this page: the CSP
 * violations it has seen since it loaded, the microphone permission, and a fresh connection to the
 * SIP WebSocket (core/diagnosis probeSipWebSocket) made from this page, so a policy or a network
 * that stops the phone stops the probe too.
 */
import { diagnoseSoftphone, type CspViolation, type DiagnosisFinding, type MicrophoneFact, type WebSocketProbe } from '../../core/diagnosis/index.ts';
import type { EngineState } from '../../core/index.ts';

/** Starts keeping the page's CSP violations (from page load: the phone's own failed connection is one). */
export function recordCspViolations(target: Pick<EventTarget, 'addEventListener'>): () => readonly CspViolation[] {
  const seen: CspViolation[] = [];
  target.addEventListener('securitypolicyviolation', (e) => {
    const v = e as SecurityPolicyViolationEvent;
    if (seen.length < 50) seen.push({ blockedUri: v.blockedURI, directive: v.effectiveDirective || v.violatedDirective });
  });
  return () => [...seen];
}

export interface DiagnosisDeps {
  readonly pageOrigin: string;
  readonly state: () => EngineState;
  readonly cspViolations: () => readonly CspViolation[];
  readonly microphone: () => Promise<MicrophoneFact>;
  readonly probe: (url: string, domain: string) => Promise<WebSocketProbe>;
}

/** The diagnosis of this softphone, now. */
export async function runDiagnosis(deps: DiagnosisDeps): Promise<readonly DiagnosisFinding[]> {
  const sip = deps.state().settings?.sip;
  const url = sip?.webSocketUrl;
  const [microphone, webSocket] = await Promise.all([
    deps.microphone(),
    url && /^wss?:\/\//i.test(url) ? deps.probe(url, sip.domain) : Promise.resolve(undefined),
  ]);
  // Read after the probe, and a task later: a policy that blocked it reports the violation as an event of its own.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return diagnoseSoftphone({
    pageOrigin: deps.pageOrigin,
    ...(url !== undefined ? { sipWebSocketUrl: url } : {}),
    cspViolations: deps.cspViolations(),
    microphone,
    ...(webSocket ? { webSocket } : {}),
    registration: deps.state().registration,
  });
}

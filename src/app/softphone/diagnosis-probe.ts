/**
 * The facts the softphone's own diagnosis (core/diagnosis) judges, gathered in this page: the CSP
 * violations it has seen since it loaded, the microphone permission, and a fresh connection to the
 * SIP WebSocket (the `sip` subprotocol, then an OPTIONS) made the way the phone makes it, so a
 * policy or a network that stops the phone stops the probe too.
 */
import { diagnoseSoftphone, sipOptionsProbe, sipResponseStatus, type CspViolation, type DiagnosisFinding, type MicrophoneFact, type WebSocketProbe } from '../../core/diagnosis/index.ts';
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

/** The microphone permission, or `unavailable` where this page can never have one. */
export async function microphoneFact(nav: Pick<Navigator, 'permissions' | 'mediaDevices'> | undefined, isSecureContext: boolean): Promise<MicrophoneFact> {
  if (!isSecureContext || !nav?.mediaDevices?.getUserMedia) return 'unavailable';
  try {
    const status = await nav.permissions.query({ name: 'microphone' as PermissionName });
    return status.state;
  } catch {
    // No Permissions API entry for the microphone (older browsers): the browser asks at the first call.
    return 'prompt';
  }
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Opens `url` with the `sip` subprotocol and sends an OPTIONS; any SIP response is an answer. */
export function probeSipWebSocket(url: string, domain: string, options: { readonly timeoutMs?: number; readonly WebSocket?: WebSocketConstructor } = {}): Promise<WebSocketProbe> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const Ctor = options.WebSocket ?? WebSocket;
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new Ctor(url, 'sip');
    } catch {
      resolve({ outcome: 'unopened' });
      return;
    }
    let opened = false;
    let sentAt = 0;
    const done = (probe: WebSocketProbe): void => {
      clearTimeout(timer);
      socket.onclose = null;
      socket.onerror = null;
      socket.onmessage = null;
      try {
        socket.close();
      } catch {
        /* already closed */
      }
      resolve(probe);
    };
    const timer = setTimeout(() => done(opened ? { outcome: 'silent', waitedMs: timeoutMs } : { outcome: 'unopened' }), timeoutMs);
    socket.onerror = () => {
      if (!opened) done({ outcome: 'unopened' });
    };
    socket.onclose = () => done(opened ? { outcome: 'silent', waitedMs: Date.now() - sentAt } : { outcome: 'unopened' });
    socket.onopen = () => {
      opened = true;
      sentAt = Date.now();
      socket.send(sipOptionsProbe(domain, Math.random().toString(36).slice(2, 12)));
    };
    socket.onmessage = (event: MessageEvent) => {
      const status = typeof event.data === 'string' ? sipResponseStatus(event.data) : undefined;
      if (status) done({ outcome: 'answered', status, rttMs: Date.now() - sentAt });
    };
  });
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

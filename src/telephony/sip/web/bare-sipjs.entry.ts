/**
 * Benchmark baseline (bench/sip-ringing.ts): a bare sip.js UserAgent with no Switchboard code, as
 * an application would write it from the sip.js docs. `window.bare` registers, places calls, and
 * records when each inbound INVITE reached onInvite (then rejects it with 486).
 */
import { Inviter, Registerer, SessionState, UserAgent } from 'sip.js';

class Bare {
  ua: UserAgent | undefined;
  /** Call-ID → epoch ms when onInvite ran. */
  readonly rings: Record<string, number> = {};

  async start(c: { wsUrl: string; domain: string; username: string; password: string }): Promise<void> {
    const uri = UserAgent.makeURI(`sip:${c.username}@${c.domain}`);
    if (!uri) throw new Error('bad uri');
    this.ua = new UserAgent({
      uri,
      authorizationUsername: c.username,
      authorizationPassword: c.password,
      transportOptions: { server: c.wsUrl },
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 500 },
      logLevel: 'error',
      delegate: {
        onInvite: (invitation) => {
          this.rings[invitation.request.callId] = performance.timeOrigin + performance.now();
          void invitation.reject({ statusCode: 486 });
        },
      },
    });
    await this.ua.start();
    const registerer = new Registerer(this.ua);
    await new Promise<void>((resolve, reject) => {
      void registerer.register({ requestDelegate: { onAccept: () => resolve(), onReject: (r) => reject(new Error(`REGISTER ${r.message.statusCode}`)) } });
    });
  }

  /** Calls `target` and resolves with the Call-ID once the call is over (rejected). */
  async call(target: string, domain: string): Promise<string> {
    if (!this.ua) throw new Error('not started');
    const uri = UserAgent.makeURI(`sip:${target}@${domain}`);
    if (!uri) throw new Error('bad target');
    const inviter = new Inviter(this.ua, uri, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    const done = new Promise<void>((resolve) => inviter.stateChange.addListener((s) => s === SessionState.Terminated && resolve()));
    await inviter.invite();
    await done;
    return inviter.request.callId;
  }
}

declare global {
  interface Window {
    bare: Bare;
  }
}

window.bare = new Bare();

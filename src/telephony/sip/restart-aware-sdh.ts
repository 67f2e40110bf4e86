/**
 * sip.js's web SessionDescriptionHandler, plus one thing it lacks: answering an ICE-restart offer
 * (a re-INVITE whose SDP has a new `a=ice-ufrag`) waits for the candidates the restart gathers.
 *
 * Without trickle ICE the answer must carry them all. sip.js waits for gathering only when the
 * state is not already `complete`, and Chromium still reports `complete` (from the first
 * gathering) right after an answer that restarts ICE was applied: the answer would go out with the
 * old generation's candidates only, which the far end ignores, and a far end that can only reach
 * us through our TURN relay (its permissions come from our candidates) would never connect. So
 * such an answer waits for the next `complete` like a restart offer does, bounded by the same
 * ICE gathering timeout.
 *
 * And it stops waiting for `complete` once the candidates that can carry the call are in
 * (`enough-candidates.ts`): `complete` itself may come seconds later, or never.
 *
 * It also applies `remoteModifiers` to every remote description, whichever path brings it (the
 * first offer or answer, a re-INVITE either way, an UPDATE): sip.js takes modifiers per request,
 * and a fix to what the browser negotiates (`sdp-dtmf.ts`) must not depend on each caller
 * remembering to pass it.
 */
import type { BodyAndContentType, SessionDescriptionHandlerFactory, SessionDescriptionHandlerModifier, Web } from 'sip.js';
// The web platform's values by name, not through sip.js's `Web` namespace: a namespace object used
// as a value makes the bundler keep all of it (SessionManager, SimpleUser: ~30 KB the phone never runs).
import { SessionDescriptionHandler, defaultPeerConnectionConfiguration } from 'sip.js/lib/platform/web/index.js';

type Logger = ConstructorParameters<typeof Web.SessionDescriptionHandler>[0];
import { EnoughCandidates, awaitedCandidateType } from './enough-candidates.ts';

type Options = Web.SessionDescriptionHandlerOptions;
type Modifiers = Parameters<Web.SessionDescriptionHandler['getDescription']>[1];

export class RestartAwareSessionDescriptionHandler extends SessionDescriptionHandler {
  private answeringRestart = false;
  /** Called when the far end's offer restarts ICE, before we answer it (the far end is fixing the path). */
  onRemoteRestart: (() => void) | undefined;
  private readonly enoughCandidates: EnoughCandidates | undefined;

  constructor(
    logger: Logger,
    mediaStreamFactory: Web.MediaStreamFactory,
    configuration?: Web.SessionDescriptionHandlerConfiguration,
    private readonly remoteModifiers: readonly SessionDescriptionHandlerModifier[] = [],
  ) {
    super(logger, mediaStreamFactory, configuration);
    const pc = this._peerConnection;
    if (!pc) return;
    const awaited = awaitedCandidateType(configuration?.peerConnectionConfiguration ?? {});
    const enough = new EnoughCandidates(
      awaited,
      () => iceUfrag(pc.localDescription?.sdp ?? ''),
      () => this.iceGatheringComplete(),
    );
    pc.addEventListener('icecandidate', (e) => enough.candidate(e.candidate));
    this.enoughCandidates = enough;
  }

  protected override waitForIceGatheringComplete(restart?: boolean, timeout?: number): Promise<void> {
    const waiting = super.waitForIceGatheringComplete(restart, timeout);
    // The awaited candidates may be in already (they come while setLocalDescription resolves).
    this.enoughCandidates?.check();
    return waiting;
  }

  override close(): void {
    this.enoughCandidates?.dispose();
    super.close();
  }

  override async setDescription(sdp: string, options?: Options, modifiers?: Modifiers): Promise<void> {
    const pc = this.peerConnection;
    const previous = pc?.remoteDescription?.sdp;
    const isOffer = pc?.signalingState !== 'have-local-offer';
    const restart = isOffer && previous !== undefined && isIceRestart(previous, sdp);
    if (restart) this.onRemoteRestart?.();
    await super.setDescription(sdp, options, [...(modifiers ?? []), ...this.remoteModifiers]);
    this.answeringRestart = restart;
  }

  override getDescription(options?: Options, modifiers?: Modifiers): Promise<BodyAndContentType> {
    if (!this.answeringRestart) return super.getDescription(options, modifiers);
    this.answeringRestart = false;
    // `offerOptions.iceRestart` is what makes sip.js wait for a fresh `complete`; an answer is
    // created from `answerOptions`, so the flag changes nothing else.
    return super.getDescription({ ...options, offerOptions: { ...options?.offerOptions, iceRestart: true } }, modifiers);
  }
}

/** The first `a=ice-ufrag` of an SDP (session or first media level). */
export function iceUfrag(sdp: string): string | undefined {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1];
}

/** True when `next` restarts ICE relative to `previous` (RFC 8839 §4.4.1.1.1: new ufrag). */
export function isIceRestart(previous: string, next: string): boolean {
  const before = iceUfrag(previous),
    after = iceUfrag(next);
  return before !== undefined && after !== undefined && before !== after;
}

/** sip.js's default web factory (same configuration rules), building the handler above. */
export function restartAwareSessionDescriptionHandlerFactory(
  mediaStreamFactory: Web.MediaStreamFactory,
  remoteModifiers: readonly SessionDescriptionHandlerModifier[] = [],
): SessionDescriptionHandlerFactory {
  return (session, options?: Web.SessionDescriptionHandlerFactoryOptions) => {
    const configuration: Web.SessionDescriptionHandlerConfiguration = {
      iceGatheringTimeout: options?.iceGatheringTimeout ?? 5000,
      peerConnectionConfiguration: { ...defaultPeerConnectionConfiguration(), ...options?.peerConnectionConfiguration },
    };
    return new RestartAwareSessionDescriptionHandler(
      session.userAgent.getLogger('sip.SessionDescriptionHandler'),
      mediaStreamFactory,
      configuration,
      remoteModifiers,
    );
  };
}

/**
 * A three-way conference mixed in the browser: we are the bridge. For each call we send our
 * microphone plus the other call's remote audio (so each far party hears us and the other one),
 * and we hear both remotes on our own outputs (they already play there). Web Audio does the mixing;
 * the mixed track replaces the call's audio sender track, so no renegotiation is needed.
 */
export interface MixLeg {
  /** The call's peer connection; its audio sender gets the mixed track. */
  readonly peerConnection: RTCPeerConnection;
  /** What the call sends when not mixed (our microphone); muting it silences us in the mix too. */
  readonly microphone: MediaStreamTrack;
  readonly remote: MediaStream;
}

export class ConferenceMixer {
  private readonly nodes: AudioNode[] = [];
  private readonly legs: MixLeg[];
  private stopped = false;

  private constructor(legs: MixLeg[]) {
    this.legs = legs;
  }

  static async start(context: AudioContext, legs: readonly MixLeg[]): Promise<ConferenceMixer> {
    if (legs.length < 2) throw new RangeError('A conference needs at least two calls.');
    const mixer = new ConferenceMixer([...legs]);
    const sources = legs.map((leg) => ({
      mic: context.createMediaStreamSource(new MediaStream([leg.microphone])),
      remote: context.createMediaStreamSource(leg.remote),
    }));
    mixer.nodes.push(...sources.flatMap((s) => [s.mic, s.remote]));
    await Promise.all(
      legs.map(async (leg, i) => {
        const destination = context.createMediaStreamDestination();
        mixer.nodes.push(destination);
        // Our microphone once per leg: each leg has its own mic track (same device).
        sources[i]!.mic.connect(destination);
        sources.forEach((s, j) => {
          if (j !== i) s.remote.connect(destination);
        });
        const track = destination.stream.getAudioTracks()[0];
        const sender = audioSender(leg.peerConnection);
        if (track && sender) await sender.replaceTrack(track);
      }),
    );
    if (context.state === 'suspended') await context.resume();
    return mixer;
  }

  /** True when this call is one of the mixed ones. */
  includes(pc: RTCPeerConnection | undefined): boolean {
    return this.legs.some((l) => l.peerConnection === pc);
  }

  /** Puts every leg's own microphone back and releases the mixing graph. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const n of this.nodes) n.disconnect();
    await Promise.all(
      this.legs.map(async (leg) => {
        const sender = audioSender(leg.peerConnection);
        if (sender && leg.peerConnection.connectionState !== 'closed') await sender.replaceTrack(leg.microphone).catch(() => {});
      }),
    );
  }
}

export function audioSender(pc: RTCPeerConnection): RTCRtpSender | undefined {
  return pc.getSenders().find((s) => s.track?.kind === 'audio') ?? pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.sender;
}

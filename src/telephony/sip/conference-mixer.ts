/**
 * A three-way conference mixed in the browser: we are the bridge. For each call we send our
 * microphone plus the other call's remote audio (so each far party hears us and the other one),
 * and we hear both remotes on our own outputs (they already play there). Web Audio does the mixing;
 * the mixed track replaces the call's audio sender track, so no renegotiation is needed.
 *
 * The mixer has an AudioContext of its own, closed when the conference stops: Chromium frees
 * MediaStreamAudioSourceNodes and MediaStreamAudioDestinationNodes (and their streams) only with
 * their context, so on the shared one every conference would leave its nodes behind for good.
 */
export interface MixLeg {
  /** The call's peer connection; its audio sender gets the mixed track. */
  readonly peerConnection: RTCPeerConnection;
  /** What the call sends when not mixed (our microphone); muting it silences us in the mix too. */
  readonly microphone: MediaStreamTrack;
  readonly remote: MediaStream;
}

export class ConferenceMixer {
  private nodes: AudioNode[] = [];
  /** The mixed tracks (one per leg) and the microphone wrappers: released by stop(). */
  private streams: MediaStream[] = [];
  private readonly legs: MixLeg[];
  private stopped = false;

  private constructor(
    legs: MixLeg[],
    private readonly context: AudioContext,
  ) {
    this.legs = legs;
  }

  /** Mixes `legs` in a new AudioContext from `createContext` (the mixer closes it when it stops). */
  static async start(legs: readonly MixLeg[], createContext: () => AudioContext = () => new AudioContext()): Promise<ConferenceMixer> {
    if (legs.length < 2) throw new RangeError('A conference needs at least two calls.');
    const context = createContext();
    const mixer = new ConferenceMixer([...legs], context);
    try {
      await mixer.wire(legs);
    } catch (error) {
      await mixer.stop();
      throw error;
    }
    return mixer;
  }

  private async wire(legs: readonly MixLeg[]): Promise<void> {
    const context = this.context;
    const sources = legs.map((leg) => {
      const mic = new MediaStream([leg.microphone]);
      this.streams.push(mic);
      return { mic: context.createMediaStreamSource(mic), remote: context.createMediaStreamSource(leg.remote) };
    });
    this.nodes.push(...sources.flatMap((s) => [s.mic, s.remote]));
    await Promise.all(
      legs.map(async (leg, i) => {
        const destination = context.createMediaStreamDestination();
        this.nodes.push(destination);
        this.streams.push(destination.stream);
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
  }

  /** True when this call is one of the mixed ones. */
  includes(pc: RTCPeerConnection | undefined): boolean {
    return this.legs.some((l) => l.peerConnection === pc);
  }

  /**
   * Puts every leg's own microphone back and releases the mixing graph: nodes disconnected, the
   * mixed tracks stopped, nothing kept (each leg's MediaStreamAudioDestinationNode and MediaStream
   * would otherwise outlive the calls). A leg whose call already ended (its peer connection closed
   * while it sent the mixed track, so sip.js stopped that one) gets its microphone stopped here.
   * Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const n of this.nodes) n.disconnect();
    this.nodes = [];
    await Promise.all(
      this.legs.map(async (leg) => {
        if (leg.peerConnection.signalingState === 'closed') {
          leg.microphone.stop();
          return;
        }
        const sender = audioSender(leg.peerConnection);
        if (sender) await sender.replaceTrack(leg.microphone).catch(() => {});
      }),
    );
    for (const stream of this.streams) {
      for (const track of stream.getTracks()) {
        // The microphone wrappers share the legs' own tracks: only the mixed tracks are ours to stop.
        if (!this.legs.some((l) => l.microphone === track)) track.stop();
        stream.removeTrack(track);
      }
    }
    this.streams = [];
    await this.context.close().catch(() => {});
  }
}

export function audioSender(pc: RTCPeerConnection): RTCRtpSender | undefined {
  return pc.getSenders().find((s) => s.track?.kind === 'audio') ?? pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.sender;
}

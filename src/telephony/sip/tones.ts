/**
 * Generated call-progress tones (Web Audio), each rendered into a MediaStream so it can be played
 * through an <audio> element whose output device is chosen with setSinkId (AudioContext output
 * cannot be routed per device everywhere).
 */
export interface ToneSpec {
  /** Frequencies mixed together, Hz. */
  readonly frequencies: readonly number[];
  /** On/off cadence in ms, repeated; empty = continuous. */
  readonly cadence: readonly number[];
  readonly gain: number;
}

/** North American ringback (440+480 Hz, 2 s on, 4 s off). */
export const RINGBACK: ToneSpec = { frequencies: [440, 480], cadence: [2000, 4000], gain: 0.15 };
/** The ringer: a two-tone warble, 1 s on, 2 s off (close to a desk phone). */
export const RING: ToneSpec = { frequencies: [440, 480], cadence: [400, 200, 400, 2000], gain: 0.3 };
/** Speaker test: a steady 440 Hz tone. */
export const TEST_TONE: ToneSpec = { frequencies: [440], cadence: [], gain: 0.2 };

export interface PlayingTone {
  readonly stream: MediaStream;
  stop(): void;
}

/**
 * MediaStreamAudioDestinationNodes for tones, reused. Chromium never frees a destination node (nor
 * its MediaStream) before its AudioContext closes, however it is disconnected and dropped: one per
 * ring or ringback made the panel's native memory grow with every call over a shift. The pool makes
 * as many as were ever in use at once (one or two) and hands them out again. A node whose track
 * was stopped (by whoever it was given to) is useless and is not handed out again.
 */
export class DestinationPool {
  private readonly free: MediaStreamAudioDestinationNode[] = [];
  private count = 0;

  constructor(readonly context: AudioContext) {}

  acquire(): MediaStreamAudioDestinationNode {
    for (let d = this.free.pop(); d; d = this.free.pop()) {
      if (d.stream.getAudioTracks().every((t) => t.readyState === 'live')) return d;
    }
    this.count++;
    return this.context.createMediaStreamDestination();
  }

  /** Gives a node back; its inputs MUST be disconnected first (it is silent until acquired again). */
  release(destination: MediaStreamAudioDestinationNode): void {
    if (!this.free.includes(destination)) this.free.push(destination);
  }

  /** Destination nodes made so far (they live as long as the AudioContext). */
  get created(): number {
    return this.count;
  }
}

/**
 * Starts a tone into a destination from `pool`. The cadence is scheduled on the AudioContext's own
 * timeline for `horizonMs` (default ten minutes), so no JavaScript timer runs while it plays.
 * Stopping disconnects and drops every node of the tone and gives the destination back: whoever
 * plays `stream` MUST stop playing it at the same time (the next tone reuses it).
 */
export function startTone(pool: DestinationPool, spec: ToneSpec, horizonMs = 600_000): PlayingTone {
  const context = pool.context;
  const destination = pool.acquire();
  const gate = context.createGain();
  gate.gain.value = spec.cadence.length ? 0 : spec.gain;
  gate.connect(destination);
  const oscillators = spec.frequencies.map((f) => {
    const o = context.createOscillator();
    o.frequency.value = f;
    o.connect(gate);
    o.start();
    return o;
  });
  if (spec.cadence.length) {
    const period = spec.cadence.reduce((a, b) => a + b, 0);
    let t = context.currentTime;
    for (let elapsed = 0; elapsed < horizonMs; elapsed += period) {
      let on = true;
      for (const ms of spec.cadence) {
        gate.gain.setValueAtTime(on ? spec.gain : 0, t);
        t += ms / 1000;
        on = !on;
      }
    }
  }
  let stopped = false;
  return {
    stream: destination.stream,
    stop() {
      if (stopped) return;
      stopped = true;
      for (const o of oscillators) {
        o.stop();
        o.disconnect();
      }
      gate.disconnect();
      pool.release(destination);
    },
  };
}

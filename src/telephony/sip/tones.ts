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
 * Starts a tone. The cadence is scheduled on the AudioContext's own timeline for `horizonMs`
 * (default ten minutes), so no JavaScript timer runs while it plays.
 */
export function startTone(context: AudioContext, spec: ToneSpec, horizonMs = 600_000): PlayingTone {
  const destination = context.createMediaStreamDestination();
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
      for (const o of oscillators) o.stop();
      gate.disconnect();
      for (const track of destination.stream.getTracks()) track.stop();
    },
  };
}

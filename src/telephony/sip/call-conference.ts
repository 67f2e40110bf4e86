/**
 * The adapter's one conference: two connected calls mixed in the browser (./conference-mixer.ts),
 * over as soon as either call ends.
 */
import { SwitchboardError } from '../../core/index.ts';
import { ConferenceMixer } from './conference-mixer.ts';
import type { SipCall } from './sip-call.ts';

export class CallConference {
  private mixer: ConferenceMixer | undefined;
  /** The calls in the conference (by id: a call's peer connection is gone once it ends). */
  private mixed = new Set<string>();

  /** Mixes `calls` (connected, off hold), in place of any earlier conference. */
  async join(calls: readonly SipCall[]): Promise<void> {
    await this.mixer?.stop();
    const legs = calls.map((c) => {
      const pc = c.peerConnection,
        microphone = c.microphone,
        remote = c.sdh?.remoteMediaStream;
      if (!pc || !microphone || !remote) throw new SwitchboardError('SB20005', `Call ${c.id} has no media to mix.`);
      return { peerConnection: pc, microphone, remote };
    });
    this.mixer = await ConferenceMixer.start(legs);
    this.mixed = new Set(calls.map((c) => c.id));
  }

  /** The call ended: if it was in the conference, the conference is over. */
  leave(call: SipCall): void {
    if (this.mixer && this.mixed.has(call.id)) {
      void this.mixer.stop();
      this.mixer = undefined;
      this.mixed.clear();
    }
  }

  /** Whether this peer connection sends the mix (its track is not the microphone's). */
  includes(pc: RTCPeerConnection | undefined): boolean {
    return this.mixer?.includes(pc) ?? false;
  }

  async stop(): Promise<void> {
    await this.mixer?.stop();
  }
}

/**
 * One <audio> element with a chosen output device. setSinkId is Chromium/Edge/Firefox 116+; where it
 * is missing the default device plays and the choice is remembered only.
 */
export class AudioOutput {
  readonly element: HTMLAudioElement;
  private sinkId = '';

  constructor() {
    this.element = new Audio();
    this.element.autoplay = true;
  }

  async setSink(deviceId: string): Promise<void> {
    this.sinkId = deviceId;
    const el = this.element as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (typeof el.setSinkId === 'function') await el.setSinkId(deviceId);
  }

  get sink(): string {
    return this.sinkId;
  }

  play(stream: MediaStream | null): void {
    if (this.element.srcObject === stream) return;
    this.element.srcObject = stream;
    // Autoplay may be refused before any user gesture; the next play() after a click succeeds.
    if (stream) void this.element.play().catch(() => {});
  }

  stop(): void {
    this.element.pause();
    this.element.srcObject = null;
  }
}

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

  /** Routes the element to `deviceId` ('' = the system default); rejects as setSinkId does (NotFoundError…). */
  async setSink(deviceId: string): Promise<void> {
    const el = this.element as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (typeof el.setSinkId === 'function') await el.setSinkId(deviceId);
    this.sinkId = deviceId;
  }

  get sink(): string {
    return this.sinkId;
  }

  /** Plays `stream`, ignoring a refusal: for sounds whose refusal nobody needs to hear about. */
  play(stream: MediaStream | null): void {
    if (this.element.srcObject === stream) return;
    if (!stream) {
      this.element.srcObject = null;
      return;
    }
    // Autoplay may be refused before any user gesture; the next play() after a click succeeds.
    this.start(stream).catch(() => {});
  }

  /**
   * Plays `stream` and answers whether it plays: rejects as HTMLMediaElement.play() does
   * (NotAllowedError when the browser's autoplay policy refuses it). Calls play() even when the
   * element already holds `stream`, so a retry after a user gesture starts a refused element.
   */
  start(stream: MediaStream): Promise<void> {
    if (this.element.srcObject !== stream) this.element.srcObject = stream;
    return this.element.play();
  }

  stop(): void {
    this.element.pause();
    this.element.srcObject = null;
  }
}

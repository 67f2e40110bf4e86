/**
 * Audio settings: microphone, speaker and ringer, a live input level meter and a test tone. A saved
 * device that is not connected is named under its choice (the system default plays meanwhile).
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { css } from 'lit';
import type { AudioDevice } from '../../core/index.ts';
import { audioNoticeText, missingDevices, type AudioNoticeText } from '../audio-notices-view.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { PanelAudio } from '../panel-host.ts';
import { slds } from '../styles/slds.ts';

export class SbAudioSettings extends LitElement {
  static override styles = [
    slds,
    css`
    meter { width: 100%; height: 0.75rem; }
  `,
  ];
  static override properties = {
    translator: { attribute: false },
    audio: { attribute: false },
    devices: { state: true },
    level: { state: true },
    failure: { state: true },
  };

  translator?: Translator;
  audio?: PanelAudio;
  devices: readonly AudioDevice[] = [];
  level = 0;
  failure = '';
  private stopLevel?: () => void;
  private stopChanges?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    this.attach();
  }

  override disconnectedCallback(): void {
    this.detach();
    super.disconnectedCallback();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('audio') && changed.get('audio') !== undefined) {
      this.detach();
      this.attach();
    }
  }

  private attach(): void {
    const audio = this.audio;
    if (!audio) return;
    this.stopLevel = audio.onInputLevel((level) => {
      this.level = Math.max(0, Math.min(1, level));
    });
    // Devices come and go (a headset plugged in), and get their names once the microphone is granted.
    this.stopChanges = audio.subscribe(() => this.listDevices(audio));
    this.listDevices(audio);
  }

  private listDevices(audio: PanelAudio): void {
    audio.listDevices().then(
      (d) => {
        this.devices = d;
      },
      (e: unknown) => {
        this.failure = e instanceof Error ? e.message : String(e);
      },
    );
  }

  private detach(): void {
    this.stopLevel?.();
    this.stopLevel = undefined;
    this.stopChanges?.();
    this.stopChanges = undefined;
  }

  private choose(which: 'microphone' | 'speaker' | 'ringer', e: Event): void {
    const audio = this.audio;
    if (!audio) return;
    const id = (e.target as HTMLSelectElement).value;
    const run = which === 'microphone' ? audio.setMicrophone(id) : which === 'speaker' ? audio.setSpeaker(id) : audio.setRinger(id);
    run.then(
      () => this.requestUpdate(),
      (err: unknown) => {
        this.failure = err instanceof Error ? err.message : String(err);
      },
    );
  }

  private select(which: 'microphone' | 'speaker' | 'ringer', kind: AudioDevice['kind'], missing: AudioNoticeText | undefined) {
    const t = this.translator!;
    const selected = this.audio?.selection[which] ?? '';
    const list = this.devices.filter((d) => d.kind === kind && d.deviceId !== 'default');
    return html`<label class="slds-form-element">
      <span class="slds-form-element__label">${t.t(`settings.${which}`)}</span>
      <select class="slds-select" @change=${(e: Event) => this.choose(which, e)}>
        <option value="" ?selected=${selected === ''}>${t.t('settings.default')}</option>
        ${list.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === selected}>${d.label || `${t.t(`settings.${which}`)} ${i + 1}`}</option>`)}
      </select>
    </label>
    ${missing ? html`<p class="sb-meta" role="status">${audioNoticeText(t, missing)}</p>` : ''}`;
  }

  protected override render() {
    const t = this.translator;
    if (!t) return html``;
    if (!this.audio) return html`<p role="note">${t.t('settings.otherTab')}</p>`;
    const missing = missingDevices(this.audio.notices);
    return html`<section class="sb-stack" aria-label=${t.t('settings.audio')}>
      <h2 class="slds-text-title">${t.t('settings.audio')}</h2>
      ${this.select('microphone', 'audioinput', missing.microphone)}
      <label class="slds-form-element">
        <span class="slds-form-element__label">${t.t('settings.level')}</span>
        <meter min="0" max="1" low="0.05" high="0.9" optimum="0.4" .value=${this.level}></meter>
      </label>
      ${this.select('speaker', 'audiooutput', missing.speaker)}
      ${this.select('ringer', 'audiooutput', missing.ringer)}
      <button type="button" class="slds-button" @click=${() => {
        this.audio?.playTestTone().catch((e: unknown) => {
          this.failure = String(e);
        });
      }}>${t.t('settings.testTone')}</button>
      ${this.failure ? html`<p class="slds-notify" role="alert">${this.failure}</p>` : ''}
    </section>`;
  }
}

customElements.define('sb-audio-settings', SbAudioSettings);

declare global {
  interface HTMLElementTagNameMap {
    'sb-audio-settings': SbAudioSettings;
  }
}

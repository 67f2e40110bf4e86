/**
 * A colleague's lamp from the two things the phone system tells a watcher: the `dialog` package
 * (idle, ringing, on a call) and the `presence` package (signed in, away, offline). Presence wins
 * when it says the colleague cannot take a call: an Away agent is not "Available" because their line
 * is idle. A colleague who has published presence and whose publication is gone (signed out, or the
 * phone system dropped them) is offline; one who never published (a desk phone) is read from the
 * dialog package alone.
 */
import type { LineState } from '../../core/index.ts';
import type { PresenceReading } from './presence-documents.ts';

export class ColleagueLamp {
  private line: LineState | undefined;
  private presence: PresenceReading | undefined;
  private published = false;

  /** The lamp after a dialog NOTIFY (or the dialog subscription ending: 'offline'). */
  dialog(state: LineState): LineState {
    this.line = state;
    return this.state;
  }

  /** The lamp after a presence NOTIFY. */
  presenceChanged(reading: PresenceReading): LineState {
    if (reading !== 'none') this.published = true;
    this.presence = reading;
    return this.state;
  }

  get state(): LineState {
    if (this.presence === 'away' || this.presence === 'offline') return this.presence;
    if (this.presence === 'none' && this.published) return 'offline';
    return this.line ?? 'unknown';
  }
}

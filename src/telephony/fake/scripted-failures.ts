/** Failures a test scripts for the fake phone system's commands: each is thrown once. */
import { SwitchboardError } from '../../core/index.ts';
import type { ErrorCode } from '../../core/index.ts';

/** Commands a test can make fail once with `failNext`. */
export type FailableCommand =
  | 'dial'
  | 'answer'
  | 'decline'
  | 'hangup'
  | 'hold'
  | 'resume'
  | 'setMuted'
  | 'sendDtmf'
  | 'blindTransfer'
  | 'consult'
  | 'completeTransfer'
  | 'conference'
  | 'publishPresence';

const DEFAULT_FAILURE: Record<FailableCommand, ErrorCode> = {
  dial: 'SB20004',
  consult: 'SB20004',
  answer: 'SB20005',
  decline: 'SB20005',
  hangup: 'SB20005',
  hold: 'SB20005',
  resume: 'SB20005',
  setMuted: 'SB20005',
  sendDtmf: 'SB20005',
  blindTransfer: 'SB20005',
  completeTransfer: 'SB20005',
  conference: 'SB20005',
  publishPresence: 'SB20005',
};

export class ScriptedFailures {
  private readonly failures = new Map<FailableCommand, SwitchboardError>();

  /** Makes the next `command` fail with `code` (default: the command's natural code). */
  failNext(command: FailableCommand, code: ErrorCode = DEFAULT_FAILURE[command], detail = `injected ${command} failure`): void {
    this.failures.set(command, new SwitchboardError(code, detail));
  }

  /** Throws the failure scripted for `command`, if any, and forgets it. */
  take(command: FailableCommand): void {
    const failure = this.failures.get(command);
    if (failure) {
      this.failures.delete(command);
      throw failure;
    }
  }
}

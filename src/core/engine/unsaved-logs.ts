/**
 * The engine's part in logs the CRM refused: it mirrors the CRM's list into `EngineState.unsavedLogs`
 * (so the panel, and every follower tab through the relay, shows them) and carries out the agent's
 * `retry-log` and `discard-log` through the same command interface as every other command. What is
 * kept, and how a retry stays exactly-once, is the CRM adapter's business (its outbox).
 */
import { SwitchboardError } from '../errors/catalog.ts';
import type { CrmPort, UnsavedLog } from '../ports/crm-port.ts';
import type { Logger } from '../ports/logger.ts';
import type { AgentCommand } from './commands.ts';

export type UnsavedLogCommand = Extract<AgentCommand, { type: 'retry-log' | 'discard-log' }>;

/**
 * Follows the CRM's refused logs: reads them once (a reloaded page shows what an earlier one left)
 * and applies every change the CRM reports. Answers the unsubscribe.
 */
export function followUnsavedLogs(crm: CrmPort, apply: (logs: readonly UnsavedLog[]) => void, logger: Logger): () => void {
  const store = crm.unsavedLogs;
  if (!store || !crm.capabilities.callLogging) return () => {};
  let stopped = false;
  // A change reported while the first read runs is newer than what that read answers.
  let changed = false;
  const off = crm.events.on('unsavedLogs', (logs) => {
    changed = true;
    apply(logs);
  });
  store.list().then(
    (logs) => {
      if (!stopped && !changed && logs.length) apply(logs);
    },
    (error: unknown) => logger.log('warn', 'could not read the call logs Salesforce refused', { error: String(error) }),
  );
  return () => {
    stopped = true;
    off();
  };
}

/** Runs `retry-log` or `discard-log`; SB40001 where this CRM keeps no refused logs. */
export async function runUnsavedLogCommand(crm: CrmPort, command: UnsavedLogCommand, logger: Logger): Promise<void> {
  const store = crm.unsavedLogs;
  if (!store) throw new SwitchboardError('SB40001', 'This CRM keeps no unsaved call logs.');
  if (command.type === 'retry-log') {
    logger.log('info', 'the agent retries a call log Salesforce refused', { callId: command.callId });
    await store.retry(command.callId);
  } else {
    logger.log('warn', 'the agent discards a call log Salesforce refused; it will not be saved', { callId: command.callId });
    await store.discard(command.callId);
  }
}

/**
 * Salesforce Voice sends the agent's Omni-Channel status (`setAgentStatus(agentStatus, statusInfo)`)
 * and the engine takes statuses it can act on: Online is available (calls are offered), Offline is
 * offline, and any other status is away, its Omni status id kept as the away reason (so the phone
 * system's presence and the History say which one). After-call work is Salesforce's own state: it
 * changes nothing here (the engine's wrap-up follows the call).
 */
import type { ChosenStatus } from './presence.ts';

export interface OmniStatus {
  readonly statusId?: string;
  readonly statusApiName?: string;
  readonly statusName?: string;
}

export interface OmniPresence {
  readonly status: ChosenStatus;
  readonly reasonId?: string;
}

/** `undefined`: a status that is not the agent's choice (AfterCallWork). Throws on a blank status. */
export function presenceForOmniStatus(agentStatus: string, info: OmniStatus = {}): OmniPresence | undefined {
  const status = agentStatus.trim();
  if (!status) throw new Error('setAgentStatus: the agent status is blank.');
  switch (status.toLowerCase()) {
    case 'online':
    case 'available':
      return { status: 'available' };
    case 'offline':
      return { status: 'offline' };
    case 'aftercallwork':
      return undefined;
    default: {
      const reasonId = info.statusId?.trim() || info.statusApiName?.trim() || status;
      return { status: 'away', reasonId };
    }
  }
}

/**
 * How the panel's parts hand an intent to the panel root, which alone talks to the PanelHost:
 * a bubbling, composed `sb-command` event carrying one AgentCommand.
 */
import type { AgentCommand } from '../../core/index.ts';

export const COMMAND_EVENT = 'sb-command';

export function commandEvent(command: AgentCommand): CustomEvent<AgentCommand> {
  return new CustomEvent<AgentCommand>(COMMAND_EVENT, { detail: command, bubbles: true, composed: true });
}

declare global {
  interface HTMLElementEventMap {
    'sb-command': CustomEvent<AgentCommand>;
  }
}

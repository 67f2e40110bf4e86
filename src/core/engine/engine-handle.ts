/**
 * What a host that drives the engine from outside holds of it: a CRM surface whose own UI sends
 * the commands (Salesforce Voice: each VendorConnector method is one `AgentCommand` and answers
 * with the engine's promise), and reads the state back (its active calls, the sign-in outcome).
 * The engine hands it to `CrmPort.attach` when it starts.
 */
import type { AgentCommand } from './commands.ts';
import type { EngineState } from './engine-state.ts';

export interface EngineHandle {
  /** The state as last committed. */
  readonly state: EngineState;
  /** Runs one command; rejects with a SwitchboardError, as `ConnectorEngine.execute`. */
  execute(command: AgentCommand): Promise<void>;
  /** Every committed state; answers the unsubscribe. */
  onChange(listener: (state: EngineState) => void): () => void;
}

/**
 * What SoftphoneRuntime needs of the page it runs in: where commands go (the engine in this tab or
 * the leader's through the relay), and where to show what the tab holds. The Open CTI softphone
 * gives its panel's SoftphoneHost; a page without a panel of its own (Salesforce Voice renders the
 * phone) gives its own.
 */
import type { AgentCommand } from '../../core/index.ts';
import type { LeadershipInfo, PanelAudio } from '../../ui/panel-host.ts';
import type { FollowerRelay } from '../leadership/tab-relay.ts';
import type { EngineLike, SignInCommand } from './softphone-host.ts';

export interface RuntimeHost {
  /** Runs a command where the phone is (the engine, or the leader through the relay). */
  execute(command: AgentCommand): Promise<void>;
  /** This tab holds the phone: commands go to its engine. */
  attachEngine(engine: EngineLike): void;
  /** Another tab holds the phone: commands are relayed; a sign-in takes the phone here first. */
  attachFollower(relay: FollowerRelay, signInHere?: (command: SignInCommand) => Promise<void>): void;
  setLeadership(info: LeadershipInfo): void;
  /** The phone's audio devices (absent while no telephony with audio runs here). */
  setAudio(audio: PanelAudio | undefined): void;
}

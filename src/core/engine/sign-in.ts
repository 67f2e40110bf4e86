/**
 * Signing in and out: with typed (or call-center) credentials, or with short-lived ones the CRM
 * mints and that are renewed on the live registration until sign-out. Sign-in restores the status
 * the agent had and their History.
 */
import type { Call } from '../call/call.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import type { Clock } from '../ports/clock.ts';
import type { CrmPort } from '../ports/crm-port.ts';
import type { Logger } from '../ports/logger.ts';
import type { SipCredentials, TelephonyPort } from '../ports/telephony-port.ts';
import type { ChosenStatus } from '../presence/presence.ts';
import { toSipCredentials, type MintedSipCredentials } from '../credentials/minted-credentials.ts';
import type { CallBoard } from './call-board.ts';
import type { AgentCommand } from './commands.ts';
import { CredentialRefresher } from './credential-refresher.ts';
import type { EngineState } from './engine-state.ts';

export type SignInCommand = Extract<AgentCommand, { type: 'sign-in' | 'sign-out' }>;

/** What signing in reads of the engine, and what it hands back to it. */
export interface SignInHost {
  telephony(): TelephonyPort;
  state(): EngineState;
  set(patch: Partial<Pick<EngineState, 'phase' | 'signedInAs' | 'lastError'>>): void;
  /** The status the agent had when this extension last signed in (or available). */
  restorePresence(): Promise<{ status: ChosenStatus; reasonId?: string }>;
  changePresence(status: ChosenStatus, reasonId?: string): Promise<void>;
  /** The History an earlier page (or sign-in) of this extension left. */
  restoreHistory(extension: string): Promise<void>;
  close(call: Call, why: string): Promise<void>;
  error(error: SwitchboardError): void;
}

export interface SignInOptions {
  readonly crm: CrmPort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly calls: CallBoard;
  readonly host: SignInHost;
}

export class SignIn {
  /** The status sign-in restores, while it registers (offers may come before it is applied). */
  private restoring: ChosenStatus | undefined;
  /** Renews short-lived credentials while signed in with them (credentialScheme `ephemeral`). */
  private refresher?: CredentialRefresher;

  constructor(private readonly options: SignInOptions) {}

  /** The status being restored while sign-in registers, if it is. */
  get signingInAs(): ChosenStatus | undefined {
    return this.restoring;
  }

  async run(command: SignInCommand): Promise<void> {
    const { host, calls } = this.options;
    switch (command.type) {
      case 'sign-in': {
        const settings = host.state().settings;
        if (settings?.sip.credentialScheme === 'ephemeral') return this.signInWithMinted(command.username !== undefined || command.password !== undefined);
        const username = command.username ?? settings?.sip.username;
        const password = command.password ?? settings?.sip.password;
        if (!username || !password) throw new SwitchboardError('SB20001', 'Enter your extension and password.');
        return this.signIn({ username, password });
      }
      case 'sign-out': {
        if (calls.live().length) throw new SwitchboardError('SB40002', 'End your calls before signing out.');
        if (host.state().presence.status !== 'offline') await host.changePresence('offline');
        // Calls still in wrap-up are completed (and logged) now, or presence would stay wrap-up while signed out.
        for (const call of [...calls.values()]) await host.close(call, 'wrap-up completed by signing out');
        this.refresher?.stop();
        this.refresher = undefined;
        await host.telephony().unregister();
        host.set({ phase: 'signed-out', signedInAs: undefined });
        return;
      }
    }
  }

  dispose(): void {
    this.refresher?.stop();
  }

  private async signIn(credentials: SipCredentials, minted?: MintedSipCredentials): Promise<void> {
    const { host } = this.options;
    // Known before registering: the phone system may offer a call the moment it registers (one
    // that rang this agent while the page reloaded), and it is taken as the agent's status says.
    const restored = await host.restorePresence();
    this.restoring = restored.status;
    host.set({ phase: 'ready' });
    try {
      await host.telephony().register(credentials);
    } catch (error) {
      // Not signed in after all: show the sign-in form again, with the error.
      this.restoring = undefined;
      host.set({ phase: 'signed-out', signedInAs: undefined });
      throw error;
    }
    host.set({ signedInAs: { extension: credentials.username, ...(minted ? { credentialExpiresAt: minted.expiresAt } : {}) } });
    await host.restoreHistory(credentials.username);
    try {
      await host.changePresence(restored.status, restored.reasonId);
    } finally {
      this.restoring = undefined;
    }
  }

  /**
   * Signs in with credentials the CRM mints, and keeps renewing them until sign-out: a renewal goes
   * to the live registration (no unregister, calls untouched). Typed credentials are refused here,
   * so a password never enters this path.
   */
  private async signInWithMinted(typed: boolean): Promise<void> {
    const { crm, clock, logger, host } = this.options;
    if (typed) throw new SwitchboardError('SB20001', 'This call center signs you in with credentials from Salesforce; there is no password to type.');
    const mint = crm.mintSipCredentials?.bind(crm);
    if (!mint) throw new SwitchboardError('SB10001', 'credentialScheme is ephemeral, but this CRM surface cannot mint SIP credentials.');
    if (host.state().phase === 'ready' && this.refresher?.running) return;
    this.refresher?.stop();
    const refresher = new CredentialRefresher({
      mint,
      clock,
      logger,
      apply: async (minted, first) => {
        if (first) {
          await this.signIn(toSipCredentials(minted), minted);
        } else {
          await host.telephony().updateCredentials(toSipCredentials(minted));
          host.set({ signedInAs: { extension: minted.extension, credentialExpiresAt: minted.expiresAt } });
        }
        if (host.state().lastError?.code === 'SB30005') host.set({ lastError: undefined });
      },
      onError: (error) => {
        if (this.refresher !== refresher) return;
        host.set({ lastError: error.toJSON() });
        host.error(error);
      },
    });
    this.refresher = refresher;
    await refresher.start();
  }
}

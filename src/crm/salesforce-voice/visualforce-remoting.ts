/**
 * Short-lived SIP credentials under Salesforce Voice, by Visualforce JavaScript remoting.
 *
 * Salesforce Voice has no Open CTI, so no `runApex`. A connector hosted in a Visualforce page (the
 * package's `SwitchboardVoice`, whose controller is `SwitchboardCredentials`) calls Apex the way any
 * Visualforce page does:
 *
 *     Visualforce.remoting.Manager.invokeAction('{!$RemoteAction.SwitchboardCredentials.mintForVoice}',
 *       (result, event) => …, { escape: false, buffer: false, timeout })
 *
 * The page resolves the action's name (with the package's namespace) into the meta tag
 * VISUALFORCE_MINT_META; the callback gets `event.status` (true on success), `event.type` ('rpc'
 * on success, 'exception' when the method threw or the call failed) and `event.message`. The result
 * is the JSON string `mint()` answers (sip-credentials.ts), read by the same validation.
 *
 * Nothing here logs or echoes the result: it carries a password.
 */
import { SwitchboardError, type MintedSipCredentials } from '../../core/index.ts';
import { readMintedCredentials } from '../shared/sip-credentials.ts';

/** The meta tag of the connector page that names the remote action (same name in src/node/package/voice-package.ts). */
export const VISUALFORCE_MINT_META = 'switchboard-remote-mint';
/** Salesforce's own upper bound for a remoting call's `timeout` is 120 s; a sign-in should not wait that long. */
export const REMOTING_TIMEOUT_MS = 30_000;

/** The event a remoting callback receives (the fields Salesforce documents). */
export interface RemotingEvent {
  readonly status?: unknown;
  readonly type?: unknown;
  readonly message?: unknown;
  readonly where?: unknown;
}

/** `Visualforce.remoting.Manager`, as far as this connector uses it. */
export interface RemotingManager {
  invokeAction(action: string, ...args: unknown[]): void;
}

/** `window.Visualforce?.remoting?.Manager` when the page offers remoting, else undefined. */
export function remotingManager(global: unknown): RemotingManager | undefined {
  const vf = (global as { Visualforce?: { remoting?: { Manager?: unknown } } } | null | undefined)?.Visualforce;
  const manager = vf?.remoting?.Manager as { invokeAction?: unknown } | undefined;
  return manager && typeof manager.invokeAction === 'function' ? (manager as RemotingManager) : undefined;
}

/** A resolved action name: `Class.method` or `ns.Class.method`, not the unrendered `{!$RemoteAction…}`. */
export function isResolvedAction(action: string | null | undefined): action is string {
  return typeof action === 'string' && /^([A-Za-z]\w*\.)?[A-Za-z]\w*\.[A-Za-z]\w*$/.test(action.trim());
}

/**
 * Calls the remote action and validates its answer. Rejects with SB30005 saying why: the page names
 * no usable action, the call failed (Salesforce's message), it timed out, or the answer is no credential.
 */
export function mintByRemoting(
  manager: RemotingManager,
  action: string | null | undefined,
  timeoutMs: number = REMOTING_TIMEOUT_MS,
): Promise<MintedSipCredentials> {
  if (!isResolvedAction(action)) {
    return Promise.reject(
      new SwitchboardError(
        'SB30005',
        `The connector page names no remote action to mint SIP credentials (meta ${VISUALFORCE_MINT_META} is ${action ? `'${action}'` : 'missing'}): host the connector in the package's SwitchboardVoice Visualforce page.`,
      ),
    );
  }
  const what = action.trim();
  return new Promise<MintedSipCredentials>((resolve, reject) => {
    const callback = (result: unknown, event: RemotingEvent | undefined): void => {
      if (event?.status !== true) {
        const message = typeof event?.message === 'string' && event.message !== '' ? event.message : 'no reason given';
        const kind = event?.type === 'exception' ? 'failed' : `failed (${typeof event?.type === 'string' ? event.type : 'no event'})`;
        reject(new SwitchboardError('SB30005', `${what} ${kind}: ${message}`));
        return;
      }
      try {
        resolve(readMintedCredentials(result));
      } catch (error) {
        reject(error instanceof SwitchboardError ? error : new SwitchboardError('SB30005', `${what}: ${String(error)}`, error));
      }
    };
    try {
      manager.invokeAction(what, callback, { escape: false, buffer: false, timeout: timeoutMs });
    } catch (error) {
      reject(new SwitchboardError('SB30005', `${what} could not be called: ${error instanceof Error ? error.message : String(error)}`, error));
    }
  });
}

/**
 * What this frame may really use. A softphone hosted on its own domain runs as a cross-site frame
 * inside Salesforce; where the browser blocks third-party storage, Web Locks and IndexedDB exist
 * but reject every request ("The request was denied"). Probing once at start lets the app choose:
 * the tabs elect over BroadcastChannel instead of a lock, and the call-log outbox keeps its queue
 * in memory (still retried until saved, but not across a reload) instead of failing to queue.
 */
import type { Logger, StoragePort } from '../../core/index.ts';
import type { LockManagerLike } from '../leadership/leadership.ts';

/** navigator.locks when a request is actually granted in this frame; undefined otherwise. */
export async function usableLocks(locks: LockManagerLike | undefined, logger: Logger): Promise<LockManagerLike | undefined> {
  if (!locks) return undefined;
  try {
    await locks.request('switchboard-probe', { mode: 'exclusive', ifAvailable: true }, () => true);
    return locks;
  } catch (error) {
    logger.log('warn', 'Web Locks are denied in this frame (third-party storage blocked?); tabs elect over BroadcastChannel', { error: String(error) });
    return undefined;
  }
}

/** `preferred` when it can read; otherwise the fallback, with an error in the log saying what is lost. */
export async function usableStorage(preferred: StoragePort, fallback: () => StoragePort, logger: Logger): Promise<StoragePort> {
  try {
    await preferred.get('switchboard/probe');
    return preferred;
  } catch (error) {
    logger.log(
      'error',
      'IndexedDB is denied in this frame (third-party storage blocked?); pending call logs are kept in memory only and are lost if the page reloads before Salesforce saves them',
      { error: String(error) },
    );
    return fallback();
  }
}

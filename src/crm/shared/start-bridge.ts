/**
 * What both Open CTI bridges share once their library is loaded: the options they take, and
 * building the `SalesforceCrm` over their surface with its listeners registered and its call-log
 * outbox draining.
 */
import type { StoragePort } from '../../core/index.ts';
import type { BridgeDependencies, LockManagerLike } from './environment.ts';
import type { OriginTrust } from './trusted-origins.ts';
import { SalesforceCrm, type OpenCtiCrm, type SalesforceCrmOptions } from './salesforce-crm.ts';
import type { SalesforceSurface } from './salesforce-surface.ts';

export interface OpenCtiBridgeOptions extends BridgeDependencies {
  /** Where Open CTI may be loaded from (trusted-origins.ts); required, so no caller skips the check. */
  readonly origins: OriginTrust;
  /** Where the call-log outbox lives (IndexedDbStorage in the browser). */
  readonly storage: StoragePort;
  /** navigator.locks when available. */
  readonly locks?: LockManagerLike;
  /** Bound on each Open CTI call's answer. */
  readonly callTimeoutMs?: number;
  /** Bound on loading the library. */
  readonly loadTimeoutMs?: number;
  readonly outbox?: SalesforceCrmOptions['outbox'];
  /** How numbers read in log subjects (the panel's formatter); see SalesforceCrmOptions. */
  readonly formatNumber?: SalesforceCrmOptions['formatNumber'];
  /** See SalesforceCrmOptions.readyNotice. */
  readonly readyNotice?: Promise<void>;
}

export async function startSalesforceCrm(surface: SalesforceSurface, options: OpenCtiBridgeOptions): Promise<OpenCtiCrm> {
  const crm = new SalesforceCrm({
    surface,
    storage: options.storage,
    clock: options.clock,
    logger: options.logger,
    ...(options.locks ? { locks: options.locks } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(options.formatNumber ? { formatNumber: options.formatNumber } : {}),
    ...(options.readyNotice ? { readyNotice: options.readyNotice } : {}),
  });
  await crm.attach();
  return crm;
}

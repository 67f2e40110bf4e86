/**
 * `createOpenCtiLightning`: reads `sfdcIframeOrigin` and `mode` from the softphone's URL, loads
 * `<origin>/support/api/62.0/lightning/opencti_min.js`, and returns the `CrmPort` over it with its
 * listeners registered and its call-log outbox draining.
 */
import { SwitchboardError, type StoragePort } from '../../core/index.ts';
import type { BridgeDependencies, LockManagerLike } from '../shared/environment.ts';
import { LIGHTNING_LIBRARY_PATH, loadLibrary, readOrigin } from '../shared/load-library.ts';
import { SalesforceCrm, type OpenCtiCrm, type SalesforceCrmOptions } from '../shared/salesforce-crm.ts';
import { OpenCtiLightningApi } from './lightning-api.ts';
import { readOpenCti } from './opencti-library.ts';
import { LightningSurface } from './lightning-surface.ts';

export interface OpenCtiBridgeOptions extends BridgeDependencies {
  /** Where the call-log outbox lives (IndexedDbStorage in the browser). */
  readonly storage: StoragePort;
  /** navigator.locks when available. */
  readonly locks?: LockManagerLike;
  /** Bound on each Open CTI call's answer. */
  readonly callTimeoutMs?: number;
  /** Bound on loading the library. */
  readonly loadTimeoutMs?: number;
  readonly outbox?: SalesforceCrmOptions['outbox'];
}

export async function createOpenCtiLightning(options: OpenCtiBridgeOptions): Promise<OpenCtiCrm> {
  const search = options.window.location.search;
  const origin = readOrigin(search, 'sfdcIframeOrigin');
  if (!new URLSearchParams(search).get('mode')) {
    throw new SwitchboardError('SB30001', "The softphone URL has no 'mode' parameter; Open CTI for Lightning refuses to start without it. Load the softphone from the Lightning utility bar.");
  }
  if (!origin.startsWith(options.window.location.protocol)) {
    throw new SwitchboardError('SB30001', `sfdcIframeOrigin ${origin} does not use this page's protocol (${options.window.location.protocol}); Lightning needs an https adapter URL.`);
  }
  const src = origin + LIGHTNING_LIBRARY_PATH;
  await loadLibrary({ window: options.window, document: options.document, clock: options.clock, src, what: 'Open CTI for Lightning', ready: () => readOpenCti(options.window) !== undefined, ...(options.loadTimeoutMs ? { timeoutMs: options.loadTimeoutMs } : {}) });
  const lib = readOpenCti(options.window);
  if (!lib) throw new SwitchboardError('SB30001', 'sforce.opencti is missing after loading the library.');
  const surface = new LightningSurface(new OpenCtiLightningApi(lib, options.clock, options.callTimeoutMs));
  const crm = new SalesforceCrm({
    surface, storage: options.storage, clock: options.clock, logger: options.logger,
    ...(options.locks ? { locks: options.locks } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
  });
  await crm.attach();
  return crm;
}

/**
 * `createOpenCtiLightning`: reads `sfdcIframeOrigin` and `mode` from the softphone's URL, checks the
 * origin is one Open CTI may come from (trusted-origins.ts), loads
 * `<origin>/support/api/62.0/lightning/opencti_min.js`, and returns the `CrmPort` over it with its
 * listeners registered and its call-log outbox draining.
 */
import { SwitchboardError } from '../../core/index.ts';
import { LIGHTNING_LIBRARY_PATH, loadLibrary, readLibraryOrigin } from '../shared/load-library.ts';
import type { OpenCtiCrm } from '../shared/salesforce-crm.ts';
import { startSalesforceCrm, type OpenCtiBridgeOptions } from '../shared/start-bridge.ts';

export type { OpenCtiBridgeOptions };
import { OpenCtiLightningApi } from './lightning-api.ts';
import { readOpenCti } from './opencti-library.ts';
import { LightningSurface } from './lightning-surface.ts';

/**
 * The bridge's options; the storage may still be opening (IndexedDB takes tens of milliseconds): the
 * library loads meanwhile, so the softphone is ready sooner.
 */
export type LightningBridgeOptions = Omit<OpenCtiBridgeOptions, 'storage'> & {
  readonly storage: OpenCtiBridgeOptions['storage'] | Promise<OpenCtiBridgeOptions['storage']>;
};

export async function createOpenCtiLightning(options: LightningBridgeOptions): Promise<OpenCtiCrm> {
  const search = options.window.location.search;
  const origin = readLibraryOrigin(search, 'sfdcIframeOrigin', options.origins);
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
  const storage = await options.storage;
  return startSalesforceCrm(new LightningSurface(new OpenCtiLightningApi(lib, options.clock, options.callTimeoutMs)), { ...options, storage });
}

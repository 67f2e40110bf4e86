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
 * The bridge's options; the storage may still be opening (IndexedDB takes tens of milliseconds) and
 * Web Locks still being probed: the library loads meanwhile, so the softphone is ready sooner.
 */
export type LightningBridgeOptions = Omit<OpenCtiBridgeOptions, 'storage' | 'locks'> & {
  readonly storage: OpenCtiBridgeOptions['storage'] | Promise<OpenCtiBridgeOptions['storage']>;
  readonly locks?: OpenCtiBridgeOptions['locks'] | Promise<OpenCtiBridgeOptions['locks']>;
  /**
   * Tells Salesforce the softphone has loaded as soon as the library is in, before the storage and
   * the listeners (the softphone page does; `notifyReady` then shares that notice).
   */
  readonly notifyReadyOnLoad?: boolean;
};

export async function createOpenCtiLightning(options: LightningBridgeOptions): Promise<OpenCtiCrm> {
  const search = options.window.location.search;
  const origin = readLibraryOrigin(search, 'sfdcIframeOrigin', options.origins);
  if (!new URLSearchParams(search).get('mode')) {
    throw new SwitchboardError(
      'SB30001',
      "The softphone URL has no 'mode' parameter; Open CTI for Lightning refuses to start without it. Load the softphone from the Lightning utility bar.",
    );
  }
  if (!origin.startsWith(options.window.location.protocol)) {
    throw new SwitchboardError(
      'SB30001',
      `sfdcIframeOrigin ${origin} does not use this page's protocol (${options.window.location.protocol}); Lightning needs an https adapter URL.`,
    );
  }
  const src = origin + LIGHTNING_LIBRARY_PATH;
  await loadLibrary({
    window: options.window,
    document: options.document,
    clock: options.clock,
    src,
    what: 'Open CTI for Lightning',
    ready: () => readOpenCti(options.window) !== undefined,
    ...(options.loadTimeoutMs ? { timeoutMs: options.loadTimeoutMs } : {}),
  });
  const lib = readOpenCti(options.window);
  if (!lib) throw new SwitchboardError('SB30001', 'sforce.opencti is missing after loading the library.');
  const surface = new LightningSurface(new OpenCtiLightningApi(lib, options.clock, options.callTimeoutMs));
  const readyNotice = options.notifyReadyOnLoad ? surface.notifyInitializationComplete() : undefined;
  readyNotice?.catch(() => {}); // reported by whoever awaits notifyReady
  const storage = await options.storage;
  const locks = await options.locks;
  const { locks: _probing, notifyReadyOnLoad: _early, ...rest } = options;
  return startSalesforceCrm(surface, { ...rest, storage, ...(locks ? { locks } : {}), ...(readyNotice ? { readyNotice } : {}) });
}

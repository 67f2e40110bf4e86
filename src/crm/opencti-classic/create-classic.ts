/**
 * `createOpenCtiClassic`: reads `sfdcIFrameOrigin` (capital F, as Classic frames carry it) from the
 * softphone's URL, checks the origin is one Open CTI may come from (trusted-origins.ts: https
 * Salesforce or trusted by the deployment), loads `<origin>/support/api/62.0/interaction.js`, and
 * returns the `CrmPort`.
 */
import { SwitchboardError } from '../../core/index.ts';
import { CLASSIC_LIBRARY_PATH, loadLibrary, readLibraryOrigin } from '../shared/load-library.ts';
import type { OpenCtiCrm } from '../shared/salesforce-crm.ts';
import { startSalesforceCrm, type OpenCtiBridgeOptions } from '../shared/start-bridge.ts';
import { OpenCtiClassicApi } from './classic-api.ts';
import { ClassicSurface } from './classic-surface.ts';
import { readInteraction } from './interaction-library.ts';

export async function createOpenCtiClassic(options: OpenCtiBridgeOptions): Promise<OpenCtiCrm> {
  const origin = readLibraryOrigin(options.window.location.search, 'sfdcIFrameOrigin', options.origins);
  if (!origin.startsWith(options.window.location.protocol)) {
    throw new SwitchboardError(
      'SB30001',
      `sfdcIFrameOrigin ${origin} does not use this page's protocol (${options.window.location.protocol}); the softphone and Salesforce must both be https.`,
    );
  }
  const src = origin + CLASSIC_LIBRARY_PATH;
  await loadLibrary({
    window: options.window,
    document: options.document,
    clock: options.clock,
    src,
    what: 'Open CTI for Salesforce Classic',
    ready: () => readInteraction(options.window) !== undefined,
    ...(options.loadTimeoutMs ? { timeoutMs: options.loadTimeoutMs } : {}),
  });
  const lib = readInteraction(options.window);
  if (!lib) throw new SwitchboardError('SB30001', 'sforce.interaction is missing after loading the library.');
  return startSalesforceCrm(new ClassicSurface(new OpenCtiClassicApi(lib, options.clock, options.callTimeoutMs)), options);
}

/**
 * `createOpenCtiClassic`: reads `sfdcIFrameOrigin` (capital F, as Classic frames carry it) from the
 * softphone's URL, loads `<origin>/support/api/62.0/interaction.js`, and returns the `CrmPort`.
 */
import { SwitchboardError } from '../../core/index.ts';
import { CLASSIC_LIBRARY_PATH, loadLibrary, readOrigin } from '../shared/load-library.ts';
import type { OpenCtiCrm } from '../shared/salesforce-crm.ts';
import { startSalesforceCrm, type OpenCtiBridgeOptions } from '../shared/start-bridge.ts';
import { OpenCtiClassicApi } from './classic-api.ts';
import { ClassicSurface } from './classic-surface.ts';
import { readInteraction } from './interaction-library.ts';

export async function createOpenCtiClassic(options: OpenCtiBridgeOptions): Promise<OpenCtiCrm> {
  const origin = readOrigin(options.window.location.search, 'sfdcIFrameOrigin');
  const src = origin + CLASSIC_LIBRARY_PATH;
  await loadLibrary({ window: options.window, document: options.document, clock: options.clock, src, what: 'Open CTI for Salesforce Classic', ready: () => readInteraction(options.window) !== undefined, ...(options.loadTimeoutMs ? { timeoutMs: options.loadTimeoutMs } : {}) });
  const lib = readInteraction(options.window);
  if (!lib) throw new SwitchboardError('SB30001', 'sforce.interaction is missing after loading the library.');
  return startSalesforceCrm(new ClassicSurface(new OpenCtiClassicApi(lib, options.clock, options.callTimeoutMs)), options);
}

/**
 * `/support/api/<NN>.0/lightning/opencti_min.js` (and `opencti.js`): a classic script that creates
 * `window.sforce.opencti`. The server wraps this bundle in a function that supplies
 * `__SB_OPENCTI_CONFIG__` (the API version from the URL, the origin mode), so one build serves
 * every version. This entry has no import/export at run time, so the bundle works as `<script src>`.
 */
import { createOpenCtiLightning } from './lightning-library.ts';
import type { LibraryConfig } from './protocol.ts';

declare const __SB_OPENCTI_CONFIG__: LibraryConfig;

const w = window as unknown as { sforce?: Record<string, unknown> };
w.sforce = w.sforce || {};
const opencti = createOpenCtiLightning(window, __SB_OPENCTI_CONFIG__);
w.sforce.opencti = opencti;
(opencti.initialize as () => void)();

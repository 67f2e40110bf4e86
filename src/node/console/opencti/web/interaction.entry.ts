/**
 * `/support/api/<NN>.0/interaction.js`: a classic script creating `window.sforce.interaction`.
 * The server wraps the bundle to supply `__SB_OPENCTI_CONFIG__` (see opencti.entry.ts).
 */
import { createInteraction } from './classic-library.ts';
import type { LibraryConfig } from './protocol.ts';

declare const __SB_OPENCTI_CONFIG__: LibraryConfig;

const w = window as unknown as { sforce?: Record<string, unknown> };
w.sforce = w.sforce || {};
w.sforce.interaction = createInteraction(window, __SB_OPENCTI_CONFIG__);

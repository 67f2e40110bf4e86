/**
 * The one place that touches `@salesforce/scv-connector-base` (3.6.2, used unmodified): its classes
 * are built only here and in the files of this folder, at the boundary with Salesforce.
 *
 * The package ships a UMD bundle: Node's ESM loader exposes it as the default export only, a
 * bundler (esbuild) as named exports too, so the module object is read from whichever holds it.
 */
import * as bundle from '@salesforce/scv-connector-base';

type Scv = typeof bundle;
const loaded = bundle as Scv & { readonly default?: Scv };

export const scv: Scv = loaded.default ?? loaded;

type Names = Readonly<Record<string, string>>;
/** The constant groups this connector reads (the package's typings declare fewer names than it has). */
export interface ScvConstants {
  readonly EVENT_TYPE: Names;
  readonly ERROR_TYPE: Names;
  readonly CALL_TYPE: Names;
  readonly CALL_STATE: Names;
  readonly PARTICIPANT_TYPE: Names;
  readonly PHONE_TYPE: Names;
  readonly HANGUP_REASON: Names;
  readonly CONTACT_TYPE: Names;
}
export const SCV = scv.Constants as unknown as ScvConstants;

/** `publishEvent` as the base library runs it: any event type, the payload its class checks. */
export const publishEvent = scv.publishEvent as unknown as (event: { readonly eventType: string; readonly payload: unknown }) => Promise<void>;

/** An error the base library reports by its `type` (`ERROR {message: type}`), with our message kept for its log. */
export function scvError(type: string, message: string): Error & { readonly type: string } {
  return Object.assign(new Error(message), { type });
}

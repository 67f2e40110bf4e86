/**
 * The console's utility bar counts the call logs Salesforce refused: "Phone (2 unsaved)", so an
 * agent with the panel minimised still sees them. Every console tab names its own utility bar
 * (Open CTI acts on the page of the frame that calls it), from the state its panel shows: the
 * engine's in the tab that holds the phone, the mirrored one in the others.
 *
 * Open CTI cannot read the label an admin gave the utility item, so it is left alone until there
 * is something to count; after that it is the panel's own name ("Phone", translated) when the
 * count is back to zero.
 */
import type { EngineState, Logger } from '../../core/index.ts';

export interface LabelSource {
  readonly state: EngineState;
  subscribe(listener: () => void): () => void;
}

export interface LabelTarget {
  setUtilityLabel(label: string): Promise<void>;
}

/** Keeps the utility label in step with `source`; `labelFor` gives the text for a state. Answers the unsubscribe. */
export function followUtilityLabel(source: LabelSource, target: LabelTarget, labelFor: (state: EngineState) => string, logger: Logger): () => void {
  let shown: string | undefined;
  const update = (): void => {
    const state = source.state;
    if (shown === undefined && !state.unsavedLogs?.length) return;
    const label = labelFor(state);
    if (label === shown) return;
    shown = label;
    target.setUtilityLabel(label).catch((error: unknown) => logger.log('warn', 'could not set the utility bar label', { label, error: String(error) }));
  };
  const off = source.subscribe(update);
  update();
  return off;
}

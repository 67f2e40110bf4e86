/**
 * The argument checks of Salesforce's Open CTI library (Lightning), with its messages: the fake
 * throws what the real library throws, so the bridges' handling of it is tested.
 */
export const ONE_OBJECT = 'Must pass in only one object which holds arguments to this API method call.';
export const MISSING_CALLBACK = 'Missing the required argument `callback`!';
export const MISSING_LISTENER = 'Missing the required argument `listener`!';
export const MISSING_VALUE = 'Missing the required argument `value object`!';

export type Fn = (data: unknown) => void;
export type Args = Record<string, unknown>;

export function validateArguments(args: IArguments, optional = false): void {
  if (optional && args.length === 0) return;
  const first: unknown = args[0];
  if (!(args.length === 1 && typeof first === 'object' && first !== null && Object.keys(first).length > 0)) throw new Error(ONE_OBJECT);
}
export function requireCallback(args: Args | undefined): void {
  if (!(args && typeof args.callback === 'function')) throw new Error(MISSING_CALLBACK);
}
export function requireListener(args: Args | undefined): void {
  if (!(args && typeof args.listener === 'function')) throw new Error(MISSING_LISTENER);
}

/**
 * `runApex` handlers: what the emulated org's Apex classes do. A handler is registered under
 * `Class.method`; it receives the call's `methodParams` (Salesforce passes a query string such as
 * `name=acme&phone=…`, or `none`/`{}`) parsed into a map, plus the raw string. An unknown class or
 * method fails as Salesforce does: SERVER_ERROR "Could not load Apex class: <apexClass>".
 */
export interface ApexContext {
  /** The signed-in user's Id. */
  readonly userId: string;
}

export type ApexHandler = (params: Readonly<Record<string, string>>, raw: string, context: ApexContext) => unknown | Promise<unknown>;

export class ApexRegistry {
  private readonly handlers = new Map<string, ApexHandler>();

  register(apexClass: string, methodName: string, handler: ApexHandler): this {
    if (!/^[A-Za-z]\w*(\.[A-Za-z]\w*)?$/.test(apexClass)) throw new Error(`invalid Apex class name '${apexClass}'`);
    if (!/^[A-Za-z]\w*$/.test(methodName)) throw new Error(`invalid Apex method name '${methodName}'`);
    this.handlers.set(`${apexClass}.${methodName}`.toLowerCase(), handler);
    return this;
  }

  has(apexClass: string): boolean {
    const prefix = `${apexClass}.`.toLowerCase();
    for (const key of this.handlers.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  find(apexClass: string, methodName: string): ApexHandler | undefined {
    return this.handlers.get(`${apexClass}.${methodName}`.toLowerCase());
  }
}

/** Parses runApex's methodParams: `a=1&b=two`; `none`, `{}` and '' mean no parameters. */
export function parseMethodParams(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = raw.trim();
  if (text === '' || text === 'none' || text === '{}') return out;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const i = pair.indexOf('=');
    const key = i < 0 ? pair : pair.slice(0, i);
    const value = i < 0 ? '' : pair.slice(i + 1);
    out[decode(key)] = decode(value);
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

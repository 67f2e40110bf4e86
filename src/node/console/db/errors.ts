/**
 * Salesforce-shaped API errors. The REST layer sends them as `[{message, errorCode, fields}]`, and the
 * emulator's Open CTI `saveLog` reports the same items, so a connector sees in the emulator exactly
 * the error codes an org would give it.
 */

/** One error as Salesforce's REST API reports it. */
export interface SalesforceErrorItem {
  readonly errorCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

/** Thrown by the repository; `errors` holds every problem found (usually one). */
export class SalesforceError extends Error {
  readonly errors: readonly SalesforceErrorItem[];

  constructor(errors: SalesforceErrorItem | readonly SalesforceErrorItem[]) {
    const list = Array.isArray(errors) ? (errors as readonly SalesforceErrorItem[]) : [errors as SalesforceErrorItem];
    if (list.length === 0) throw new TypeError('SalesforceError needs at least one error item');
    super(list.map((e) => `${e.errorCode}: ${e.message}`).join('; '));
    this.name = 'SalesforceError';
    this.errors = list;
  }

  /** The first error's code. */
  get errorCode(): string {
    return this.errors[0]!.errorCode;
  }

  /** The first error's fields. */
  get fields(): readonly string[] {
    return this.errors[0]!.fields;
  }
}

export function sfError(errorCode: string, message: string, fields: readonly string[] = []): SalesforceError {
  return new SalesforceError({ errorCode, message, fields });
}

export function isSalesforceError(value: unknown): value is SalesforceError {
  return value instanceof SalesforceError;
}

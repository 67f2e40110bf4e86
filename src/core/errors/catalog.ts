/**
 * The error catalog: every failure the connector can report has a stable code, a message, the
 * likely causes and the fixes, in this one table. Codes are stable API (they travel across
 * postMessage as `{code, message}` and appear in logs and docs); never renumber or reuse one.
 *
 * `expected: true` marks failures of the world (network down, wrong password, Salesforce said no),
 * which the UI shows to the agent; `expected: false` marks bugs, which are logged with detail.
 */
export interface ErrorDefinition {
  readonly message: string;
  readonly causes: readonly string[];
  readonly fixes: readonly string[];
  readonly expected: boolean;
}

export const ERROR_CATALOG = {
  // 1xxxx: configuration
  SB10001: {
    message: 'The call center settings are missing or invalid.',
    causes: ['The Call Center definition lacks the Switchboard section, or an item has a wrong value.'],
    fixes: ['Run `switchboard callcenter lint <file>` and re-import the definition.'],
    expected: true,
  },
  SB10002: {
    message: 'No SIP WebSocket URL is configured.',
    causes: ['The sipWebSocketUrl item of the Switchboard section is empty.'],
    fixes: ['Set sipWebSocketUrl (wss://pbx.example.com:8089/ws) in the Call Center definition.'],
    expected: true,
  },
  // 2xxxx: telephony
  SB20001: {
    message: 'Registration with the phone system failed.',
    causes: ['Wrong extension or password.', 'The SIP domain does not match the server.'],
    fixes: ['Check the credentials and the sipDomain setting.'],
    expected: true,
  },
  SB20002: {
    message: 'The phone system cannot be reached.',
    causes: ['The WebSocket URL is wrong or the server is down.', 'A firewall or CSP blocks the WebSocket host.'],
    fixes: ['Check sipWebSocketUrl; add the host to CSP Trusted Sites; run `switchboard doctor`.'],
    expected: true,
  },
  SB20003: {
    message: 'The microphone is not available.',
    causes: ['The browser denied microphone access.', 'No input device is connected.'],
    fixes: ['Allow the microphone for the Salesforce domain and the softphone origin (iframe allow="microphone").'],
    expected: true,
  },
  SB20004: {
    message: 'The call could not be placed.',
    causes: ['The number is invalid.', 'The phone system rejected the call.'],
    fixes: ['Check the number and the dialing prefixes.'],
    expected: true,
  },
  SB20005: {
    message: 'The phone system rejected the request.',
    causes: ['The remote party or server refused a hold, transfer or conference.'],
    fixes: ['Try again; check the server supports re-INVITE and REFER.'],
    expected: true,
  },
  SB20006: {
    message: 'There is no such call.',
    causes: ['The call ended before the request arrived.'],
    fixes: ['None needed; refresh the panel if it persists.'],
    expected: true,
  },
  // 3xxxx: CRM (Salesforce)
  SB30001: {
    message: 'Open CTI failed to initialize.',
    causes: ['The softphone is not loaded in the Salesforce softphone frame.', 'sfdcIframeOrigin or mode is missing from the URL.'],
    fixes: ['Load the softphone through a Call Center adapter URL; check reqSalesforceCompatibilityMode.'],
    expected: true,
  },
  SB30002: {
    message: 'Salesforce rejected the request.',
    causes: ['An Open CTI call returned success=false (see details).'],
    fixes: ['Read the error details; check field names, permissions and the softphone layout.'],
    expected: true,
  },
  SB30003: {
    message: 'The call log could not be saved yet; it will be retried.',
    causes: ['Salesforce was unreachable or returned an error.'],
    fixes: ['None needed: the log stays in the outbox and is retried until saved.'],
    expected: true,
  },
  SB30004: {
    message: 'The call log was rejected by Salesforce.',
    causes: [
      'A field value is invalid for this org (for example a restricted picklist value).',
      'A validation rule or a required field of the org refused it.',
    ],
    fixes: [
      'Check the log object and field mappings in the call center settings.',
      'Fix the cause in the org, then press Retry on the log in the panel (Discard drops it for good).',
    ],
    expected: true,
  },
  SB30005: {
    message: 'Salesforce could not issue your phone credentials.',
    causes: [
      'Your user has no extension (User.SwitchboardExtension__c is empty).',
      'The shared secret is not configured (Custom Metadata SwitchboardPhoneSecret__mdt, record Default).',
      'The Apex class SwitchboardCredentials is not deployed, or Salesforce answered something that is not a credential.',
      'Salesforce is unreachable (the request is retried).',
    ],
    fixes: [
      'Ask your administrator to set your extension on your user record and to configure the shared secret.',
      'Deploy the Switchboard package (it ships SwitchboardCredentials); check the connection to Salesforce.',
    ],
    expected: true,
  },
  // 4xxxx: agent state and commands
  SB40001: {
    message: 'That action is not possible in the current call state.',
    causes: ['The call moved on (for example it ended) before the action.'],
    fixes: ['None needed.'],
    expected: true,
  },
  SB40002: {
    message: 'That status change is not allowed now.',
    causes: ['Going offline with a call up, or choosing a status the call center does not define.'],
    fixes: ['End the call first, or pick a defined status.'],
    expected: true,
  },
  SB40003: {
    message: 'No more lines are free.',
    causes: ['The agent already has the maximum number of calls.'],
    fixes: ['End or transfer a call first.'],
    expected: true,
  },
  // 9xxxx: bugs
  SB90001: {
    message: 'Internal error.',
    causes: ['A bug in Switchboard.'],
    fixes: ['Report it with the log (Download logs in the panel settings).'],
    expected: false,
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The only error shape that crosses a postMessage boundary. */
export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
}

export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;
  override readonly cause?: unknown;

  constructor(code: ErrorCode, detail?: string, cause?: unknown) {
    const def = ERROR_CATALOG[code];
    super(detail ? `${def.message} ${detail}` : def.message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.detail = detail;
    this.cause = cause;
  }

  get expected(): boolean {
    return ERROR_CATALOG[this.code].expected;
  }

  get causes(): readonly string[] {
    return ERROR_CATALOG[this.code].causes;
  }

  get fixes(): readonly string[] {
    return ERROR_CATALOG[this.code].fixes;
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOG, value);
}

/** Wraps anything thrown into a SwitchboardError, keeping the original as `cause`. */
export function toSwitchboardError(error: unknown, fallback: ErrorCode = 'SB90001'): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const detail = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  return new SwitchboardError(fallback, detail, error);
}

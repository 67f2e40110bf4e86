/**
 * A client of Salesforce's Telephony Integration REST API (`https://{MyDomain}.my.salesforce-scrt.com/telephony/v1`,
 * or the console emulator's `/telephony/v1`), for the two calls the bridge makes: create a VoiceCall
 * and close it.
 *
 * Every request gets a fresh short-lived JWT, a timeout, and retries with exponential backoff on a
 * timeout, a connection error, 429 or 5xx. Retrying `POST /voiceCalls` is safe because Salesforce
 * is idempotent on `vendorCallKey`: a repeated create answers the existing record's id, so a
 * first request that timed out after Salesforce handled it never makes a second VoiceCall.
 * Other 4xx are final and surface as ScrtError with Salesforce's status and message.
 * The token and key never reach the logger.
 */
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../../core/index.ts';
import { signScrtToken } from './scrt-token.ts';

export interface ScrtClientOptions {
  /** The org's SCRT URL (`https://x.my.salesforce-scrt.com`) or the API base ending in `/telephony/v1`. */
  readonly scrtUrl: string;
  readonly orgId: string;
  /** The call center's API name: the JWT's `sub` and `callCenterApiName`. */
  readonly callCenter: string;
  /** Sent as `Telephony-Provider-Name`. */
  readonly providerName: string;
  readonly key: KeyObject;
  /** One attempt's limit (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included (default 3). */
  readonly attempts?: number;
  /** Wait before the first retry, doubled for each next one (default 100 ms). */
  readonly backoffMs?: number;
  readonly logger: Logger;
  readonly now?: () => number;
  /** How requests are sent (default the global fetch); e.g. pinnedFetch to trust a development certificate. */
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export interface CreateVoiceCall {
  readonly vendorCallKey: string;
  readonly from: string;
  readonly to: string;
  /** ISO 8601. */
  readonly startTime: string;
  readonly initiationMethod: 'Inbound' | 'Transfer';
  /** For a transfer: the parent call's VoiceCall id or vendorCallKey (Salesforce takes either). */
  readonly parentVoiceCallId?: string;
  readonly callAttributes?: Readonly<Record<string, string>>;
}

export interface UpdateVoiceCall {
  readonly endTime: string;
  readonly disconnectReason?: string;
  readonly recordingLocation?: string;
  readonly totalRecordingDuration?: number;
  /** ISO 8601: when the agent answered. */
  readonly acceptTime?: string;
  /** Hold and interaction metrics, whole seconds (numberOfHolds a count). */
  readonly numberOfHolds?: number;
  readonly totalHoldDuration?: number;
  readonly longestHoldDuration?: number;
  readonly agentInteractionDuration?: number;
}

/** The optional fields of an update, in the order they are sent. */
const UPDATE_FIELDS = [
  'disconnectReason',
  'recordingLocation',
  'totalRecordingDuration',
  'acceptTime',
  'numberOfHolds',
  'totalHoldDuration',
  'longestHoldDuration',
  'agentInteractionDuration',
] as const satisfies readonly (keyof UpdateVoiceCall)[];

/** A failed exchange with Salesforce: its status (or 502/504 for no answer) and message. */
export class ScrtError extends Error {
  override readonly name = 'ScrtError';
  constructor(
    /** Salesforce's HTTP status, or undefined when no answer came (timeout, connection refused). */
    readonly upstreamStatus: number | undefined,
    message: string,
    readonly attempts: number,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

const ORG_ID = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

export class ScrtClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ScrtClientOptions) {
    this.base = apiBase(options.scrtUrl);
    if (!ORG_ID.test(options.orgId)) throw new Error(`org id "${options.orgId}" is not a Salesforce org id (00D followed by 12 or 15 letters and digits)`);
    if (!/^\w+$/.test(options.callCenter))
      throw new Error(`call center API name "${options.callCenter}" must be letters, digits and underscores (its internal name)`);
    if (options.providerName.trim() === '') throw new Error('the telephony provider name (Telephony-Provider-Name) must not be empty');
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? 1000);
    this.attempts = positive('attempts', options.attempts ?? 3);
    this.backoffMs = Math.max(0, options.backoffMs ?? 100);
    this.now = options.now ?? Date.now;
  }

  get apiBase(): string {
    return this.base;
  }

  /** `POST /voiceCalls`; answers the VoiceCall id (the existing one for a known vendorCallKey). */
  async createVoiceCall(call: CreateVoiceCall): Promise<string> {
    const body: Record<string, unknown> = {
      callCenterApiName: this.options.callCenter,
      vendorCallKey: call.vendorCallKey,
      to: call.to,
      from: call.from,
      initiationMethod: call.initiationMethod,
      startTime: call.startTime,
      participants: [{ participantKey: call.from, type: 'END_USER' }],
    };
    if (call.parentVoiceCallId !== undefined) body.parentVoiceCallId = call.parentVoiceCallId;
    // Salesforce takes custom field values as a JSON string, not an object.
    if (call.callAttributes !== undefined) body.callAttributes = JSON.stringify(call.callAttributes);
    const answer = await this.request('POST', '/voiceCalls', body, call.vendorCallKey);
    const id = (answer as { voiceCallId?: unknown } | undefined)?.voiceCallId;
    if (typeof id !== 'string' || id === '') throw new ScrtError(502, 'Salesforce answered the create without a voiceCallId', 1, false);
    return id;
  }

  /** `PATCH /voiceCalls/{vendorCallKey}` (Salesforce takes the key or the record id). */
  async updateVoiceCall(vendorCallKey: string, update: UpdateVoiceCall): Promise<void> {
    const body: Record<string, unknown> = { endTime: update.endTime };
    for (const field of UPDATE_FIELDS) if (update[field] !== undefined) body[field] = update[field];
    await this.request('PATCH', `/voiceCalls/${encodeURIComponent(vendorCallKey)}`, body, vendorCallKey);
  }

  private async request(method: string, path: string, body: unknown, vendorCallKey: string): Promise<unknown> {
    const url = `${this.base}${path}`;
    const started = this.now();
    let last: ScrtError | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await sleep(this.backoffMs * 2 ** (attempt - 2));
      const outcome = await this.once(method, url, body, attempt);
      if (!(outcome instanceof ScrtError)) {
        this.options.logger.log('info', 'voice-bridge: Salesforce answered', {
          method,
          path: pathForLog(path),
          vendorCallKey,
          attempts: attempt,
          ms: this.now() - started,
        });
        return outcome;
      }
      last = outcome;
      const retryable = outcome.upstreamStatus === undefined || outcome.upstreamStatus === 429 || outcome.upstreamStatus >= 500;
      this.options.logger.log(retryable && attempt < this.attempts ? 'warn' : 'error', 'voice-bridge: Salesforce request failed', {
        method,
        path: pathForLog(path),
        vendorCallKey,
        attempt,
        status: outcome.upstreamStatus,
        timedOut: outcome.timedOut,
        error: outcome.message,
      });
      if (!retryable) break;
    }
    throw last ?? new ScrtError(undefined, 'no attempt made', 0, false);
  }

  /** One attempt: the parsed answer, or a ScrtError (never throws). */
  private async once(method: string, url: string, body: unknown, attempt: number): Promise<unknown> {
    let response: Response;
    try {
      const token = await signScrtToken(this.options.key, { orgId: this.options.orgId, callCenter: this.options.callCenter }, this.now());
      response = await (this.options.fetch ?? fetch)(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'telephony-provider-name': this.options.providerName,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError';
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const detail = timedOut
        ? `no answer within ${this.timeoutMs} ms`
        : `${cause?.code ?? (e as Error).message}${cause?.message ? ` (${cause.message})` : ''}`;
      return new ScrtError(undefined, `${method} ${url}: ${detail}`, attempt, timedOut);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError';
      return new ScrtError(timedOut ? undefined : response.status, `${method} ${url}: the answer broke off (${(e as Error).message})`, attempt, timedOut);
    }
    const parsed = parseJson(text);
    if (response.ok) return parsed;
    return new ScrtError(response.status, salesforceMessage(parsed, text, response.status), attempt, false);
  }
}

/** `https://x.my.salesforce-scrt.com` or `…/telephony/v1[/]` → `…/telephony/v1`. */
export function apiBase(scrtUrl: string): string {
  let url: URL;
  try {
    url = new URL(scrtUrl);
  } catch {
    throw new Error(`the SCRT URL "${scrtUrl}" is not a URL (expected e.g. https://MyDomain.my.salesforce-scrt.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`the SCRT URL "${scrtUrl}" must be https:// (http:// only for a local emulator)`);
  if (url.search || url.hash) throw new Error(`the SCRT URL "${scrtUrl}" must not carry a query or fragment`);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/telephony/v1') ? path : `${path}/telephony/v1`}`;
}

/** Salesforce answers errors as `[{message, errorCode}]` or `{message, errorCode}`. */
function salesforceMessage(parsed: unknown, text: string, status: number): string {
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (first && typeof first === 'object') {
    const o = first as Record<string, unknown>;
    const message = o.message ?? o.errorMessage ?? o.error_description ?? o.error;
    if (typeof message === 'string') return typeof o.errorCode === 'string' ? `${o.errorCode}: ${message}` : message;
  }
  const trimmed = text.trim();
  return trimmed === '' ? `HTTP ${status}` : trimmed.slice(0, 500);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Call-IDs are not secret, but keep log lines short and uniform. */
function pathForLog(path: string): string {
  return path.replace(/^\/voiceCalls\/[^/]+/, '/voiceCalls/{vendorCallKey}');
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got ${value})`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

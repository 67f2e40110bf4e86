/**
 * Salesforce Voice: the server asks the voice bridge (`switchboard voice-bridge`) for a VoiceCall
 * before it rings agents with a new inbound call, puts the id on each forked INVITE as
 * `X-Salesforce-VoiceCall-Id`, and tells the bridge when the call ends.
 *
 * The caller never waits on Salesforce for long: the server waits at most `waitMs` (default 2 s)
 * for the id. When the bridge fails or is slow, the call rings without the header and the failure
 * is logged and emitted; the connector then announces the call without a VoiceCall id (Salesforce
 * cannot screen-pop it as a Voice call, but the customer is not left in silence). A bridge that
 * answers after the wait has still made the record, so the end is sent for it too.
 *
 * Keyed by vendorCallKey = the caller's Call-ID, which the proxy keeps. A call ends when none of
 * its dialogs lives any more and no queue holds it (checked once the events of a step settle),
 * also across a softphone's reload (an INVITE with Replaces carries the call on under a new
 * Call-ID: it is an alias of the same VoiceCall).
 *
 * Transfers: when an agent REFERs the caller of a recorded call elsewhere (blind, or consultative
 * with Replaces), the caller's next INVITE within a minute is the transfer's leg: its VoiceCall is
 * created with initiationMethod Transfer and the original call as parent, as Salesforce asks; the
 * original call, once it ends, is closed with disconnectReason TRANSFER (its caller went on to the
 * transfer's target: neither side hung up on the other).
 *
 * Hold and interaction metrics: the server sees every in-dialog re-INVITE and UPDATE of the call,
 * so it measures holds from their SDP (see sdp-hold.ts) once the other side accepted them (2xx),
 * and sends them with the end: acceptTime (the agent's 200 OK to the INVITE), numberOfHolds,
 * totalHoldDuration, longestHoldDuration and agentInteractionDuration (answered to end minus hold).
 * The INVITE with Replaces of a reload take-back does not count: the softphone always offers
 * sendrecv there and holds again by re-INVITE once back, which continues the same hold.
 */
import type { Clock, Logger } from '../../core/index.ts';
import { HoldMeter, type HoldMetrics } from './hold-meter.ts';
import { sdpHolds } from './sdp-hold.ts';

export const VOICE_CALL_ID_HEADER = 'X-Salesforce-VoiceCall-Id';

/** Why a call ended, as sent to the bridge's `disconnectReason`. */
export type DisconnectReason =
  /** Answered; the caller hung up (or nobody did, e.g. both sockets went away). */
  | 'CUSTOMER_DISCONNECT'
  /** Answered; the agent hung up first. */
  | 'AGENT_DISCONNECT'
  /** Answered; an agent REFERred the caller elsewhere and the caller's transfer call started before this one ended. */
  | 'TRANSFER'
  /** The caller cancelled or left before anyone answered. */
  | 'CUSTOMER_ABANDONED'
  /** Nobody answered (every agent declined, or the ringing timed out). */
  | 'NOT_ANSWERED';

export interface VoiceBridgeSettings {
  /** The bridge's base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer` when the bridge was started with a token. */
  readonly token?: string;
  /** The longest the caller waits for the VoiceCall id before agents ring without it (default 2000 ms). */
  readonly waitMs?: number;
  /**
   * Which new calls are inbound, so get a VoiceCall (outbound calls are Salesforce's to record).
   * Default: calls from a guest (a caller with no password: a customer phone, a PSTN gateway).
   */
  readonly isInbound?: (call: { readonly caller: string; readonly called: string }) => boolean;
}

export type VoiceCallEvent =
  | { readonly kind: 'created'; readonly callId: string; readonly voiceCallId: string; readonly ms: number }
  | { readonly kind: 'create-failed'; readonly callId: string; readonly error: string; readonly ms: number; readonly late: boolean }
  | { readonly kind: 'ended'; readonly callId: string; readonly disconnectReason: DisconnectReason; readonly metrics?: HoldMetrics }
  | { readonly kind: 'end-failed'; readonly callId: string; readonly error: string };

export interface VoiceCallsPort {
  readonly clock: Clock;
  readonly logger: Logger;
  /** How many dialogs of this Call-ID are not terminated. */
  liveDialogs(callId: string): number;
  /** True when a queue holds (waits or offers) this INVITE. */
  queued(inviteKey: string): boolean;
  emit(event: VoiceCallEvent): void;
}

interface BridgedCall {
  readonly vendorCallKey: string;
  /** The caller's address of record (who a transfer's REFER goes to). */
  readonly callerAor: string;
  readonly inviteKey: string;
  readonly callerConnectionId: number;
  /** The Call-IDs the call lives under (its own, and those of INVITEs that replaced a leg). */
  readonly callIds: Set<string>;
  /** Call-IDs an INVITE with Replaces took over: their BYE hangs nothing up. */
  readonly replacedIds: Set<string>;
  /** Settles when the bridge answered the create (either way): the end MUST NOT overtake it. */
  created: Promise<void>;
  /** The bridge refused the create: no record to close. */
  refused: boolean;
  answered: boolean;
  /** The caller cancelled or left before an answer. */
  callerGone: boolean;
  /** Who hung up first, once someone did. */
  byeFromCaller: boolean | undefined;
  ended: boolean;
  checkArmed: boolean;
  /** The caller's transfer call (after an agent's REFER) started while this call was still up. */
  transferred: boolean;
  readonly holds: HoldMeter;
}

const END_TIMEOUT_MS = 10_000;
/** How long after a REFER the referred caller's INVITE counts as the transfer (RFC 3515 leaves it open; 64 s is Timer B's span). */
const TRANSFER_WINDOW_MS = 64_000;

export class VoiceCalls {
  private readonly byCallId = new Map<string, BridgedCall>();
  private readonly waiting = new Map<string, { cancelled: boolean }>();
  /** Callers an agent REFERred away from a recorded call: caller AOR → the parent call and until when. */
  private readonly transfers = new Map<string, { readonly parent: string; readonly until: number }>();
  private readonly base: string;
  private readonly waitMs: number;

  constructor(
    private readonly settings: VoiceBridgeSettings,
    private readonly port: VoiceCallsPort,
  ) {
    let url: URL;
    try {
      url = new URL(settings.url);
    } catch {
      throw new Error(`voiceBridge.url "${settings.url}" is not a URL (e.g. http://127.0.0.1:8787)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`voiceBridge.url "${settings.url}" must be http:// or https://`);
    this.base = settings.url.replace(/\/+$/, '');
    this.waitMs = settings.waitMs ?? 2000;
    if (!(this.waitMs > 0)) throw new Error(`voiceBridge.waitMs must be positive (got ${this.waitMs})`);
  }

  /** Whether this new call is one the bridge records. */
  wants(call: { readonly caller: string; readonly called: string }, callerIsGuest: boolean): boolean {
    return this.settings.isInbound ? this.settings.isInbound(call) : callerIsGuest;
  }

  /** The INVITE (by its transaction key) waits for the bridge. */
  isWaiting(inviteKey: string): boolean {
    return this.waiting.has(inviteKey);
  }

  /** The caller cancelled while the INVITE waited for the bridge: true when it was waiting (the caller gets 487). */
  cancelWaiting(inviteKey: string): boolean {
    const w = this.waiting.get(inviteKey);
    if (!w) return false;
    w.cancelled = true;
    return true;
  }

  /**
   * Asks the bridge for the VoiceCall, then calls `proceed` with its id, or with undefined when the
   * bridge failed or took longer than `waitMs`; `proceed` is not called when the caller cancelled
   * meanwhile (the end is then reported as abandoned).
   */
  start(
    call: {
      readonly inviteKey: string;
      readonly callId: string;
      readonly from: string;
      readonly to: string;
      readonly callerAor: string;
      readonly callerConnectionId: number;
      readonly transferOf?: string;
    },
    proceed: (voiceCallId: string | undefined) => void,
  ): void {
    if (call.transferOf !== undefined) this.transfers.delete(call.callerAor);
    const bridged: BridgedCall = {
      vendorCallKey: call.callId,
      callerAor: call.callerAor,
      inviteKey: call.inviteKey,
      callerConnectionId: call.callerConnectionId,
      callIds: new Set([call.callId]),
      replacedIds: new Set(),
      created: Promise.resolve(),
      refused: false,
      answered: false,
      callerGone: false,
      byeFromCaller: undefined,
      ended: false,
      checkArmed: false,
      transferred: false,
      holds: new HoldMeter(),
    };
    if (call.transferOf !== undefined) {
      const parent = this.byCallId.get(call.transferOf);
      if (parent && !parent.ended) parent.transferred = true;
    }
    this.byCallId.set(call.callId, bridged);
    const waiter = { cancelled: false };
    this.waiting.set(call.inviteKey, waiter);
    const started = this.port.clock.now();
    let settled = false;
    const go = (id: string | undefined): void => {
      if (settled) return;
      settled = true;
      this.waiting.delete(call.inviteKey);
      if (waiter.cancelled) bridged.callerGone = true;
      else proceed(id);
      this.check(bridged);
    };
    const cap = this.port.clock.setTimeout(() => {
      this.port.logger.log('warn', 'sip-server: the voice bridge did not answer in time; ringing without a VoiceCall id', {
        callId: call.callId,
        waitMs: this.waitMs,
      });
      go(undefined);
    }, this.waitMs);
    const body = {
      vendorCallKey: call.callId,
      from: call.from,
      to: call.to,
      startTime: new Date(this.port.clock.now()).toISOString(),
      ...(call.transferOf !== undefined ? { initiationMethod: 'Transfer', parentVendorCallKey: call.transferOf } : {}),
    };
    bridged.created = this.post('/v1/calls', body, END_TIMEOUT_MS)
      .then((answer) => {
        const id = (answer as { voiceCallId?: unknown }).voiceCallId;
        if (typeof id !== 'string' || id === '') throw new Error('the bridge answered without a voiceCallId');
        const ms = this.port.clock.now() - started;
        this.port.logger.log('info', 'sip-server: VoiceCall created', { callId: call.callId, voiceCallId: id, ms, late: settled });
        this.port.emit({ kind: 'created', callId: call.callId, voiceCallId: id, ms });
        cap();
        go(id);
      })
      .catch((e: unknown) => {
        if (e instanceof BridgeRefused) bridged.refused = true;
        const ms = this.port.clock.now() - started;
        const error = e instanceof Error ? e.message : String(e);
        this.port.logger.log('error', 'sip-server: the voice bridge could not create the VoiceCall; ringing without its id', {
          callId: call.callId,
          error,
          ms,
        });
        this.port.emit({ kind: 'create-failed', callId: call.callId, error, ms, late: settled });
        cap();
        go(undefined);
      });
  }

  /** A REFER inside a call, from the socket `fromConnectionId`: an agent sending its caller elsewhere. */
  referred(callId: string, fromConnectionId: number): void {
    const call = this.byCallId.get(callId);
    if (!call || call.ended || fromConnectionId === call.callerConnectionId) return;
    const now = this.port.clock.now();
    for (const [aor, t] of this.transfers) if (t.until < now) this.transfers.delete(aor);
    this.transfers.set(call.callerAor, { parent: call.vendorCallKey, until: now + TRANSFER_WINDOW_MS });
  }

  /** The recorded call `callerAor` was just REFERred away from (its vendorCallKey), if any. */
  transferOf(callerAor: string): string | undefined {
    const t = this.transfers.get(callerAor);
    return t && t.until >= this.port.clock.now() ? t.parent : undefined;
  }

  /** The caller cancelled or its socket closed before an answer. */
  callerLeft(callId: string): void {
    const call = this.byCallId.get(callId);
    if (!call) return;
    if (!call.answered) call.callerGone = true;
    this.check(call);
  }

  /** A socket closed: calls it was placing and nobody had answered are abandoned. */
  connectionClosed(connectionId: number): void {
    for (const call of new Set(this.byCallId.values())) {
      if (call.callerConnectionId !== connectionId) continue;
      if (!call.answered) call.callerGone = true;
      this.check(call);
    }
  }

  /** A 2xx reached the caller. */
  answered(callId: string): void {
    const call = this.byCallId.get(callId);
    if (!call) return;
    call.answered = true;
    call.holds.answered(this.port.clock.now());
  }

  /** True when in-dialog offers of this Call-ID are measured (it is a recorded call's). */
  records(callId: string): boolean {
    return this.byCallId.has(callId);
  }

  /**
   * An in-dialog re-INVITE or UPDATE of the call was accepted (2xx): `offer` is the request's SDP,
   * `answer` the 2xx's. Held when either side holds its audio: a far end answering a hold
   * (recvonly) and a holding side answering a refresh (sendonly) both keep the call held.
   * Without SDP in the request (an offer in the 2xx, the answer in the ACK) the 2xx's SDP is read.
   */
  mediaChanged(callId: string, offer: string | undefined, answer: string | undefined): void {
    const call = this.byCallId.get(callId);
    if (!call || call.ended) return;
    const offered = sdpHolds(offer);
    const answered = sdpHolds(answer);
    if (offered === undefined && answered === undefined) return;
    call.holds.held(offered === true || answered === true, this.port.clock.now());
  }

  /** A BYE in the call; `fromConnectionId` is the socket it came from. */
  bye(callId: string, fromConnectionId: number): void {
    const call = this.byCallId.get(callId);
    // The far end drops a dialog a take-back replaced (RFC 3891 §3): the call goes on.
    if (call && call.byeFromCaller === undefined && !call.replacedIds.has(callId)) call.byeFromCaller = fromConnectionId === call.callerConnectionId;
  }

  /** An INVITE with Replaces for `replacedCallId` under a new Call-ID: the same VoiceCall goes on there. */
  replaced(newCallId: string, replacedCallId: string): void {
    const call = this.byCallId.get(replacedCallId);
    if (!call || call.ended) return;
    call.callIds.add(newCallId);
    call.replacedIds.add(replacedCallId);
    this.byCallId.set(newCallId, call);
  }

  /** Something happened to a call (a dialog ended, a final answer, a CANCEL): see, once it settles, whether it is over. */
  changed(callId: string): void {
    const call = this.byCallId.get(callId);
    if (call) this.check(call);
  }

  private check(call: BridgedCall): void {
    if (call.ended || call.checkArmed) return;
    call.checkArmed = true;
    // After the current step: a queue puts a refused offer back only after its dialogs ended.
    this.port.clock.setTimeout(() => {
      call.checkArmed = false;
      if (call.ended || this.waiting.has(call.inviteKey) || this.port.queued(call.inviteKey)) return;
      for (const id of call.callIds) if (this.port.liveDialogs(id) > 0) return;
      this.end(call);
    }, 0);
  }

  private end(call: BridgedCall): void {
    call.ended = true;
    for (const id of call.callIds) this.byCallId.delete(id);
    const disconnectReason: DisconnectReason = call.answered
      ? call.transferred
        ? 'TRANSFER'
        : call.byeFromCaller === false
          ? 'AGENT_DISCONNECT'
          : 'CUSTOMER_DISCONNECT'
      : call.callerGone
        ? 'CUSTOMER_ABANDONED'
        : 'NOT_ANSWERED';
    const key = call.vendorCallKey;
    const now = this.port.clock.now();
    const endTime = new Date(now).toISOString();
    const metrics = call.answered ? call.holds.end(now) : undefined;
    void call.created
      .then(() => {
        if (call.refused) return false;
        // Sent once, with the end: Salesforce overwrites the totals on every PATCH that has them.
        return this.post(`/v1/calls/${encodeURIComponent(key)}/end`, { endTime, disconnectReason, ...metrics }, END_TIMEOUT_MS).then(() => true);
      })
      .then((sent) => {
        if (!sent) return;
        this.port.logger.log('info', 'sip-server: VoiceCall closed', { callId: key, disconnectReason, ...metrics });
        this.port.emit({ kind: 'ended', callId: key, disconnectReason, ...(metrics ? { metrics } : {}) });
      })
      .catch((e: unknown) => {
        const error = e instanceof Error ? e.message : String(e);
        this.port.logger.log('error', 'sip-server: the voice bridge could not close the VoiceCall', { callId: key, error });
        this.port.emit({ kind: 'end-failed', callId: key, error });
      });
  }

  private async post(path: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.settings.token ? { authorization: `Bearer ${this.settings.token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const message = (parsed as { error?: { message?: unknown } } | undefined)?.error?.message;
      const detail = `the voice bridge answered ${response.status}: ${typeof message === 'string' ? message : text.slice(0, 300)}`;
      // 5xx: Salesforce may still have made the record (a timeout upstream); 4xx: it made none.
      throw response.status < 500 ? new BridgeRefused(detail) : new Error(detail);
    }
    return parsed ?? {};
  }
}

class BridgeRefused extends Error {}

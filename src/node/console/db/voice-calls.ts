/**
 * Salesforce Voice's call records in the emulated org: what the Telephony Integration REST API
 * (server/telephony-api.ts) and the console's Voice page both read and write. A VoiceCall is found by
 * its Id or by the vendor's call key (the SIP Call-ID); creating one is idempotent on that key (and
 * call type), as Salesforce answers a repeated create with the existing record's Id.
 *
 * Every write is a system write (VoiceCall's telephony fields are read-only to the REST API, as in an
 * org) and goes through ConsoleDb, so types, references, picklists and audit fields are checked and
 * kept exactly as for any other object. Refusals are SalesforceError.
 */
import type { ConsoleDb, WriteContext } from './console-db.ts';
import { sfError, SalesforceError } from './errors.ts';
import { keyPrefixOf, normalizeId } from './ids.ts';
import type { FieldValue } from './schema.ts';
import { VOICE_CALL, VOICE_CALL_TYPES } from './telephony-objects.ts';
import { fieldOf, type SObjectRecord } from './sql.ts';
import { formatDateTime } from './values.ts';

export type VoiceCallType = (typeof VOICE_CALL_TYPES)[number];

/** An instant: ISO 8601 text (any form Salesforce takes), milliseconds since the epoch, or a Date. */
export type DateInput = string | number | Date;

/** A VoiceCall as the Voice code reads it. Datetimes are Salesforce's text form (`2026-12-07T01:02:03.000+0000`). */
export interface VoiceCall {
  readonly id: string;
  /** The auto-number, `VC-00000001`. */
  readonly name: string;
  readonly vendorCallKey: string | null;
  readonly callCenterId: string | null;
  readonly callType: VoiceCallType;
  readonly callOrigin: string | null;
  readonly callDisposition: string | null;
  readonly callResolution: string | null;
  readonly startTime: string | null;
  readonly endTime: string | null;
  readonly queuedTime: string | null;
  readonly acceptTime: string | null;
  /** Computed from start and end when both are known. */
  readonly durationSeconds: number | null;
  readonly fromNumber: string | null;
  readonly toNumber: string | null;
  readonly relatedRecordId: string | null;
  /** The agent who handled the call. */
  readonly userId: string | null;
  readonly ownerId: string | null;
  readonly queueName: string | null;
  readonly parentVoiceCallId: string | null;
  readonly previousCallId: string | null;
  readonly callRecordingId: string | null;
  readonly totalHoldDuration: number | null;
  readonly longestHoldDuration: number | null;
  readonly numberOfHolds: number | null;
  readonly agentInteractionDuration: number | null;
  readonly disconnectReason: string | null;
  readonly isActiveCall: boolean;
  readonly description: string | null;
  readonly createdDate: string;
  readonly lastModifiedDate: string;
}

export interface NewVoiceCall {
  /** The telephony system's call Id (for Switchboard the SIP Call-ID of the inbound INVITE). */
  readonly vendorCallKey: string;
  /** The call center's Id or internal name (the Telephony API's callCenterApiName). */
  readonly callCenter: string;
  /** Default 'Inbound'. */
  readonly callType?: VoiceCallType;
  readonly from: string;
  readonly to: string;
  /** Default now. */
  readonly startTime?: DateInput;
  readonly callOrigin?: string;
  /** For a transfer: the parent call's Id or vendorCallKey. */
  readonly parentVoiceCall?: string;
  /** Values the telephony system attaches to the call (IVR data…), kept as the call's attributes. */
  readonly callAttributes?: Readonly<Record<string, string>>;
  readonly queueName?: string;
}

/** Changes to a call; a key left out is left alone, null clears. */
export interface VoiceCallChanges {
  readonly startTime?: DateInput | null;
  readonly endTime?: DateInput | null;
  readonly queuedTime?: DateInput | null;
  readonly acceptTime?: DateInput | null;
  readonly fromNumber?: string | null;
  readonly toNumber?: string | null;
  readonly totalHoldDuration?: number | null;
  readonly longestHoldDuration?: number | null;
  readonly numberOfHolds?: number | null;
  readonly agentInteractionDuration?: number | null;
  readonly queueName?: string | null;
  /** The handling agent (User Id). */
  readonly userId?: string | null;
  readonly ownerId?: string;
  readonly callOrigin?: string | null;
  readonly callDisposition?: string | null;
  readonly callResolution?: string | null;
  readonly disconnectReason?: string | null;
  readonly isActiveCall?: boolean;
  readonly relatedRecordId?: string | null;
  readonly description?: string | null;
  /** Merged into the call's attributes. */
  readonly callAttributes?: Readonly<Record<string, string>>;
  /** Creates a VoiceCallRecording and links it as the call's CallRecordingId. */
  readonly recording?: { readonly location: string; readonly durationSeconds?: number | null };
}

export const MESSAGE_SENDER_TYPES = ['END_USER', 'HUMAN_AGENT', 'VIRTUAL_AGENT', 'SUPERVISOR'] as const;
export type MessageSenderType = (typeof MESSAGE_SENDER_TYPES)[number];

/** One transcript utterance (the Telephony API's `POST /voiceCalls/{vendorCallKey}/messages`). */
export interface VoiceCallMessage {
  readonly messageId: string;
  readonly senderType: MessageSenderType;
  readonly participantId?: string | null;
  readonly content: string;
  /** Milliseconds since the epoch, as the API sends them. */
  readonly startTime?: number | null;
  readonly endTime?: number | null;
}

export interface StoredVoiceCallMessage extends Required<VoiceCallMessage> {
  readonly voiceCallId: string;
  readonly receivedAt: string;
}

export type RoutingAction = 'omniFlow' | 'clearRouting';

/** A routing request the telephony system made for a call, in the order received. */
export interface RoutingRequest {
  readonly action: RoutingAction;
  readonly request: Readonly<Record<string, unknown>>;
  readonly at: string;
}

export interface VoiceCallQuery {
  /** Only calls still active (IsActiveCall). */
  readonly activeOnly?: boolean;
  readonly userId?: string;
  readonly callCenterId?: string;
  /** Default 50, at most 2000. */
  readonly limit?: number;
}

const FIELD_OF_CHANGE: Readonly<Record<string, string>> = {
  startTime: 'CallStartDateTime',
  endTime: 'CallEndDateTime',
  queuedTime: 'CallQueuedDateTime',
  acceptTime: 'CallAcceptDateTime',
  fromNumber: 'FromPhoneNumber',
  toNumber: 'ToPhoneNumber',
  totalHoldDuration: 'TotalHoldDuration',
  longestHoldDuration: 'LongestHoldDuration',
  numberOfHolds: 'NumberOfHolds',
  agentInteractionDuration: 'AgentInteractionDuration',
  queueName: 'QueueName',
  userId: 'UserId',
  ownerId: 'OwnerId',
  callOrigin: 'CallOrigin',
  callDisposition: 'CallDisposition',
  callResolution: 'CallResolution',
  disconnectReason: 'DisconnectReason',
  isActiveCall: 'IsActiveCall',
  relatedRecordId: 'RelatedRecordId',
  description: 'Description',
};
const DATE_CHANGES = new Set(['startTime', 'endTime', 'queuedTime', 'acceptTime']);

/** The VoiceCall field a VoiceCallChanges key writes (for callers that report errors in their own terms). */
export function voiceCallFieldOf(change: keyof VoiceCallChanges): string | undefined {
  return FIELD_OF_CHANGE[change];
}

function dateValue(value: DateInput | null): FieldValue {
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : formatDateTime(value.getTime());
  if (typeof value === 'number') return Number.isFinite(value) ? formatDateTime(value) : String(value);
  return value;
}

const str = (r: SObjectRecord, name: string): string | null => {
  const v = fieldOf(r, name);
  return v === null ? null : String(v);
};
const num = (r: SObjectRecord, name: string): number | null => {
  const v = fieldOf(r, name);
  return typeof v === 'number' ? v : null;
};

function view(r: SObjectRecord): VoiceCall {
  return {
    id: String(r.Id),
    name: String(r.Name),
    vendorCallKey: str(r, 'VendorCallKey'),
    callCenterId: str(r, 'CallCenterId'),
    callType: String(r.CallType) as VoiceCallType,
    callOrigin: str(r, 'CallOrigin'),
    callDisposition: str(r, 'CallDisposition'),
    callResolution: str(r, 'CallResolution'),
    startTime: str(r, 'CallStartDateTime'),
    endTime: str(r, 'CallEndDateTime'),
    queuedTime: str(r, 'CallQueuedDateTime'),
    acceptTime: str(r, 'CallAcceptDateTime'),
    durationSeconds: num(r, 'CallDurationInSeconds'),
    fromNumber: str(r, 'FromPhoneNumber'),
    toNumber: str(r, 'ToPhoneNumber'),
    relatedRecordId: str(r, 'RelatedRecordId'),
    userId: str(r, 'UserId'),
    ownerId: str(r, 'OwnerId'),
    queueName: str(r, 'QueueName'),
    parentVoiceCallId: str(r, 'ParentVoiceCallId'),
    previousCallId: str(r, 'PreviousCallId'),
    callRecordingId: str(r, 'CallRecordingId'),
    totalHoldDuration: num(r, 'TotalHoldDuration'),
    longestHoldDuration: num(r, 'LongestHoldDuration'),
    numberOfHolds: num(r, 'NumberOfHolds'),
    agentInteractionDuration: num(r, 'AgentInteractionDuration'),
    disconnectReason: str(r, 'DisconnectReason'),
    isActiveCall: r.IsActiveCall === true,
    description: str(r, 'Description'),
    createdDate: String(r.CreatedDate),
    lastModifiedDate: String(r.LastModifiedDate),
  };
}

const notFound = (idOrKey: string) => sfError('NOT_FOUND', `No VoiceCall with Id or vendorCallKey '${idOrKey}'`);

export class VoiceCallStore {
  constructor(private readonly db: ConsoleDb) {}

  /** The call with this Id, else the newest call with this vendorCallKey. */
  get(idOrKey: string): VoiceCall | undefined {
    const id = this.idOf(idOrKey);
    return id ? view(this.db.retrieve(VOICE_CALL.name, id)) : undefined;
  }

  /** Like get; NOT_FOUND when there is no such call. */
  require(idOrKey: string): VoiceCall {
    const call = this.get(idOrKey);
    if (!call) throw notFound(idOrKey);
    return call;
  }

  /**
   * Creates the call, or answers the existing one when a call with this vendorCallKey and call type
   * exists (a repeated create; a transfer keeps its parent's key but is a call of its own).
   */
  createOrGet(input: NewVoiceCall, ctx: WriteContext = {}): { readonly voiceCall: VoiceCall; readonly created: boolean } {
    return this.db.transaction(() => {
      const missing = (['vendorCallKey', 'callCenter', 'from', 'to'] as const).filter((k) => typeof input[k] !== 'string' || input[k].trim() === '');
      if (missing.length) throw sfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, [...missing]);
      const callType = input.callType ?? 'Inbound';
      const existing = this.db
        .prepare('SELECT "Id" FROM "sobj_VoiceCall" WHERE "VendorCallKey" = ? AND "CallType" = ? ORDER BY rowid DESC LIMIT 1')
        .get(input.vendorCallKey, callType) as { Id: string } | undefined;
      if (existing) return { voiceCall: this.require(existing.Id), created: false };
      const callCenterId = this.callCenterId(input.callCenter);
      let parentId: string | null = null;
      if (input.parentVoiceCall !== undefined && input.parentVoiceCall !== '') {
        parentId = this.idOf(input.parentVoiceCall) ?? null;
        if (!parentId)
          throw sfError('INVALID_CROSS_REFERENCE_KEY', `Parent Voice Call ID: no VoiceCall with Id or vendorCallKey '${input.parentVoiceCall}'`, [
            'ParentVoiceCallId',
          ]);
      }
      const id = this.db.create(
        VOICE_CALL.name,
        {
          VendorCallKey: input.vendorCallKey,
          CallCenterId: callCenterId,
          CallType: callType,
          FromPhoneNumber: input.from,
          ToPhoneNumber: input.to,
          CallStartDateTime: dateValue(input.startTime ?? this.db.now()),
          CallOrigin: input.callOrigin ?? null,
          ParentVoiceCallId: parentId,
          QueueName: input.queueName ?? null,
          // Salesforce's status of a call created and not yet accepted.
          CallDisposition: 'new',
          IsActiveCall: true,
        },
        ctx,
        true,
      );
      if (input.callAttributes) this.mergeAttributes(id, input.callAttributes);
      return { voiceCall: this.require(id), created: true };
    });
  }

  /** Applies changes to the call (by Id or vendorCallKey) and answers it as stored. */
  update(idOrKey: string, changes: VoiceCallChanges, ctx: WriteContext = {}): VoiceCall {
    return this.db.transaction(() => {
      const call = this.require(idOrKey);
      const fields: Record<string, FieldValue> = {};
      for (const [key, value] of Object.entries(changes)) {
        const field = FIELD_OF_CHANGE[key];
        if (!field || value === undefined) continue;
        fields[field] = DATE_CHANGES.has(key) ? dateValue(value as DateInput | null) : (value as FieldValue);
      }
      if (changes.recording) {
        const { location, durationSeconds } = changes.recording;
        if (typeof location !== 'string' || location.trim() === '')
          throw sfError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [RecordingLocation]', ['RecordingLocation']);
        fields.CallRecordingId = this.db.create(
          'VoiceCallRecording',
          { VoiceCallId: call.id, RecordingLocation: location, DurationInSeconds: durationSeconds ?? null, ...(call.ownerId ? { OwnerId: call.ownerId } : {}) },
          ctx,
          true,
        );
      }
      if (Object.keys(fields).length) this.db.update(VOICE_CALL.name, call.id, fields, ctx, true);
      if (changes.callAttributes) this.mergeAttributes(call.id, changes.callAttributes);
      return this.require(call.id);
    });
  }

  /** The agent accepted the call: it becomes theirs (UserId, OwnerId), accepted now or `at`, and in progress. */
  accept(idOrKey: string, userId: string, at: DateInput = this.db.now(), ctx: WriteContext = {}): VoiceCall {
    return this.update(idOrKey, { userId, ownerId: userId, acceptTime: at, callDisposition: 'in-progress' }, ctx);
  }

  /** The call ended (now or `at`): no longer active; the duration follows from start and end. */
  end(idOrKey: string, options: { readonly at?: DateInput; readonly disconnectReason?: string } = {}, ctx: WriteContext = {}): VoiceCall {
    return this.update(
      idOrKey,
      {
        endTime: options.at ?? this.db.now(),
        isActiveCall: false,
        ...(options.disconnectReason !== undefined ? { disconnectReason: options.disconnectReason } : {}),
      },
      ctx,
    );
  }

  setRelatedRecord(idOrKey: string, recordId: string | null, ctx: WriteContext = {}): VoiceCall {
    return this.update(idOrKey, { relatedRecordId: recordId }, ctx);
  }

  setDisposition(idOrKey: string, disposition: string | null, ctx: WriteContext = {}): VoiceCall {
    return this.update(idOrKey, { callDisposition: disposition }, ctx);
  }

  /** Calls newest first. */
  list(query: VoiceCallQuery = {}): VoiceCall[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.activeOnly) where.push('"IsActiveCall" = 1');
    if (query.userId !== undefined) {
      where.push('"UserId" = ?');
      params.push(normalizeId(query.userId) ?? query.userId);
    }
    if (query.callCenterId !== undefined) {
      where.push('"CallCenterId" = ?');
      params.push(normalizeId(query.callCenterId) ?? query.callCenterId);
    }
    const limit = Math.max(1, Math.min(2000, Math.trunc(query.limit ?? 50) || 50));
    const rows = this.db
      .prepare(`SELECT "Id" FROM "sobj_VoiceCall"${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid DESC LIMIT ${limit}`)
      .all(...params) as { Id: string }[];
    return rows.map((r) => this.require(r.Id));
  }

  /** The values the telephony system attached to the call (callAttributes), merged over its requests. */
  attributes(idOrKey: string): Record<string, string> {
    const call = this.require(idOrKey);
    const row = this.db.prepare('SELECT attributes FROM voice_call_attributes WHERE voice_call_id = ?').get(call.id) as { attributes: string } | undefined;
    return row ? (JSON.parse(row.attributes) as Record<string, string>) : {};
  }

  /**
   * Stores one transcript utterance of the call. A message Id already stored for the call is not
   * stored again (a retried request); `stored` tells which happened.
   */
  addMessage(idOrKey: string, message: VoiceCallMessage): { readonly stored: boolean } {
    const call = this.require(idOrKey);
    const problems: string[] = [];
    if (typeof message.messageId !== 'string' || message.messageId === '') problems.push('messageId');
    if (typeof message.content !== 'string' || message.content === '') problems.push('content');
    if (!MESSAGE_SENDER_TYPES.includes(message.senderType)) problems.push('senderType');
    if (problems.length)
      throw sfError(
        'INVALID_INPUT',
        `Invalid or missing message fields: ${problems.join(', ')} (senderType is one of ${MESSAGE_SENDER_TYPES.join(', ')})`,
        problems,
      );
    for (const k of ['startTime', 'endTime'] as const) {
      const v = message[k];
      if (v !== undefined && v !== null && !Number.isSafeInteger(v))
        throw sfError('INVALID_INPUT', `${k} must be milliseconds since the epoch (an integer), got ${JSON.stringify(v)}`, [k]);
    }
    const result = this.db
      .prepare(
        'INSERT OR IGNORE INTO voice_call_messages (voice_call_id, message_id, sender_type, participant_id, content, start_time, end_time, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        call.id,
        message.messageId,
        message.senderType,
        message.participantId ?? null,
        message.content,
        message.startTime ?? null,
        message.endTime ?? null,
        formatDateTime(this.db.now()),
      );
    return { stored: result.changes === 1 };
  }

  /** The call's transcript, in the order the utterances started (then arrived). */
  messages(idOrKey: string): StoredVoiceCallMessage[] {
    const call = this.require(idOrKey);
    const rows = this.db.prepare('SELECT * FROM voice_call_messages WHERE voice_call_id = ? ORDER BY start_time IS NULL, start_time, rowid').all(call.id) as {
      message_id: string;
      sender_type: MessageSenderType;
      participant_id: string | null;
      content: string;
      start_time: number | null;
      end_time: number | null;
      received_at: string;
    }[];
    return rows.map((r) => ({
      voiceCallId: call.id,
      messageId: r.message_id,
      senderType: r.sender_type,
      participantId: r.participant_id,
      content: r.content,
      startTime: r.start_time,
      endTime: r.end_time,
      receivedAt: r.received_at,
    }));
  }

  /** Records a routing request (an Omni-Channel flow to run, or routing to clear) for the call. */
  recordRouting(idOrKey: string, action: RoutingAction, request: Readonly<Record<string, unknown>> = {}): RoutingRequest {
    const call = this.require(idOrKey);
    const at = formatDateTime(this.db.now());
    this.db
      .prepare('INSERT INTO voice_call_routing (voice_call_id, action, request, at) VALUES (?, ?, ?, ?)')
      .run(call.id, action, JSON.stringify(request), at);
    return { action, request, at };
  }

  /** The call's routing requests, oldest first. */
  routing(idOrKey: string): RoutingRequest[] {
    const call = this.require(idOrKey);
    const rows = this.db.prepare('SELECT action, request, at FROM voice_call_routing WHERE voice_call_id = ? ORDER BY seq').all(call.id) as {
      action: RoutingAction;
      request: string;
      at: string;
    }[];
    return rows.map((r) => ({ action: r.action, request: JSON.parse(r.request) as Record<string, unknown>, at: r.at }));
  }

  /** The Id of the call with this Id, else of the newest call with this vendorCallKey. */
  private idOf(idOrKey: string): string | undefined {
    const id = normalizeId(idOrKey);
    if (id && keyPrefixOf(id) === VOICE_CALL.keyPrefix) {
      const row = this.db.prepare('SELECT "Id" FROM "sobj_VoiceCall" WHERE "Id" = ?').get(id) as { Id: string } | undefined;
      if (row) return row.Id;
    }
    const row = this.db.prepare('SELECT "Id" FROM "sobj_VoiceCall" WHERE "VendorCallKey" = ? ORDER BY rowid DESC LIMIT 1').get(idOrKey) as
      { Id: string } | undefined;
    return row?.Id;
  }

  private callCenterId(idOrInternalName: string): string {
    const id = normalizeId(idOrInternalName);
    const row =
      (id ? this.db.prepare('SELECT "Id" FROM "sobj_CallCenter" WHERE "Id" = ?').get(id) : undefined) ??
      this.db.prepare('SELECT "Id" FROM "sobj_CallCenter" WHERE "InternalName" = ? COLLATE NOCASE').get(idOrInternalName);
    if (!row) throw sfError('INVALID_CROSS_REFERENCE_KEY', `Call Center ID: no call center with Id or internal name '${idOrInternalName}'`, ['CallCenterId']);
    return (row as { Id: string }).Id;
  }

  private mergeAttributes(id: string, attributes: Readonly<Record<string, string>>): void {
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
      throw sfError('INVALID_INPUT', 'callAttributes must be an object of string values', ['callAttributes']);
    const bad = Object.entries(attributes)
      .filter(([, v]) => typeof v !== 'string')
      .map(([k]) => k);
    if (bad.length)
      throw new SalesforceError({
        errorCode: 'INVALID_INPUT',
        message: `callAttributes values must be strings: ${bad.join(', ')}`,
        fields: ['callAttributes'],
      });
    const row = this.db.prepare('SELECT attributes FROM voice_call_attributes WHERE voice_call_id = ?').get(id) as { attributes: string } | undefined;
    const merged = { ...(row ? (JSON.parse(row.attributes) as Record<string, string>) : {}), ...attributes };
    this.db
      .prepare(
        'INSERT INTO voice_call_attributes (voice_call_id, attributes) VALUES (?, ?) ON CONFLICT(voice_call_id) DO UPDATE SET attributes = excluded.attributes',
      )
      .run(id, JSON.stringify(merged));
  }
}

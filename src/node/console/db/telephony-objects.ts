/**
 * The objects behind the phone rather than the CRM: Setup's call centers and softphone layouts, and
 * Salesforce Voice's call and recording records. The connector and the Telephony Integration API
 * write these, not the agent, so their rules of writability differ from the CRM objects' and they
 * change with the Voice module (voice-calls.ts) rather than with the records an agent works on.
 */
import { f, owner, pick, ref, ro, str, systemFields, text } from './field-builders.ts';
import type { FieldValue, ObjectDef } from './schema.ts';

export const CALL_CENTER: ObjectDef = {
  name: 'CallCenter',
  label: 'Call Center',
  labelPlural: 'Call Centers',
  keyPrefix: '04v',
  createable: false,
  updateable: false,
  deletable: false,
  searchable: false,
  nameSearchFields: ['Name'],
  fields: [
    ...systemFields(),
    str('Name', 'Name', 1000, { required: true, nameField: true }),
    str('InternalName', 'Internal Name', 40, { required: true, unique: true }),
    f('url', 'AdapterUrl', 'CTI Adapter URL', { length: 1000 }),
    str('Version', 'Version', 40),
  ],
};

/**
 * Softphone layouts are Setup metadata in an org; the emulator keeps them as records so they get
 * Ids and audit fields like everything else. "04m" is the emulator's choice of key prefix.
 */
export const SOFTPHONE_LAYOUT: ObjectDef = {
  name: 'SoftphoneLayout',
  label: 'Softphone Layout',
  labelPlural: 'Softphone Layouts',
  keyPrefix: '04m',
  createable: false,
  updateable: false,
  deletable: false,
  searchable: false,
  nameSearchFields: ['Name'],
  fields: [
    ...systemFields(),
    str('Name', 'Name', 80, { required: true, nameField: true }),
    f('boolean', 'IsDefault', 'Is Default', { defaultValue: false }),
    text('Definition', 'Definition (JSON)', 131072),
  ],
};

/** The call types of Salesforce Voice (`initiationMethod` of the Telephony Integration API and the connector's call types). */
export const VOICE_CALL_TYPES = ['Inbound', 'Outbound', 'Transfer', 'Callback', 'Internal', 'Consult'] as const;

/**
 * Salesforce Voice's call record. Voice creates and updates it (the Telephony Integration REST API,
 * the console's Voice features), not the API user: through the REST API an org lets a user create
 * none and change only Related Record, Call Resolution and Description (Lightning Data Service's
 * rule for VoiceCall), so every telephony field here is read-only to the API and written by the
 * emulator's Voice module (voice-calls.ts) as system writes. "0LQ" is VoiceCall's key prefix.
 */
export const VOICE_CALL: ObjectDef = {
  name: 'VoiceCall',
  label: 'Voice Call',
  labelPlural: 'Voice Calls',
  keyPrefix: '0LQ',
  createable: false,
  updateable: true,
  deletable: true,
  searchable: false,
  nameSearchFields: ['Name'],
  fields: [
    ...systemFields(),
    str('Name', 'Name', 80, { ...ro, nameField: true, autoNumber: true, unique: true, autoNumberFormat: 'VC-{00000000}' }),
    str('VendorCallKey', 'Vendor Call Key', 255, { createable: false, updateable: false }),
    ref('CallCenterId', 'Call Center ID', ['CallCenter'], 'CallCenter', { createable: false, updateable: false }),
    pick('CallType', 'Call Type', VOICE_CALL_TYPES, { required: true, createable: false, updateable: false }),
    pick('CallOrigin', 'Call Origin', ['Voicemail'], { restricted: false, createable: false, updateable: false }),
    str('CallDisposition', 'Call Status', 255, { createable: false, updateable: false }),
    pick('CallResolution', 'Call Resolution', ['Resolved', 'Unresolved', 'Escalated'], { restricted: false }),
    f('datetime', 'CallStartDateTime', 'Call Started', { createable: false, updateable: false }),
    f('datetime', 'CallEndDateTime', 'Call Ended', { createable: false, updateable: false }),
    f('int', 'CallDurationInSeconds', 'Call Duration In Seconds', { createable: false, updateable: false }),
    f('datetime', 'CallQueuedDateTime', 'Call Queued', { createable: false, updateable: false }),
    f('datetime', 'CallAcceptDateTime', 'Call Accepted', { createable: false, updateable: false }),
    f('phone', 'FromPhoneNumber', 'Caller Phone Number', { length: 40, createable: false, updateable: false }),
    f('phone', 'ToPhoneNumber', 'Recipient Phone Number', { length: 40, createable: false, updateable: false }),
    ref('RelatedRecordId', 'Related Record ID', ['Account', 'Contact', 'Lead', 'Case', 'Opportunity'], 'RelatedRecord'),
    ref('UserId', 'User ID', ['User'], 'User', { createable: false, updateable: false }),
    str('QueueName', 'Queue Name', 255, { createable: false, updateable: false }),
    ref('ParentVoiceCallId', 'Parent Voice Call ID', ['VoiceCall'], 'ParentVoiceCall', { createable: false, updateable: false }),
    ref('PreviousCallId', 'Previous Call ID', ['VoiceCall'], 'PreviousCall', { createable: false, updateable: false }),
    ref('CallRecordingId', 'Call Recording ID', ['VoiceCallRecording'], 'CallRecording', { createable: false, updateable: false }),
    f('int', 'TotalHoldDuration', 'Total Hold Duration', { createable: false, updateable: false }),
    f('int', 'LongestHoldDuration', 'Longest Hold Duration', { createable: false, updateable: false }),
    f('int', 'NumberOfHolds', 'Number Of Holds', { createable: false, updateable: false }),
    f('int', 'AgentInteractionDuration', 'Agent Interaction Duration', { createable: false, updateable: false }),
    str('DisconnectReason', 'Disconnect Reason', 255, { createable: false, updateable: false }),
    f('boolean', 'IsActiveCall', 'Is Active Call', { createable: false, updateable: false, defaultValue: false }),
    text('Description', 'Description'),
    owner(),
  ],
  // Salesforce computes the duration only when both the start and the end are known.
  derive: (r): Record<string, FieldValue> => {
    const start = typeof r.CallStartDateTime === 'string' ? Date.parse(r.CallStartDateTime.replace('+0000', 'Z')) : NaN;
    const end = typeof r.CallEndDateTime === 'string' ? Date.parse(r.CallEndDateTime.replace('+0000', 'Z')) : NaN;
    return Number.isFinite(start) && Number.isFinite(end) ? { CallDurationInSeconds: Math.max(0, Math.round((end - start) / 1000)) } : {};
  },
};

/**
 * A call's recording, made by the Telephony Integration API from `recordingLocation` and
 * `totalRecordingDuration`. Salesforce's own location field is not public; the emulator keeps the
 * location the vendor sent as `RecordingLocation`. "0LR" is the emulator's choice of key prefix.
 */
export const VOICE_CALL_RECORDING: ObjectDef = {
  name: 'VoiceCallRecording',
  label: 'Voice Call Recording',
  labelPlural: 'Voice Call Recordings',
  keyPrefix: '0LR',
  createable: false,
  updateable: false,
  deletable: true,
  searchable: false,
  nameSearchFields: ['Name'],
  fields: [
    ...systemFields(),
    str('Name', 'Name', 80, { ...ro, nameField: true, autoNumber: true, unique: true, autoNumberFormat: 'VCR-{00000000}' }),
    ref('VoiceCallId', 'Voice Call ID', ['VoiceCall'], 'VoiceCall', { required: true }),
    str('RecordingLocation', 'Recording Location', 1000, { required: true }),
    f('int', 'DurationInSeconds', 'Duration In Seconds'),
    owner(),
  ],
};

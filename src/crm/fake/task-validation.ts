/**
 * What the fake org accepts as a call log: a Task with known fields of the right types, refused
 * otherwise with the error items Salesforce sends (INVALID_TYPE, INVALID_FIELD,
 * INVALID_TYPE_ON_FIELD_IN_RECORD). It sees only the fields and the org's refused names, so the
 * rules can be read against the real object's apart from the org's storage and failure injection.
 */
import type { SalesforceErrorItem } from '../shared/salesforce-error.ts';

/** The fields a Task accepts in this org (a subset of the real object's, enough for call logs). */
export const TASK_FIELDS: readonly string[] = [
  'Subject',
  'Status',
  'Priority',
  'Type',
  'TaskSubtype',
  'CallType',
  'CallDurationInSeconds',
  'CallObject',
  'CallDisposition',
  'Description',
  'ActivityDate',
  'WhoId',
  'WhatId',
  'OwnerId',
  'RecordTypeId',
  'Id',
  'entityApiName',
];

/** Why Salesforce would refuse this call log, as its error items; undefined when it would save. */
export function validateTask(
  objectApiName: string,
  fields: Readonly<Record<string, string | number>>,
  rejectFields: ReadonlySet<string>,
): SalesforceErrorItem[] | undefined {
  if (objectApiName !== 'Task') {
    return [
      {
        code: 'GENERIC_ERROR',
        description: `INVALID_TYPE: sObject type '${objectApiName}' is not supported for call logs in this org`,
        details: { errorCode: 'INVALID_TYPE', fields: [] },
      },
    ];
  }
  for (const name of Object.keys(fields)) {
    if (!TASK_FIELDS.includes(name) || rejectFields.has(name)) {
      return [
        {
          code: 'GENERIC_ERROR',
          description: `INVALID_FIELD: No such column '${name}' on entity 'Task'.`,
          details: { errorCode: 'INVALID_FIELD', fields: [name] },
        },
      ];
    }
  }
  const duration = fields.CallDurationInSeconds;
  if (duration !== undefined && !(typeof duration === 'number' || /^\d+$/.test(duration))) {
    return [
      {
        code: 'GENERIC_ERROR',
        description: `INVALID_TYPE_ON_FIELD_IN_RECORD: Call Duration: value not of required type: ${duration}`,
        details: { errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', fields: ['CallDurationInSeconds'] },
      },
    ];
  }
  if (fields.ActivityDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(fields.ActivityDate))) {
    return [
      {
        code: 'GENERIC_ERROR',
        description: `INVALID_TYPE_ON_FIELD_IN_RECORD: Due Date: value not of required type: ${fields.ActivityDate}`,
        details: { errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', fields: ['ActivityDate'] },
      },
    ];
  }
  return undefined;
}

/**
 * The contact of a Case popped from IVR data, so the call's log names the person (WhoId) as well
 * as the Case (WhatId).
 *
 * ## The `SwitchboardRecords.caseContact` Apex contract
 * searchAndScreenPop answers only the softphone layout's display fields, and Open CTI has no query
 * method, so the Case's ContactId (and the contact's name) come from Apex:
 *
 *     runApex({ apexClass: 'SwitchboardRecords', methodName: 'caseContact', methodParams: 'caseId=<Case Id>' })
 *
 * The Switchboard Salesforce package ships the class (src/node/package/records-apex.ts; the console
 * emulator registers a handler of the same name): `webService static String caseContact(String
 * caseId)` returns JSON `{"Id": "003…", "Name": "Maria Lopez"}`, or `''` when the Case has no
 * contact or the running user cannot see it (`with sharing`). Without the class in the org the Case
 * is still popped and related; the call is then logged without a contact, and the explanation says why.
 */
import type { RecordRef } from '../../core/index.ts';
import { asRecord, isSalesforceId } from '../shared/records.ts';
import type { SalesforceSurface } from '../shared/salesforce-surface.ts';

export const RECORDS_APEX_CLASS = 'SwitchboardRecords';
export const CASE_CONTACT_APEX_METHOD = 'caseContact';

/** Reads the Apex answer (a JSON string, or the parsed object): the contact, or undefined for none. */
export function readCaseContact(value: unknown): RecordRef | undefined {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    if (value.trim() === '' || value === 'null') return undefined;
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  const o = asRecord(parsed);
  if (!o || !isSalesforceId(o.Id)) return undefined;
  return { id: o.Id, objectType: 'Contact', ...(typeof o.Name === 'string' && o.Name !== '' ? { name: o.Name } : {}) };
}

/**
 * The Case's contact. Resolves `{ contact }` (contact undefined: the Case has none), or rejects
 * when Salesforce could not tell (the class is missing, a timeout); the caller explains and goes on.
 */
export async function caseContact(surface: Pick<SalesforceSurface, 'runApex'>, caseId: string): Promise<{ readonly contact?: RecordRef }> {
  const answer = await surface.runApex(RECORDS_APEX_CLASS, CASE_CONTACT_APEX_METHOD, `caseId=${encodeURIComponent(caseId)}`);
  const contact = readCaseContact(answer);
  return contact ? { contact } : {};
}

/**
 * Apex classes every emulated org has.
 * - `SwitchboardCallLog.findByCallObject(callObject, objectApiName)` is what the connector's outbox
 *   calls (runApex) to learn whether a call was already logged (contract in
 *   src/crm/outbox/log-writer.ts): the Id of the newest record of `objectApiName` (default Task)
 *   with that CallObject owned by the running user, or '' when none.
 * - `SwitchboardCredentials.mint()` returns the running user's short-lived SIP credentials as a
 *   JSON string `{username, password, extension, expiresAt, ttlSeconds}` (sip-credentials.ts), for
 *   the user's `SwitchboardExtension__c`, signed with the org's SIP secret (in an org: the
 *   protected Custom Metadata record `SwitchboardPhoneSecret__mdt.Default`).
 * - `SwitchboardCredentials.mintForVoice()`: the same, the `@RemoteAction` the Voice connector's
 *   Visualforce page calls by JavaScript remoting (visualforce-remoting.ts).
 * - `SwitchboardRecords.caseContact(caseId)` returns the Case's contact as JSON `{Id, Name}`, or ''
 *   when it has none (src/node/package/records-apex.ts).
 */
import type { ApexHandler, ApexRegistry } from './apex-registry.ts';
import type { ConsoleData } from './console-data.ts';
import { DEFAULT_CREDENTIAL_TTL_SECONDS, mintEphemeral } from './sip-credentials.ts';

export interface BuiltinApexOptions {
  /** The secret shared with the phone system; without it `mint` fails saying so. */
  readonly sipSecret?: string;
  /** Lifetime of minted credentials. Default 3600. */
  readonly credentialTtlSeconds?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  readonly now?: () => number;
}

export function registerBuiltinApex(apex: ApexRegistry, data: ConsoleData, options: BuiltinApexOptions = {}): void {
  apex.register('SwitchboardCallLog', 'findByCallObject', (params, _raw, context) => {
    const callObject = params.callObject ?? params.CallObject;
    if (!callObject) throw new Error('methodParams must include callObject=<CallObject>');
    const objectApiName = params.objectApiName || 'Task';
    return data.findByCallObject(objectApiName, callObject, context.userId)?.Id ?? '';
  });

  // The package's SwitchboardRecords.caseContact (contract: src/crm/screen-pop/case-contact.ts).
  apex.register('SwitchboardRecords', 'caseContact', (params) => {
    const found = data.record(params.caseId ?? '');
    const contactId = found?.object === 'Case' ? found.fields.ContactId : undefined;
    const contact = typeof contactId === 'string' && contactId !== '' ? data.record(contactId) : undefined;
    return contact ? JSON.stringify({ Id: contact.Id, Name: contact.name }) : '';
  });

  const { sipSecret } = options;
  const ttl = options.credentialTtlSeconds ?? DEFAULT_CREDENTIAL_TTL_SECONDS;
  const now = options.now ?? Date.now;
  const mint: ApexHandler = (_params, _raw, context) => {
    const user = data.user(context.userId);
    if (!user) throw new Error(`the running user ${context.userId} does not exist`);
    const extension = user.SwitchboardExtension__c;
    if (!extension) {
      throw new Error(`User ${user.Username} has no extension: an administrator sets the user's Switchboard Extension (User.SwitchboardExtension__c).`);
    }
    if (!sipSecret) {
      throw new Error(
        'The SIP secret is not configured: an administrator sets Secret__c on the SwitchboardPhoneSecret__mdt record Default (console emulator: --sip-secret or the sipSecret option).',
      );
    }
    return JSON.stringify(mintEphemeral(sipSecret, extension, ttl, now()));
  };
  apex.register('SwitchboardCredentials', 'mint', mint);
  // The package's @RemoteAction for the Voice connector's Visualforce page (visualforce-remoting.ts).
  apex.register('SwitchboardCredentials', 'mintForVoice', mint);
}

/**
 * Apex classes every emulated org has. `SwitchboardCallLog.findByCallObject(callObject,
 * objectApiName)` is what the connector's outbox calls (runApex) to learn whether a call was
 * already logged (contract in src/crm/outbox/log-writer.ts): the Id of the newest record of
 * `objectApiName` (default Task) with that CallObject owned by the running user, or '' when none.
 */
import type { ApexRegistry } from './apex-registry.ts';
import type { ConsoleData } from './console-data.ts';

export function registerBuiltinApex(apex: ApexRegistry, data: ConsoleData): void {
  apex.register('SwitchboardCallLog', 'findByCallObject', (params, _raw, context) => {
    const callObject = params.callObject ?? params.CallObject;
    if (!callObject) throw new Error('methodParams must include callObject=<CallObject>');
    const objectApiName = params.objectApiName || 'Task';
    return data.findByCallObject(objectApiName, callObject, context.userId)?.Id ?? '';
  });
}

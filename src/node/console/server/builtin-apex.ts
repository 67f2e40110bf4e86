/**
 * Apex classes every emulated org has. `SwitchboardCallLog.findByCallObject` is what the
 * connector's outbox calls (runApex) to learn whether a call was already logged: it returns the Id
 * of the Task whose CallObject is `callObject`, or '' when there is none.
 */
import type { ApexRegistry } from './apex-registry.ts';
import type { ConsoleData } from './console-data.ts';

export function registerBuiltinApex(apex: ApexRegistry, data: ConsoleData): void {
  apex.register('SwitchboardCallLog', 'findByCallObject', (params) => {
    const callObject = params.callObject ?? params.CallObject;
    if (!callObject) throw new Error('methodParams must include callObject=<CallObject>');
    return data.taskByCallObject(callObject)?.Id ?? '';
  });
}

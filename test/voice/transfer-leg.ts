/**
 * A transfer's leg as Salesforce must record it, whichever phone system told the voice bridge: a
 * Transfer VoiceCall whose parent is the call the agent handed on, from the caller to the colleague,
 * closed when the caller hung up.
 */
import assert from 'node:assert/strict';
import type { RunningConsole } from '../../src/node/console/index.ts';

export function assertTransferLeg(app: RunningConsole, legId: string, expected: { readonly parent: string; readonly from: string; readonly to: string }): void {
  const t = app.data.record(legId)?.fields;
  assert.ok(t, `the transfer leg ${legId} is a VoiceCall record`);
  assert.deepEqual(
    {
      CallType: t.CallType,
      ParentVoiceCallId: t.ParentVoiceCallId,
      FromPhoneNumber: t.FromPhoneNumber,
      ToPhoneNumber: t.ToPhoneNumber,
      IsActiveCall: t.IsActiveCall,
      DisconnectReason: t.DisconnectReason,
    },
    {
      CallType: 'Transfer',
      ParentVoiceCallId: expected.parent,
      FromPhoneNumber: expected.from,
      ToPhoneNumber: expected.to,
      IsActiveCall: false,
      DisconnectReason: 'CUSTOMER_DISCONNECT',
    },
  );
}

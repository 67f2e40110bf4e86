/**
 * One benchmark call: a Node sip.js caller rings a softphone, the parent page stamps the screen
 * pop, the caller cancels and waits until the call has ended.
 */
import { SessionState } from 'sip.js';
import type { TestPhone } from '../../src/node/sip-server/test-support/sip-phone.ts';
import { until } from './measure.ts';
import type { Softphone } from './pages.ts';

/** Places one call to `target`, waits for the pop on `phone`, cancels; returns INVITE → pop in ms (Node clock). */
export async function popCall(caller: TestPhone, sent: Map<string, number>, target: string, phone: Softphone, offsetMs: number): Promise<number> {
  const before = (await phone.pops()).length;
  const { inviter } = caller.call(target);
  const callId = inviter.request.callId;
  let popAt: number;
  try {
    // The connector may search more than once per call (E.164, then national form): the call's pop
    // is the first one stamped after its INVITE left (a late one of the previous call is skipped).
    let n = before;
    popAt = await phone.waitPop(n, 10_000);
    for (;;) {
      const at = sent.get(callId);
      if (at === undefined || popAt - offsetMs >= at) break;
      popAt = await phone.waitPop(++n, 10_000);
    }
  } finally {
    if (inviter.state === SessionState.Initial || inviter.state === SessionState.Establishing) await inviter.cancel().catch(() => undefined);
    else if (inviter.state === SessionState.Established) await inviter.bye().catch(() => undefined);
    await until(`call ${callId} to end`, async () => (inviter.state === SessionState.Terminated ? true : undefined), 10_000, 1);
  }
  const at = sent.get(callId);
  if (at === undefined) throw new Error(`no INVITE send time for ${callId}`);
  return popAt - offsetMs - at;
}

/**
 * Ours alone, for the tools that look into one softphone (bench:profile, bench:heap): the stack, a
 * Chromium with the frame in a process of its own, the console with the agent registered, and a Node
 * caller whose calls `call()` places (ring, pop, cancel; INVITE → pop in ms).
 */
import { launchChromium } from '../../test/support/chromium.ts';
import { STRICT_CHROMIUM_ARGS } from '../../src/node/console/index.ts';
import { popCall } from './calls.ts';
import { clockOffset, inviteClock } from './measure.ts';
import { openOurs, type Softphone } from './pages.ts';
import { agentUser, CALLERS, startStack } from './stack.ts';

export interface OursAlone {
  readonly phone: Softphone;
  call(): Promise<number>;
}

export async function withOursAlone(work: (ours: OursAlone) => Promise<void>): Promise<void> {
  const stack = await startStack({ agents: 1, strictOrigins: true });
  const browser = await launchChromium([...STRICT_CHROMIUM_ARGS, `--isolate-origins=${stack.console.vfOrigin}`]);
  try {
    const phone = await openOurs(browser, stack.console.consoleUrl());
    await stack.registered(agentUser(0));
    const { offsetMs } = await clockOffset(phone.page);
    const caller = await stack.caller(CALLERS[0]!);
    const sent = inviteClock(caller);
    await work({ phone, call: () => popCall(caller, sent, agentUser(0), phone, offsetMs) });
    await phone.close();
  } finally {
    await browser.close();
    await stack.close();
  }
}

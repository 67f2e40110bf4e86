/**
 * The ring-group load scenario, for any SIP server: N agents, each the real connector in its own
 * console (own browser context, own call center with its SIP credentials), registered at once;
 * then M customers (one callers page, real WebRTC) call the ring group at the same instant. Every
 * agent answers what it is offered by clicking the panel's Answer button, the customer checks
 * that the agent's audio arrives, talks briefly and hangs up; the connector logs each call.
 * Returns the figures and what the test asserts on.
 */
import type { Browser } from 'playwright-core';
import { agentUser, type Stack } from '../../../bench/support/stack.ts';
import { openOurs, type Softphone } from '../../../bench/support/pages.ts';
import { percentile, until, wallNow } from '../../../bench/support/measure.ts';
import { openCallers, type CallerConfig, type CallRecord } from './callers-page.ts';
import { newTasksSince, type LoggedTask } from './tasks.ts';

export interface LoadTarget {
  /** `embedded` or `kamailio`: printed with the figures. */
  readonly name: string;
  readonly stack: Stack;
  readonly wsUrl: string;
  readonly domain: string;
  /** The ring group's number. */
  readonly group: string;
  /** How many of these SIP users the server has a registration for now. */
  registeredCount(users: readonly string[]): Promise<number>;
  readonly callers: readonly { readonly user: string; readonly password?: string }[];
  /** Re-offer busy calls (servers without a queue). */
  readonly retry?: CallerConfig['retry'];
  /** The most calls the server's queue held at once (servers with a queue). */
  maxQueueDepth?(): number;
  /** A line on the server's state for the progress log. */
  status?(): string;
}

/** Progress goes to stderr (the figures go to stdout). */
const progress = (line: string): void => {
  process.stderr.write(`ring-group load: ${line}\n`);
};

export interface LoadResult {
  readonly registerMs: number;
  readonly records: readonly CallRecord[];
  readonly tasks: readonly LoggedTask[];
  readonly clicks: readonly number[];
  readonly figures: Readonly<Record<string, string | number>>;
}

export const TALK_MS = 1500;

/**
 * Opens `count` consoles, a few at a time (2 cores: page loads are the heavy part), spread over
 * `browsers`: one Chromium opens at most 16 audio inputs at once (media/audio AudioManagerBase
 * kDefaultMaxInputStreams), so 20 agents talking at once cannot share one browser (the 17th
 * microphone fails with NotReadableError, as it would on one real machine with 17 softphones).
 */
async function openAgents(browsers: readonly Browser[], stack: Stack, count: number): Promise<Softphone[]> {
  const phones: Softphone[] = [];
  const batch = 4;
  // openOurs allows a console 20 s to come up; on a saturated machine one may miss it: try once more.
  const open = (id: string): Promise<Softphone> => {
    const browser = browsers[stack.agentIds.indexOf(id) % browsers.length]!;
    return openOurs(browser, stack.console.consoleUrl(id)).catch((e: unknown) => {
      progress(`console for ${id} did not come up (${String(e).split('\n')[0]}); opening it again`);
      return openOurs(browser, stack.console.consoleUrl(id));
    });
  };
  for (let i = 0; i < count; i += batch) {
    const ids = stack.agentIds.slice(i, Math.min(count, i + batch));
    phones.push(...(await Promise.all(ids.map(open))));
  }
  if (process.env.SOAK_DEBUG) {
    for (const [i, p] of phones.entries())
      p.page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') progress(`agent ${i + 1} console ${m.type()}: ${m.text().slice(0, 300)}`);
      });
  }
  return phones;
}

/** Clicks Answer on this agent's panel whenever it offers a call, until `stop()`; counts the clicks. */
function answerLoop(phone: Softphone): { stop(): Promise<number> } {
  let running = true;
  let clicks = 0;
  const answer = phone.frame().getByRole('button', { name: 'Answer' }).first();
  const loop = (async () => {
    while (running) {
      try {
        // One long wait in the page (cheap) rather than many short click attempts (20 pages, 2 cores).
        await answer.waitFor({ state: 'visible', timeout: 5000 });
        // An agent takes a moment to react: 0.5 to 3 s (and 20 agents never click in the same instant).
        await new Promise((r) => setTimeout(r, 500 + Math.random() * 2500));
        clicks++;
        await answer.click({ timeout: 30_000 });
      } catch (e) {
        // Nothing offered for 5 s, or the offer went away as we clicked: look again.
        if (process.env.SOAK_DEBUG && !/Timeout \d+ms exceeded/.test(String(e))) progress(`answer: ${String(e).split('\n').slice(0, 3).join(' | ')}`);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return clicks;
    },
  };
}

/** The most intervals open at one instant. */
export function maxOverlap(intervals: readonly (readonly [number, number])[]): number {
  const edges = intervals
    .flatMap(
      ([a, b]) =>
        [
          [a, 1],
          [b, -1],
        ] as const,
    )
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (open += d));
  return max;
}

/**
 * Gives every caller a Contact (unless one has its number), so each call pops one record: with no
 * match the console opens a New Contact form that covers the softphone, and the agent would have
 * to close it before answering.
 */
async function seedContacts(stack: Stack, numbers: readonly string[]): Promise<void> {
  const digits = (p: unknown): string =>
    String(p ?? '')
      .replace(/\D/g, '')
      .replace(/^1(?=\d{10}$)/, '');
  const existing = await stack.api<{ records: Record<string, unknown>[] }>('GET', '/emulator/api/console/objects/Contact/records?limit=100000');
  const field = (rec: Record<string, unknown>, name: string): unknown => rec[name] ?? (rec.fields as Record<string, unknown> | undefined)?.[name];
  const known = new Set(existing.body.records.map((r) => digits(field(r, 'Phone'))));
  for (const [i, n] of numbers.entries()) {
    const d = digits(n);
    if (known.has(d)) continue;
    const made = await stack.api('POST', '/emulator/api/console/objects/Contact/records', {
      fields: { FirstName: 'Caller', LastName: String(i + 1), Phone: `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` },
    });
    if (made.status !== 201) throw new Error(`seeding the Contact for ${n} failed: ${made.status} ${JSON.stringify(made.body)}`);
  }
}

/** `agentBrowsers` hold the consoles (at most 16 talking agents each); `callersBrowser` the callers page (one microphone, shared). */
export async function ringGroupLoad(
  agentBrowsers: readonly Browser[],
  callersBrowser: Browser,
  target: LoadTarget,
  agents: number,
  calls: number,
): Promise<LoadResult> {
  if (agentBrowsers.length * 16 < agents)
    throw new Error(`${agents} agents need ${Math.ceil(agents / 16)} browsers (16 microphones each), got ${agentBrowsers.length}`);
  await seedContacts(
    target.stack,
    target.callers.slice(0, calls).map((c) => c.user),
  );
  const t0 = wallNow();
  const users = Array.from({ length: agents }, (_, i) => agentUser(i));
  const phones = await openAgents(agentBrowsers, target.stack, agents);
  try {
    const pagesMs = wallNow() - t0;
    await until(
      `all ${agents} agents to register on ${target.name}`,
      async () => ((await target.registeredCount(users)) === agents ? true : undefined),
      60_000,
      50,
    ).catch(async (e: unknown) => {
      throw new Error(`${String(e)} (${await target.registeredCount(users)} registered)`);
    });
    const registerMs = wallNow() - t0;
    progress(`${agents} consoles open in ${Math.round(pagesMs)} ms, all registered after ${Math.round(registerMs)} ms`);
    const tasksNow = await newTasksSince(target.stack);

    const callers = await openCallers(callersBrowser, {
      wsUrl: target.wsUrl,
      domain: target.domain,
      target: target.group,
      callers: target.callers.slice(0, calls),
      talkMs: TALK_MS,
      mediaBytes: 1000,
      mediaTimeoutMs: 15_000,
      ...(target.retry ? { retry: target.retry } : {}),
    });
    progress(`${calls} callers connected`);
    const loops = phones.map(answerLoop);
    const start = wallNow();
    let records: CallRecord[];
    const ticker = setInterval(() => {
      void callers.records().then(
        (rs) => {
          const up = rs.filter((r) => r.answeredAt !== undefined && r.endedAt === undefined).length;
          const done = rs.filter((r) => r.endedAt !== undefined).length;
          progress(
            `${Math.round((wallNow() - start) / 1000)} s: ${done} calls ended, ${up} up, ${rs.reduce((n, r) => n + r.callIds.length, 0)} INVITEs${target.status ? `; ${target.status()}` : ''}`,
          );
        },
        () => undefined,
      );
    }, 5000);
    try {
      records = await callers.run(300_000);
    } finally {
      clearInterval(ticker);
      await callers.close();
    }
    const wallMs = wallNow() - start;
    const clicks = await Promise.all(loops.map((l) => l.stop()));

    // Every answered call must be logged; then watch a little longer that none is logged twice.
    const answered = records.filter((r) => r.answeredCallId !== undefined).length;
    await until(`${answered} Tasks`, async () => ((await tasksNow()).length >= answered ? true : undefined), 60_000, 250).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2000));
    const tasks = await tasksNow();
    const objects = tasks.map((t) => t.CallObject);
    const twice = new Set(tasks.filter((t) => objects.indexOf(t.CallObject) !== objects.lastIndexOf(t.CallObject)).map((t) => t.Id));
    if (twice.size > 0) {
      const all = await target.stack.api<{ records: Record<string, unknown>[] }>('GET', '/emulator/api/console/objects/Task/records?limit=100000');
      for (const rec of all.body.records) {
        const f = { ...rec, ...(rec.fields as Record<string, unknown> | undefined) };
        if (twice.has(String(f.Id))) {
          const pick = (k: string): string =>
            String(f[k] ?? '')
              .replace(/\s+/g, ' ')
              .slice(0, 240);
          progress(
            `Task sharing a CallObject: ${pick('CallObject')} by ${pick('CreatedById')} at ${pick('CreatedDate')}, ${pick('CallDurationInSeconds')} s, who ${pick('WhoId')}: ${pick('Description')}`,
          );
        }
      }
    }

    const latencies = records.filter((r) => r.answeredAt !== undefined && r.firstInviteAt !== undefined).map((r) => r.answeredAt! - r.firstInviteAt!);
    const upIntervals = records.filter((r) => r.answeredAt !== undefined && r.endedAt !== undefined).map((r) => [r.answeredAt!, r.endedAt!] as const);
    const attempts = records.reduce((n, r) => n + r.callIds.length, 0);
    const figures: Record<string, string | number> = {
      server: target.name,
      agents,
      'consoles open (ms)': Math.round(pagesMs),
      'all registered (ms)': Math.round(registerMs),
      calls,
      'calls completed': records.filter((r) => r.endedAt !== undefined && !r.error).length,
      'INVITEs placed': attempts,
      'answer latency p50 (ms)': Math.round(percentile(latencies, 50)),
      'answer latency p95 (ms)': Math.round(percentile(latencies, 95)),
      'max concurrent calls up': maxOverlap(upIntervals),
      'max queue depth': target.maxQueueDepth ? target.maxQueueDepth() : 'n/a (no queue; callers re-offer busy calls)',
      'callers told 182 Queued': records.filter((r) => r.queued).length,
      'Tasks written': tasks.length,
      'distinct CallObjects': new Set(tasks.map((t) => t.CallObject)).size,
      'Answer clicks': clicks.reduce((a, b) => a + b, 0),
      'wall time of the calls (ms)': Math.round(wallMs),
    };
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`# ring-group load [${target.name}] ${k}: ${v}\n`);
    return { registerMs, records, tasks, clicks, figures };
  } finally {
    await Promise.all(phones.map((p) => p.close().catch(() => undefined)));
  }
}

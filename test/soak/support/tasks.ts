/** The call-log Tasks in the console emulator's org (records with a CallObject). */
import type { Stack } from '../../../bench/support/stack.ts';

export interface LoggedTask {
  readonly Id: string;
  readonly CallObject: string;
  readonly Subject?: string;
  readonly CallDurationInSeconds?: number;
}

export async function loggedTasks(stack: Stack): Promise<LoggedTask[]> {
  const r = await stack.api<{ records: Record<string, unknown>[] }>('GET', '/emulator/api/console/objects/Task/records?limit=100000');
  if (r.status !== 200) throw new Error(`listing Tasks failed: ${r.status} ${JSON.stringify(r.body)}`);
  const field = (rec: Record<string, unknown>, name: string): unknown => rec[name] ?? (rec.fields as Record<string, unknown> | undefined)?.[name];
  return r.body.records
    .filter((rec) => typeof field(rec, 'CallObject') === 'string' && field(rec, 'CallObject') !== '')
    .map((rec) => ({ Id: String(field(rec, 'Id')), CallObject: String(field(rec, 'CallObject')), Subject: field(rec, 'Subject') as string | undefined }));
}

/** Lists only the call-log Tasks created after this call (the emulator's org may come seeded with older ones). */
export async function newTasksSince(stack: Stack): Promise<() => Promise<LoggedTask[]>> {
  const existing = new Set((await loggedTasks(stack)).map((t) => t.Id));
  return async () => (await loggedTasks(stack)).filter((t) => !existing.has(t.Id));
}

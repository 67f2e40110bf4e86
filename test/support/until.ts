/**
 * Polls `read` every 50 ms until `ok` accepts its value, and answers that value; after `ms` it
 * fails naming `what`, the last value read and `context` (the browser tests' wait for a page or a record).
 */
export async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000, context?: () => string): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 2000)}${context ? `\n${context()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

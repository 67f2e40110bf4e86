/** Waits (on real macrotasks) until `predicate` holds; fails after `timeoutMs` saying what it waited for. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * What the far end does by itself (180 Ringing, 200 OK, 486, a transfer's NOTIFYs) runs on later
 * macrotasks, counted so a test can wait until none is pending.
 */
export class FarEndWork {
  private pending = 0;

  /** Runs far-end work on a later macrotask, counted so `settle()` can wait for it. */
  later(fn: () => void): void {
    this.pending++;
    setTimeout(() => {
      try {
        fn();
      } finally {
        this.pending--;
      }
    }, 0);
  }

  /** Waits until no far-end work is pending (bounded), then lets queued promise chains run. */
  async settle(maxRounds: number): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      await macrotask();
      if (this.pending === 0) return;
    }
    throw new Error(`FakePhoneSystem.settle: far-end work still pending after ${maxRounds} rounds.`);
  }
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

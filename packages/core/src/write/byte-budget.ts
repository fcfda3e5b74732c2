// A bound on the bytes held by tasks running at once: a task waits until what the running ones
// hold leaves room for its own. A task larger than the whole budget counts as all of it.

export interface ByteBudget {
  run<T>(bytes: number, task: () => Promise<T>): Promise<T>;
}

export function byteBudget(limit: number): ByteBudget {
  let held = 0;
  let running = 0;
  let waiting: (() => void)[] = [];
  const release = (bytes: number) => {
    held -= bytes;
    running--;
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };
  return {
    async run(bytes, task) {
      const n = Math.max(0, Math.min(bytes, limit));
      while (running > 0 && held + n > limit) await new Promise<void>((resolve) => waiting.push(resolve));
      held += n;
      running++;
      try {
        return await task();
      } finally {
        release(n);
      }
    },
  };
}

// What a published commit no longer needs (its heartbeat, its fence, its instant key) is removed
// after the write is acknowledged, not before: the acknowledgement waits for the publish only.
// The removal starts on the next turn of the event loop, or in the first round trip of the same
// table's next write if that starts first, whichever comes first. Left behind (the process died
// first), each is what a writer that died right after publishing leaves: a heartbeat of a
// completed instant, which no rollback looks at, and a commit fence, which whoever meets it rolls
// forward to the commit that is already there.

type Lift = () => Promise<void>;

const pending = new WeakMap<object, Set<Lift>>();

/** Runs `lift` soon after the current write of `owner` (a table) is acknowledged. */
export function liftAfterAck(owner: object, lift: Lift): void {
  let lifts = pending.get(owner);
  if (!lifts) {
    lifts = new Set();
    pending.set(owner, lifts);
  }
  lifts.add(lift);
  const once = lifts;
  setTimeout(() => {
    if (once.delete(lift)) void lift().catch(() => undefined);
  }, 0);
}

/** Starts every lift still pending for `owner` now; resolves when they are done (never fails). */
export async function liftPending(owner: object): Promise<void> {
  const lifts = pending.get(owner);
  if (!lifts || lifts.size === 0) return;
  const now = [...lifts];
  lifts.clear();
  await Promise.all(now.map((lift) => lift().catch(() => undefined)));
}

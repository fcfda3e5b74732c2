// The data files of a small write go to the store together. Each is encoded first (CPU: seconds
// of it on a busy machine for a few files), so put as each is ready they follow one another and
// cost one round trip each; held until every one is ready, they share one. The last file is put
// after its encoding either way, so the write finishes no later.

export interface PutGate {
  /** One file's way through the gate: `ready()` when it is about to be put, `done()` when its task ends. */
  party(): { ready(): Promise<void>; done(): void };
}

/**
 * A gate for `parties` files: `ready()` waits until every party is ready or done. With 0 parties
 * the gate is open (large writes put each file as it is ready, holding none longer than needed).
 */
export function putGate(parties: number): PutGate {
  let waiting = parties;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  if (parties <= 0) open();
  const arrive = () => {
    if (--waiting === 0) open();
  };
  return {
    party() {
      if (parties <= 0) return { ready: () => opened, done: () => undefined };
      let arrived = false;
      const once = () => {
        if (arrived) return;
        arrived = true;
        arrive();
      };
      return {
        async ready() {
          once();
          await opened;
        },
        done: once,
      };
    },
  };
}

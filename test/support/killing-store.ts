// For crash tests run in a child process: a local-disk store that kills its own process
// (SIGKILL, no cleanup of any kind) just before its Nth write, and counts the writes made.

import { FaultyStore, LocalStore } from '@lake/storage';

export function killingStore(dir: string, killAt: number): { store: FaultyStore; writes: () => number } {
  let writes = 0;
  const store = new FaultyStore(new LocalStore(dir), {
    failOn(op) {
      if (op === 'put' || op === 'putIfAbsent') {
        writes++;
        if (writes === killAt) process.kill(process.pid, 'SIGKILL');
      }
      return false;
    },
  });
  return { store, writes: () => writes };
}

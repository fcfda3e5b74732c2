// Child process of the compaction crash test: runs `lake compact` on a table and kills itself
// (SIGKILL, no cleanup of any kind) just before its Nth write to the store.

import { FaultyStore, LocalStore } from '../../packages/storage/src/index.js';
import { openTable } from '../../packages/core/src/index.js';

const [dir, killAt] = process.argv.slice(2);
let writes = 0;
const store = new FaultyStore(new LocalStore(dir), {
  failOn(op) {
    if (op === 'put' || op === 'putIfAbsent') {
      writes++;
      if (writes === Number(killAt)) process.kill(process.pid, 'SIGKILL');
    }
    return false;
  },
});
const table = await openTable(store);
await table.compact({ parallelism: 2 });
process.stdout.write(`done after ${writes} writes\n`);

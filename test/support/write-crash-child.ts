// Child process of the rollback tests: runs one write on a table and kills itself (SIGKILL) just
// before its Nth write to the store, leaving whatever a dead writer leaves.

import { FaultyStore, LocalStore } from '../../packages/storage/src/index.js';
import { openTable } from '../../packages/core/src/index.js';

const [dir, killAt, op] = process.argv.slice(2);
let writes = 0;
const store = new FaultyStore(new LocalStore(dir), {
  failOn(kind) {
    if (kind === 'put' || kind === 'putIfAbsent') {
      writes++;
      if (writes === Number(killAt)) process.kill(process.pid, 'SIGKILL');
    }
    return false;
  },
});
const table = await openTable(store);
if (op === 'delete') await table.delete(['k1', 'k2', 'k5']);
else await table.upsert(Array.from({ length: 9 }, (_, i) => ({ id: `k${i * 2}`, dt: `d${(i * 2) % 3}`, ts: 5, v: `late-${i}` })));
process.stdout.write(`done after ${writes} writes\n`);

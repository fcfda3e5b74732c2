// Child process of the rollback tests: runs one write on a table and dies just before its Nth
// write to the store, leaving whatever a dead writer leaves.

import { openTable } from '@lake/core';
import { killingStore } from './killing-store.js';

const [dir, killAt, op] = process.argv.slice(2);
const { store, writes } = killingStore(dir, Number(killAt));
const table = await openTable(store);
if (op === 'delete') await table.delete(['k1', 'k2', 'k5']);
else await table.upsert(Array.from({ length: 9 }, (_, i) => ({ id: `k${i * 2}`, dt: `d${(i * 2) % 3}`, ts: 5, v: `late-${i}` })));
process.stdout.write(`done after ${writes()} writes\n`);

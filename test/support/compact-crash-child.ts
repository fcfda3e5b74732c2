// Child process of the compaction crash test: compacts a table and dies just before its Nth
// write to the store.

import { openTable } from '@lake/core';
import { killingStore } from './killing-store.js';

const [dir, killAt] = process.argv.slice(2);
const { store, writes } = killingStore(dir, Number(killAt));
await (await openTable(store)).compact({ parallelism: 2 });
process.stdout.write(`done after ${writes()} writes\n`);

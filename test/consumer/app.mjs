// A plain Node program using the published @lake/core, as an npm user would.
import { createTable, openTable } from '@lake/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = join(mkdtempSync(join(tmpdir(), 'lake-consumer-')), 'events');
const table = await createTable(dir, { recordKey: ['id'], orderingField: 'ts' });
await table.upsert([{ id: 'a', ts: 1, v: 'first' }, { id: 'b', ts: 1, v: 'second' }, { id: 'c', ts: 1, v: 'third' }]);
await table.upsert([{ id: 'b', ts: 2, v: 'second, updated' }]);
await table.delete(['a']);
const rows = (await (await openTable(dir)).read({ columns: ['id', 'v'] }).collect()).toArray().map((r) => r.toJSON());
rows.sort((x, y) => (x.id < y.id ? -1 : 1));
console.log(JSON.stringify(rows));

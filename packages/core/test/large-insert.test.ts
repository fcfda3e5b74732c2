// One write of more rows than a JavaScript call can take as arguments (spread arrays overflow
// the stack somewhere above 100k elements) lands in one file group.

import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable } from '../src/index.js';

describe('a large write', () => {
  it('inserts 200k rows into one new file group', async () => {
    const n = 200_000;
    const t = await createTable(new MemoryStore(`large-insert-${process.pid}`), { recordKey: ['id'] });
    const res = await t.insert(tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => i), v: Float64Array.from({ length: n }, (_, i) => i / 2) }), {
      // One bucket for all rows, as a history of small records would size it.
      sizing: { maxFileSizeBytes: 2 ** 40 },
    });
    expect(res.inserted).toBe(n);
    expect(res.filesWritten).toBe(1);
    let rows = 0;
    for await (const b of t.read({ columns: ['id'] })) rows += b.numRows;
    expect(rows).toBe(n);
  }, 120_000);
});

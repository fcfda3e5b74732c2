// A write rewrites small file groups a few at once (their round trips overlap); large ones no more
// at a time than the Parquet encoders can take plus the one the calling thread merges, since every
// file group in flight is held in memory whole (byte-budget.test.ts).

import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable } from '../table/create-table.js';

/** Counts PUTs of base files in flight at once (each is the last step of one group's rewrite). */
class CountingStore extends MemoryStore {
  inFlight = 0;
  maxInFlight = 0;
  override async put(key: string, data: Uint8Array): Promise<void> {
    if (!key.endsWith('.parquet')) return super.put(key, data);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 30));
      return await super.put(key, data);
    } finally {
      this.inFlight--;
    }
  }
}

const saved = process.env.LAKE_PARQUET_WORKERS;
afterEach(() => {
  if (saved === undefined) delete process.env.LAKE_PARQUET_WORKERS;
  else process.env.LAKE_PARQUET_WORKERS = saved;
});

const rows = (ts: number) => Array.from({ length: 60 }, (_, i) => ({ id: `k${i}`, dt: `d${i % 6}`, ts, v: `v${ts}-${i}` }));

describe('base file rewrites of one write', () => {
  for (const workers of [0, 1]) {
    it(`with ${workers} Parquet worker(s) merge small file groups several at once, at most 4, and every row is written`, async () => {
      process.env.LAKE_PARQUET_WORKERS = String(workers);
      const store = new CountingStore(`base-write-concurrency-${workers}-${Math.random()}`);
      const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
      await table.upsert(rows(1));
      store.maxInFlight = 0;
      await table.upsert(rows(2));
      expect(store.maxInFlight).toBeGreaterThan(1);
      expect(store.maxInFlight).toBeLessThanOrEqual(4);
      const read = await table.read().collect();
      expect(read.numRows).toBe(60);
      expect(new Set(read.getChild('v')?.toArray())).toEqual(new Set(rows(2).map((r) => r.v)));
    });
  }
});

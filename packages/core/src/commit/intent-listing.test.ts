// A write lists the intents folder once: the listing it reads other writes' intents from is the
// one its pruning pass judges leftovers and live writers by (both are made at the same moment,
// right after the write's claims start is known).

import { describe, expect, it } from 'vitest';
import { MemoryStore, type DirectoryListing } from '@lake/storage';

import { createTable } from '../table/create-table.js';
import { instantClaimKey } from './paths.js';

class ListingCounter extends MemoryStore {
  intentListings = 0;
  override listDirectory(prefix: string): Promise<DirectoryListing> {
    if (prefix === instantClaimKey('')) this.intentListings++;
    return super.listDirectory(prefix);
  }
}

const rows = (ts: number) => Array.from({ length: 20 }, (_, i) => ({ id: `k${i}`, dt: `d${i % 2}`, ts, v: `v${ts}-${i}` }));

describe('the intents folder', () => {
  it('is listed once by a write, for its read of intents and its pruning pass', async () => {
    const store = new ListingCounter(`intent-listing-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    await table.upsert(rows(1));
    await table.upsert(rows(2));
    store.intentListings = 0;
    const result = await table.upsert(rows(3));
    expect(result.updated).toBe(20);
    expect(store.intentListings).toBe(1);
  });
});

// Upserting one key into a file group of 5,000 rows hashes a handful of keys into bloom filters
// (the new key, and the key index's lookups), not every key of the file again.

import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '@lake/storage';

const hashed = vi.hoisted(() => ({ keys: 0 }));

// Counts the keys whose bloom bit positions are computed (one hash chain per key and filter).
vi.mock('../src/index/murmur-hash.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/index/murmur-hash.js')>();
  return {
    ...original,
    murmurHashChain: (...args: Parameters<typeof original.murmurHashChain>) => {
      hashed.keys++;
      original.murmurHashChain(...args);
    },
  };
});

const { createTable } = await import('../src/format.js');

const rows = (from: number, to: number, ts: number) =>
  Array.from({ length: to - from }, (_, i) => ({ id: `k${String(from + i).padStart(5, '0')}`, ts, v: `v${from + i}-${ts}` }));

describe('a one-key upsert into a large file group', () => {
  it.each([
    ['an update', rows(1234, 1235, 2)],
    ['an insert', rows(9000, 9001, 2)],
  ])('hashes a handful of keys for %s, not the file group', async (_, change) => {
    const t = await createTable(new MemoryStore(`bloom-reuse-hashes-${process.pid}-${change[0].id}`), { recordKey: ['id'], orderingField: 'ts', type: 'cow' });
    await t.insert(rows(0, 5_000, 1));
    expect(await t.fileSlices()).toHaveLength(1);
    hashed.keys = 0;
    await t.upsert(change);
    expect(hashed.keys).toBeGreaterThan(0);
    expect(hashed.keys).toBeLessThanOrEqual(5);
    const ids = [...(await t.read({ columns: ['id'], withMeta: false }).collect()).getChild('id')!].map(String);
    expect(ids).toHaveLength(change[0].id === 'k09000' ? 5_001 : 5_000);
  });
});

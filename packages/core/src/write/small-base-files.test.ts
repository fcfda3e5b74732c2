import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { readSmallBaseFilesWhole, WHOLE_READ_MAX_BYTES } from './small-base-files.js';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

describe('readSmallBaseFilesWhole', () => {
  it('serves every ranged read of a small listed file from one GET of all of it', async () => {
    const inner = new MemoryStore(`small-base-${Math.random()}`);
    const data = bytes(5000);
    await inner.put('p/f.parquet', data);
    const store = readSmallBaseFilesWhole(inner, (k) => (k === 'p/f.parquet' ? data.length : undefined));
    const before = inner.requests.GET;
    const [tail, middle] = await Promise.all([store.get('p/f.parquet', { offset: 4992, length: 8 }), store.get('p/f.parquet', { offset: 100, length: 50 })]);
    const head = await store.get('p/f.parquet', { offset: 0, length: 4 });
    expect(inner.requests.GET - before).toBe(1);
    expect([...tail]).toEqual([...data.subarray(4992)]);
    expect([...middle]).toEqual([...data.subarray(100, 150)]);
    expect([...head]).toEqual([...data.subarray(0, 4)]);
  });

  it('reads large files, unlisted files and whole-object reads as asked', async () => {
    const inner = new MemoryStore(`small-base-large-${Math.random()}`);
    const big = bytes(WHOLE_READ_MAX_BYTES + 1);
    await inner.put('p/big.parquet', big);
    await inner.put('p/other.parquet', bytes(10));
    const store = readSmallBaseFilesWhole(inner, (k) => (k === 'p/big.parquet' ? big.length : undefined));
    const before = inner.requests.GET;
    await store.get('p/big.parquet', { offset: 0, length: 8 });
    await store.get('p/big.parquet', { offset: 8, length: 8 });
    await store.get('p/other.parquet', { offset: 0, length: 2 });
    await store.get('p/other.parquet', { offset: 2, length: 2 });
    expect(inner.requests.GET - before).toBe(4);
  });

  it('reads a file replaced under its listed size as asked', async () => {
    const inner = new MemoryStore(`small-base-replaced-${Math.random()}`);
    await inner.put('p/f.parquet', bytes(30));
    const store = readSmallBaseFilesWhole(inner, () => 20);
    expect([...(await store.get('p/f.parquet', { offset: 25, length: 5 }))]).toEqual([...bytes(30).subarray(25)]);
  });
});

// A write's reads of base files: small ranged reads (footers) are fetched once per write, bulk
// reads of column chunks (and, of files of known size, small reads away from the footer) are
// passed through and not kept for the rest of the write.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { MAX_REMEMBERED_READ, readBaseFilesOnce, REMEMBERED_TAIL } from './written-base-files.js';

const BASE = 'p=1/0a1b2c3d-0000-4000-8000-000000000000-0_0-1-0_20240101000000000.parquet';

// deep equality of megabytes element by element is slow in expect
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('readBaseFilesOnce', () => {
  it('serves a repeated small read of a base file from memory and sends bulk reads through each time', async () => {
    const inner = new MemoryStore('once');
    const size = MAX_REMEMBERED_READ * 3;
    const bytes = new Uint8Array(size).fill(7);
    bytes[size - 1] = 9;
    await inner.put(BASE, bytes);
    await inner.put('p=1/notes.txt', new Uint8Array([1, 2, 3]));
    const store = readBaseFilesOnce(inner);
    const gets = () => inner.requests.GET;

    const tail = { offset: size - 1000, length: 1000 };
    const first = await store.get(BASE, tail);
    const before = gets();
    expect(await store.get(BASE, tail)).toEqual(first);
    expect(gets()).toBe(before);

    const bulk = { offset: 0, length: MAX_REMEMBERED_READ + 1 };
    expect(same(await store.get(BASE, bulk), bytes.subarray(0, MAX_REMEMBERED_READ + 1))).toBe(true);
    await store.get(BASE, bulk);
    expect(gets()).toBe(before + 2);
    expect(same(await store.get(BASE), bytes)).toBe(true);
    await store.get('p=1/notes.txt');
    await store.get('p=1/notes.txt');
    expect(gets()).toBe(before + 5);
  });

  it('keeps only reads near the end of a file of known size (its footer), not a small read of its column chunks', async () => {
    const inner = new MemoryStore('once-sized');
    const size = REMEMBERED_TAIL + MAX_REMEMBERED_READ * 2;
    await inner.put(BASE, new Uint8Array(size).fill(3));
    const store = readBaseFilesOnce(inner, (key) => (key === BASE ? size : undefined));
    const gets = () => inner.requests.GET;
    const chunk = { offset: 100, length: 1000 };
    const footer = { offset: size - REMEMBERED_TAIL, length: 1000 };
    await store.get(BASE, chunk);
    await store.get(BASE, footer);
    const before = gets();
    await store.get(BASE, footer);
    expect(gets()).toBe(before);
    expect(same(await store.get(BASE, chunk), new Uint8Array(1000).fill(3))).toBe(true);
    expect(gets()).toBe(before + 1);
  });
});

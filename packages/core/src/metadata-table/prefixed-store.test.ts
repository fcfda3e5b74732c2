// The metadata table is read through a view of its folder: keys map both ways, and writes are
// refused so that reading it can never change it.

import { MemoryStore } from '@lake/storage';
import { describe, expect, it } from 'vitest';

import { UnsupportedFeatureError } from '../errors.js';
import { PrefixedReadOnlyStore } from './prefixed-store.js';

describe('PrefixedReadOnlyStore', () => {
  it('reads and lists the folder with keys relative to it, and refuses writes', async () => {
    const inner = new MemoryStore(`prefixed-${process.pid}`);
    await inner.put('.hoodie/metadata/files/a.hfile', new Uint8Array([1, 2, 3]));
    await inner.put('.hoodie/metadata/.hoodie/hoodie.properties', new Uint8Array([4]));
    await inner.put('region=eu/x.parquet', new Uint8Array([5]));
    const mt = new PrefixedReadOnlyStore(inner, '.hoodie/metadata');
    expect([...(await mt.get('files/a.hfile', { offset: 1, length: 2 }))]).toEqual([2, 3]);
    expect((await mt.head('files/a.hfile'))?.key).toBe('files/a.hfile');
    expect(await mt.head('region=eu/x.parquet')).toBeUndefined();
    const dir = await mt.listDirectory('');
    expect(dir.prefixes.sort()).toEqual(['.hoodie/', 'files/']);
    const all: string[] = [];
    for await (const o of mt.list('')) all.push(o.key);
    expect(all.sort()).toEqual(['.hoodie/hoodie.properties', 'files/a.hfile']);
    await expect(mt.put()).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(mt.putIfAbsent()).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(mt.delete()).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(mt.deleteMany()).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(inner.requests.PUT).toBe(3);
  });
});

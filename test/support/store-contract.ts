// The behaviour every ObjectStore backend must share, as one suite run against each backend:
// lake's table code is written once against these semantics.

import { describe, expect, it } from 'vitest';

import { InvalidRangeError, listObjectKeys, NotFoundError, type ObjectMeta, type ObjectStore } from '@lake/storage';

export interface ContractSubject {
  store: ObjectStore;
  /** A second, independent store instance at the same location. */
  reopen: () => ObjectStore;
}

export interface ContractOptions {
  /** What conditionalPutEnforced() must answer on this backend. */
  conditionalPutEnforced: boolean;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

async function keysOf(iterable: AsyncIterable<ObjectMeta>): Promise<string[]> {
  const keys: string[] = [];
  for await (const meta of iterable) keys.push(meta.key);
  return keys;
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes(length: number, seed = 0x2545f491): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Registers the shared suite for one backend; `open` must return a fresh, empty store each call. */
export function describeStoreContract(name: string, open: () => Promise<ContractSubject>, options: ContractOptions): void {
  describe(`ObjectStore contract: ${name}`, () => {
    it('reads back exactly the bytes written, including every byte value', async () => {
      const { store } = await open();
      const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const random = pseudoRandomBytes(100_000);
      await store.put('bin/all-bytes', allBytes);
      await store.put('bin/random', random);
      expect(await store.get('bin/all-bytes')).toEqual(allBytes);
      const back = await store.get('bin/random');
      expect(back.length).toBe(random.length);
      expect(Buffer.from(back).equals(Buffer.from(random))).toBe(true);
    });

    it('stores empty objects', async () => {
      const { store } = await open();
      await store.put('empty', new Uint8Array(0));
      expect((await store.get('empty')).length).toBe(0);
      expect(await store.head('empty')).toMatchObject({ key: 'empty', size: 0 });
    });

    it('keeps the caller free to reuse its buffer after put', async () => {
      const { store } = await open();
      const data = text('original');
      await store.put('k', data);
      data.fill(0);
      expect(str(await store.get('k'))).toBe('original');
    });

    it('overwrites with put, and a second instance sees the new object at once', async () => {
      const { store, reopen } = await open();
      await store.put('doc.json', text('{"v":1}'));
      await store.put('doc.json', text('{"v":2,"longer":true}'));
      expect(str(await store.get('doc.json'))).toBe('{"v":2,"longer":true}');
      const other = reopen();
      expect(str(await other.get('doc.json'))).toBe('{"v":2,"longer":true}');
      expect(await other.head('doc.json')).toMatchObject({ size: 21 });
    });

    it('reports missing objects: get throws NotFoundError, head gives undefined', async () => {
      const { store } = await open();
      const error = await store.get('no/such/key').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ code: 'NOT_FOUND', key: 'no/such/key' });
      await expect(store.get('no/such/key', { offset: 2, length: 3 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.get('no/such/key', { offset: 0, length: 0 })).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.head('no/such/key')).toBeUndefined();
    });

    it('head gives size and modification time', async () => {
      const { store } = await open();
      const before = Date.now();
      await store.put('h/x.bin', pseudoRandomBytes(1234));
      const meta = await store.head('h/x.bin');
      expect(meta).toMatchObject({ key: 'h/x.bin', size: 1234 });
      expect(meta?.lastModified).toBeInstanceOf(Date);
      // Servers keep second precision; allow for that and a little clock skew.
      expect(meta!.lastModified!.getTime()).toBeGreaterThan(before - 120_000);
    });

    it('reads byte ranges, clamping at the end of the object', async () => {
      const { store } = await open();
      const data = pseudoRandomBytes(1000, 7);
      await store.put('r', data);
      expect(await store.get('r', { offset: 0, length: 10 })).toEqual(data.slice(0, 10));
      expect(await store.get('r', { offset: 500, length: 1 })).toEqual(data.slice(500, 501));
      expect(await store.get('r', { offset: 990 })).toEqual(data.slice(990));
      expect(await store.get('r', { offset: 995, length: 100 })).toEqual(data.slice(995));
      expect(await store.get('r', { offset: 0 })).toEqual(data);
      expect((await store.get('r', { offset: 1000 })).length).toBe(0);
      expect((await store.get('r', { offset: 5000, length: 10 })).length).toBe(0);
      expect((await store.get('r', { offset: 10, length: 0 })).length).toBe(0);
    });

    it('rejects malformed ranges with a typed error', async () => {
      const { store } = await open();
      await store.put('r', text('abc'));
      await expect(store.get('r', { offset: -1 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.get('r', { offset: 0, length: 1.5 })).rejects.toMatchObject({ code: 'INVALID_RANGE' });
    });

    const tree = ['Z.txt', 'a/1.txt', 'a/2.txt', 'a/b/c.txt', 'a/b1.txt', 'b.txt', 'c/d/e/f.txt'];

    it('lists recursively in lexicographic key order, filtered by prefix', async () => {
      const { store } = await open();
      for (const key of [...tree].reverse()) await store.put(key, text(key));
      expect(await keysOf(store.list(''))).toEqual(tree);
      expect(await keysOf(store.list('a/'))).toEqual(['a/1.txt', 'a/2.txt', 'a/b/c.txt', 'a/b1.txt']);
      // A prefix need not end at a folder boundary.
      expect(await keysOf(store.list('a/b'))).toEqual(['a/b/c.txt', 'a/b1.txt']);
      expect(await keysOf(store.list('a/b/'))).toEqual(['a/b/c.txt']);
      expect(await keysOf(store.list('c/d/e/f.txt'))).toEqual(['c/d/e/f.txt']);
      expect(await keysOf(store.list('nothing/'))).toEqual([]);
      const metas: ObjectMeta[] = [];
      for await (const meta of store.list('a/b/')) metas.push(meta);
      expect(metas).toEqual([{ key: 'a/b/c.txt', size: 9, lastModified: expect.any(Date) }]);
    });

    it('orders a file that sorts between a folder name and its contents', async () => {
      const { store } = await open();
      for (const key of ['a/x', 'a-b', 'a.c', 'a0', 'a/y/z']) await store.put(key, text(key));
      expect(await keysOf(store.list(''))).toEqual(['a-b', 'a.c', 'a/x', 'a/y/z', 'a0']);
      expect(await keysOf(store.list('a'))).toEqual(['a-b', 'a.c', 'a/x', 'a/y/z', 'a0']);
    });

    it('lists one folder level with listDirectory', async () => {
      const { store } = await open();
      for (const key of tree) await store.put(key, text(key));
      const root = await store.listDirectory('');
      expect(root.objects.map((o) => o.key)).toEqual(['Z.txt', 'b.txt']);
      expect(root.objects[0]).toMatchObject({ size: 5 });
      expect(root.prefixes).toEqual(['a/', 'c/']);
      const a = await store.listDirectory('a/');
      expect(a.objects.map((o) => o.key)).toEqual(['a/1.txt', 'a/2.txt', 'a/b1.txt']);
      expect(a.prefixes).toEqual(['a/b/']);
      expect(await store.listDirectory('c/')).toEqual({ objects: [], prefixes: ['c/d/'] });
      expect(await store.listDirectory('missing/')).toEqual({ objects: [], prefixes: [] });
    });

    it('lists the keys of one folder level, as listDirectory lists its objects', async () => {
      const { store } = await open();
      for (const key of tree) await store.put(key, text(key));
      for (const prefix of ['', 'a/', 'a/b', 'c/', 'missing/']) {
        const objects = (await store.listDirectory(prefix)).objects.map((o) => o.key);
        expect(await listObjectKeys(store, prefix), prefix).toEqual(objects);
        if (store.listKeys) expect(await store.listKeys(prefix), prefix).toEqual(objects);
      }
      expect(await listObjectKeys(store, 'a/')).toEqual(['a/1.txt', 'a/2.txt', 'a/b1.txt']);
      expect(await listObjectKeys(store, 'a/b')).toEqual(['a/b1.txt']);
    });

    it('deletes objects; deleting a missing object is fine; emptied folders disappear', async () => {
      const { store } = await open();
      for (const key of tree) await store.put(key, text(key));
      await store.delete('b.txt');
      await store.delete('b.txt');
      await store.delete('never/existed');
      expect(await store.head('b.txt')).toBeUndefined();
      await store.delete('c/d/e/f.txt');
      const root = await store.listDirectory('');
      expect(root.objects.map((o) => o.key)).toEqual(['Z.txt']);
      expect(root.prefixes).toEqual(['a/']);
      expect(await keysOf(store.list('c/'))).toEqual([]);
    });

    it('deletes many objects at once, ignoring missing ones', async () => {
      const { store } = await open();
      const keys = Array.from({ length: 30 }, (_, i) => `many/k${String(i).padStart(2, '0')}`);
      for (const key of keys) await store.put(key, text(key));
      await store.deleteMany([...keys.slice(0, 20), 'many/missing']);
      expect(await keysOf(store.list('many/'))).toEqual(keys.slice(20));
      await store.deleteMany([]);
      expect(await keysOf(store.list('many/'))).toHaveLength(10);
    });

    it('putIfAbsent creates once, then refuses without changing the object', async () => {
      const { store } = await open();
      expect(await store.putIfAbsent('.hoodie/001.commit', text('first'))).toBe(true);
      expect(await store.putIfAbsent('.hoodie/001.commit', text('second'))).toBe(false);
      expect(str(await store.get('.hoodie/001.commit'))).toBe('first');
      await store.put('.hoodie/002.commit', text('x'));
      expect(await store.putIfAbsent('.hoodie/002.commit', text('y'))).toBe(false);
      await store.delete('.hoodie/001.commit');
      expect(await store.putIfAbsent('.hoodie/001.commit', text('third'))).toBe(true);
      expect(str(await store.get('.hoodie/001.commit'))).toBe('third');
    });

    it(`reports conditional creates as ${options.conditionalPutEnforced ? '' : 'not '}enforced`, async () => {
      const { store } = await open();
      expect(await store.conditionalPutEnforced()).toBe(options.conditionalPutEnforced);
      // Asking again gives the same answer (and any probe left nothing behind).
      expect(await store.conditionalPutEnforced()).toBe(options.conditionalPutEnforced);
      expect(await keysOf(store.list(''))).toEqual([]);
    });

    it('handles keys with spaces, =, +, % and non-ASCII characters', async () => {
      const { store } = await open();
      const keys = [
        'city=New York/date=2024-01-01/part 0+1.parquet',
        'city=São Paulo/ü ñ 中文.txt',
        'pct/100%.txt',
        'emoji/😀.bin',
      ];
      for (const key of keys) await store.put(key, text(`value of ${key}`));
      for (const key of keys) expect(str(await store.get(key))).toBe(`value of ${key}`);
      for (const key of keys) expect(await store.head(key)).toMatchObject({ key });
      expect(await keysOf(store.list(''))).toEqual([...keys].sort());
      expect((await store.listDirectory('')).prefixes).toEqual(['city=New York/', 'city=São Paulo/', 'emoji/', 'pct/']);
      expect((await store.listDirectory('city=São Paulo/')).objects.map((o) => o.key)).toEqual([keys[1]]);
      await store.deleteMany(keys);
      expect(await keysOf(store.list(''))).toEqual([]);
    });

    it('counts requests by kind and bytes moved', async () => {
      const { store } = await open();
      const start = { ...store.requests };
      await store.put('count/a', pseudoRandomBytes(100));
      await store.get('count/a');
      await store.get('count/a', { offset: 10, length: 20 });
      await store.head('count/a');
      await keysOf(store.list('count/'));
      await store.delete('count/a');
      const r = store.requests;
      expect(r.PUT - start.PUT).toBe(1);
      expect(r.GET - start.GET).toBe(2);
      expect(r.HEAD - start.HEAD).toBe(1);
      expect(r.LIST - start.LIST).toBe(1);
      expect(r.DELETE - start.DELETE).toBe(1);
      expect(r.bytesWritten - start.bytesWritten).toBe(100);
      expect(r.bytesRead - start.bytesRead).toBe(120);
    });
  });
}

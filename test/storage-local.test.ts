// LocalStore beyond the shared contract: the on-disk layout other engines read, atomic writes and
// creates under concurrency, key validation, and agreement with MemoryStore on random histories.

import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import {
  InvalidKeyError,
  LOCAL_TEMP_PREFIX,
  LocalStore,
  MemoryStore,
  NotFoundError,
  StoreError,
  type ObjectStore,
} from '@lake/storage';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'lake-local-'));
  roots.push(root);
  return root;
}

/** Every file under a folder, relative, including hidden temp files. */
async function filesOnDisk(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

async function keysOf(store: ObjectStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const meta of store.list(prefix)) keys.push(meta.key);
  return keys;
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('LocalStore', () => {
  it('keeps objects as plain files at their key paths, so other engines read the folder', async () => {
    const root = await freshRoot();
    const store = new LocalStore(root);
    await store.put('.hoodie/hoodie.properties', bytes('hoodie.table.name=t\n'));
    await store.put('year=2024/month=01/abc_1-0-1_20240101.parquet', bytes('PAR1'));
    expect(await filesOnDisk(root)).toEqual(['.hoodie/hoodie.properties', 'year=2024/month=01/abc_1-0-1_20240101.parquet']);
    expect(await readFile(join(root, '.hoodie', 'hoodie.properties'), 'utf8')).toBe('hoodie.table.name=t\n');
    expect(store.uri).toBe(`file://${root}`);
  });

  it('reads files that were written by something else', async () => {
    const root = await freshRoot();
    await mkdir(join(root, 'p=1'), { recursive: true });
    await writeFile(join(root, 'p=1', 'f.parquet'), 'abcdef');
    const store = new LocalStore(root);
    expect(await keysOf(store)).toEqual(['p=1/f.parquet']);
    expect(await store.get('p=1/f.parquet', { offset: 2, length: 3 })).toEqual(bytes('cde'));
  });

  it('lists nothing, and finds nothing, under a folder that does not exist', async () => {
    const store = new LocalStore(join(await freshRoot(), 'not', 'yet'));
    expect(await keysOf(store)).toEqual([]);
    expect(await store.listDirectory('')).toEqual({ objects: [], prefixes: [] });
    await expect(store.get('x')).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.head('x')).toBeUndefined();
    await store.delete('x');
  });

  it('lets exactly one of many concurrent putIfAbsent calls create a key', async () => {
    const root = await freshRoot();
    const stores = [new LocalStore(root), new LocalStore(root)];
    const attempts = Array.from({ length: 40 }, (_, i) => ({ store: stores[i % 2], body: bytes(`writer ${i} `.repeat(2000)) }));
    const results = await Promise.all(attempts.map((a) => a.store.putIfAbsent('.hoodie/20240101000000000.commit', a.body)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = attempts[results.indexOf(true)];
    expect(await stores[0].get('.hoodie/20240101000000000.commit')).toEqual(winner.body);
    expect(await filesOnDisk(root)).toEqual(['.hoodie/20240101000000000.commit']);
  });

  it('never shows a partly written object, and never lists temp files', async () => {
    const root = await freshRoot();
    const writer = new LocalStore(root);
    const reader = new LocalStore(root);
    const a = new Uint8Array(512 * 1024).fill(0xaa);
    const b = new Uint8Array(256 * 1024).fill(0xbb);
    await writer.put('obj', a);
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 30; i++) await writer.put('obj', i % 2 === 0 ? b : a);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const got = await reader.get('obj');
      const uniform = got.length === a.length ? got.every((x) => x === 0xaa) : got.length === b.length && got.every((x) => x === 0xbb);
      expect(uniform).toBe(true);
      expect((await keysOf(reader)).some((k) => k.includes(LOCAL_TEMP_PREFIX))).toBe(false);
      expect((await reader.listDirectory('')).objects.map((o) => o.key)).toEqual(['obj']);
      reads++;
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
    expect(await filesOnDisk(root)).toEqual(['obj']);
  });

  it('leaves no temp file behind when a conditional create loses', async () => {
    const root = await freshRoot();
    const store = new LocalStore(root);
    expect(await store.putIfAbsent('k', bytes('1'))).toBe(true);
    expect(await store.putIfAbsent('k', bytes('2'))).toBe(false);
    expect(await filesOnDisk(root)).toEqual(['k']);
  });

  // Small objects are written with blocking calls, large ones (and every object of a store that
  // syncs to disk) through the promise API: both forms keep the same guarantees.
  for (const [what, size, fsync] of [['small', 100, false], ['large', 200 * 1024, false], ['synced small', 100, true]] as const) {
    it(`writes ${what} objects atomically, creates them exclusively, and leaves no temp file`, async () => {
      const root = await freshRoot();
      const store = new LocalStore(join(root, 'not', 'yet'), { fsync });
      const body = (fill: number) => new Uint8Array(size).fill(fill);
      await store.put('d/e/obj', body(1));
      await store.put('d/e/obj', body(2));
      expect(await store.get('d/e/obj')).toEqual(body(2));
      expect(await store.putIfAbsent('d/new', body(3))).toBe(true);
      expect(await store.putIfAbsent('d/new', body(4))).toBe(false);
      expect(await store.get('d/new')).toEqual(body(3));
      // A folder removed by a delete is made again by the next write into it.
      await store.delete('d/e/obj');
      await store.put('d/e/again', body(5));
      const error = await store.put('d/new/below', body(6)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(await filesOnDisk(join(root, 'not', 'yet'))).toEqual(['d/e/again', 'd/new']);
      expect(store.requests).toMatchObject({ PUT: 6, bytesWritten: 4 * size });
    });
  }

  it('rejects keys that could escape the root or collide with temp files', async () => {
    const store = new LocalStore(await freshRoot());
    for (const key of ['', '/etc/passwd', '../outside', 'a/../../b', 'a//b', 'a/./b', 'a/', `a/${LOCAL_TEMP_PREFIX}x`, 'nul\0byte']) {
      await expect(store.put(key, bytes('x')), key).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.get(key), key).rejects.toMatchObject({ code: 'INVALID_KEY' });
    }
    await expect(store.list('../')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.listDirectory('a/../../')).rejects.toBeInstanceOf(InvalidKeyError);
  });

  it('explains that a key cannot be both an object and a folder on disk', async () => {
    const store = new LocalStore(await freshRoot());
    await store.put('a', bytes('file'));
    const error = await store.put('a/b', bytes('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/both an object and a folder/);
    // Reading through the object as if it were a folder finds nothing.
    await expect(store.get('a/b')).rejects.toBeInstanceOf(NotFoundError);
    expect(await keysOf(store, 'a/')).toEqual([]);
    // Deleting a "key" that is a folder is a no-op, like deleting a missing object.
    await store.put('d/e', bytes('x'));
    await store.delete('d');
    expect(await keysOf(store)).toEqual(['a', 'd/e']);
  });

  it('says it needs Node where Node modules are missing, instead of failing to load', async () => {
    const saved = process.getBuiltinModule;
    Object.assign(process, { getBuiltinModule: undefined });
    try {
      expect(() => new LocalStore('/tmp/x')).toThrow(/needs Node.js/);
    } finally {
      Object.assign(process, { getBuiltinModule: saved });
    }
    expect(new LocalStore('/tmp/x').root).toBe('/tmp/x');
  });

  it('writes with fsync when asked', async () => {
    const store = new LocalStore(await freshRoot(), { fsync: true });
    await store.put('s/1', bytes('synced'));
    expect(await store.putIfAbsent('s/2', bytes('also'))).toBe(true);
    expect(await keysOf(store)).toEqual(['s/1', 's/2']);
  });

  it('removes folders a delete left empty, up to the root, so listings do not grow with deleted objects', async () => {
    const root = await freshRoot();
    const store = new LocalStore(root);
    await store.put('t/.temp/001/p/marker', new Uint8Array([1]));
    await store.put('t/.temp/keep', new Uint8Array([2]));
    await store.delete('t/.temp/001/p/marker');
    expect(await readdir(join(root, 't', '.temp'))).toEqual(['keep']);
    await store.delete('t/.temp/keep');
    expect(await readdir(root)).toEqual([]);
    // The root itself stays, and writing again re-creates the folders.
    await store.put('t/x', new Uint8Array([3]));
    expect(await store.get('t/x')).toEqual(new Uint8Array([3]));
  });

  it('never fails a write racing a delete that empties its folder', async () => {
    const root = await freshRoot();
    const store = new LocalStore(root);
    for (let round = 0; round < 20; round++) {
      await store.put(`d/${round}/old`, new Uint8Array([1]));
      const writes = Array.from({ length: 5 }, (_, i) => store.put(`d/${round}/new-${i}`, new Uint8Array([i])));
      await Promise.all([store.delete(`d/${round}/old`), ...writes]);
      const listed = (await store.listDirectory(`d/${round}/`)).objects.map((o) => o.key);
      expect(listed).toEqual(Array.from({ length: 5 }, (_, i) => `d/${round}/new-${i}`));
    }
  });

  it('agrees with MemoryStore on any history of writes, creates and deletes', async () => {
    const folder = fc.constantFrom('a', 'b', 'a-b', 'a.b', 'é', 'part=1');
    const leaf = fc.constantFrom('x', 'y.txt', 'a0', 'x-1', 'Z', 'ü.bin');
    const key = fc.tuple(fc.array(folder, { maxLength: 2 }), leaf).map(([dirs, name]) => [...dirs, name].join('/'));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key, value: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant('create' as const), key, value: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant('delete' as const), key }),
    );
    const prefixes = ['', 'a', 'a/', 'a-', 'b/', 'part=1/', 'é/', 'a/b/', 'x'];
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const local = new LocalStore(join(await freshRoot(), 't'));
        const memory = new MemoryStore(`model-${randomUUID()}`);
        for (const o of ops) {
          for (const store of [local, memory] as ObjectStore[]) {
            if (o.kind === 'put') await store.put(o.key, bytes(o.value));
            if (o.kind === 'delete') await store.delete(o.key);
          }
          if (o.kind === 'create') {
            expect(await local.putIfAbsent(o.key, bytes(o.value))).toBe(await memory.putIfAbsent(o.key, bytes(o.value)));
          }
        }
        for (const prefix of prefixes) {
          expect(await keysOf(local, prefix)).toEqual(await keysOf(memory, prefix));
          if (prefix === '' || prefix.endsWith('/')) {
            const [l, m] = [await local.listDirectory(prefix), await memory.listDirectory(prefix)];
            expect(l.prefixes).toEqual(m.prefixes);
            expect(l.objects.map((o) => [o.key, o.size])).toEqual(m.objects.map((o) => [o.key, o.size]));
          }
        }
        for await (const meta of memory.list('')) expect(await local.get(meta.key)).toEqual(await memory.get(meta.key));
      }),
      { numRuns: 40 },
    );
  });
});

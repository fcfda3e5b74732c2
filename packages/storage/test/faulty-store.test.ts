// FaultyStore injects failures before or after calls reach the wrapped store.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { FaultyStore, MemoryStore, StoreError, type StoreOperation } from '../src/index.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const memory = (): MemoryStore => new MemoryStore(`faulty-${randomUUID()}`);

describe('FaultyStore', () => {
  it('passes every call through when no rule is set', async () => {
    const inner = memory();
    const store = new FaultyStore(inner);
    await store.put('a', bytes('1'));
    expect(await store.putIfAbsent('a', bytes('2'))).toBe(false);
    expect(await store.get('a')).toEqual(bytes('1'));
    expect(store.uri).toBe(inner.uri);
    expect(store.requests).toBe(inner.requests);
    expect(await store.conditionalPutEnforced()).toBe(true);
    expect(store.injected).toBe(0);
  });

  it('fails the n-th call of an operation before it reaches the store', async () => {
    const inner = memory();
    const store = new FaultyStore(inner, { failOn: (op, _key, n) => op === 'put' && n === 2 });
    await store.put('one', bytes('1'));
    const error = await store.put('two', bytes('2')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/Injected fault: put of "two".*call 2/);
    await store.put('three', bytes('3'));
    expect(await inner.head('two')).toBeUndefined();
    expect(await inner.head('three')).toBeDefined();
    expect(store.injected).toBe(1);
  });

  it("fails after the call took effect, like a write whose response was lost", async () => {
    const inner = memory();
    const store = new FaultyStore(inner, { failOn: (op) => op === 'putIfAbsent', when: 'after' });
    await expect(store.putIfAbsent('.hoodie/1.commit', bytes('x'))).rejects.toBeInstanceOf(StoreError);
    expect(await inner.get('.hoodie/1.commit')).toEqual(bytes('x'));
  });

  it('throws the error the rule supplies', async () => {
    class Crash extends Error {}
    const store = new FaultyStore(memory(), { failOn: (_op, key) => key.endsWith('.parquet'), error: (op, key) => new Crash(`${op} ${key}`) });
    await store.put('a.json', bytes('{}'));
    await expect(store.put('p/a.parquet', bytes('PAR1'))).rejects.toThrow(Crash);
    await expect(store.get('p/a.parquet')).rejects.toThrow('get p/a.parquet');
  });

  it('fails listings, and deleteMany when any of its keys matches', async () => {
    const inner = memory();
    const seen: Array<[StoreOperation, string, number]> = [];
    const store = new FaultyStore(inner, {
      failOn: (op, key, n) => {
        seen.push([op, key, n]);
        return (op === 'list' && key === 'broken/') || (op === 'deleteMany' && key === 'b') || op === 'listDirectory';
      },
    });
    await store.put('a', bytes('1'));
    await store.put('b', bytes('2'));
    const keys: string[] = [];
    for await (const meta of store.list('')) keys.push(meta.key);
    expect(keys).toEqual(['a', 'b']);
    await expect(
      (async () => {
        for await (const _ of store.list('broken/')) void _;
      })(),
    ).rejects.toBeInstanceOf(StoreError);
    await expect(store.listDirectory('')).rejects.toBeInstanceOf(StoreError);
    await expect(store.deleteMany(['a', 'b'])).rejects.toThrow(/deleteMany of "b"/);
    expect(await inner.head('a')).toBeDefined();
    expect(seen.filter(([op]) => op === 'list').map(([, , n]) => n)).toEqual([1, 2]);
  });

  it('can be switched off by clearing the rule', async () => {
    const store = new FaultyStore(memory(), { failOn: () => true });
    await expect(store.head('x')).rejects.toBeInstanceOf(StoreError);
    store.rule = undefined;
    expect(await store.head('x')).toBeUndefined();
  });
});

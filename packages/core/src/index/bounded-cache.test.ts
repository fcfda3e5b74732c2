import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { BoundedCache } from './bounded-cache.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('BoundedCache', () => {
  it('holds at most its byte bound, evicting the least recently used first', async () => {
    const loads: string[] = [];
    const cache = new BoundedCache<number>(10, (v) => v);
    const load = (key: string, size: number) => cache.get(key, async () => (loads.push(key), size));
    await load('a', 4);
    await load('b', 4);
    await settle();
    await load('a', 4); // a is now the most recent
    await load('c', 4); // 12 bytes: b goes
    await settle();
    expect(cache.heldBytes).toBe(8);
    await load('a', 4);
    await load('b', 4);
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('takes values known without loading them, replacing what it held for the key', async () => {
    const cache = new BoundedCache<number>(10, (v) => v);
    await cache.get('a', async () => 3);
    cache.put('a', 4);
    await settle();
    expect(cache.heldBytes).toBe(4);
    expect(await cache.get('a', () => Promise.reject(new Error('loaded again')))).toBe(4);
  });

  it('drops an entry on request: its bytes no longer count and the next get loads again', async () => {
    const cache = new BoundedCache<number>(10, (v) => v);
    await cache.get('a', async () => 3);
    await cache.get('b', async () => 4);
    await settle();
    cache.delete('a');
    cache.delete('never-held');
    expect(cache.heldBytes).toBe(4);
    expect(await cache.get('a', async () => 5)).toBe(5);
    await settle();
    expect(cache.heldBytes).toBe(9);
  });

  it('does not keep a failed load', async () => {
    const cache = new BoundedCache<number>(10, (v) => v);
    await expect(cache.get('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await settle();
    expect(await cache.get('x', async () => 1)).toBe(1);
  });

  it('never holds more than its bound over any sequence of loads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 40 })), { maxLength: 60 }), async (ops) => {
        const cache = new BoundedCache<number>(50, (v) => v);
        for (const [key, size] of ops) {
          await cache.get(String(key), async () => size);
          await settle();
          // A value larger than the bound is returned but not kept.
          expect(cache.heldBytes).toBeLessThanOrEqual(50);
        }
      }),
    );
  });

  it('evicts down to a lowered bound at once, least recently used first, and keeps nothing at 0', async () => {
    const cache = new BoundedCache<number>(20, (v) => v);
    for (const [key, size] of [['a', 5], ['b', 6], ['c', 7]] as const) await cache.get(key, async () => size);
    await settle();
    await cache.get('a', () => Promise.reject(new Error('cached')));
    expect(cache.heldBytes).toBe(18);
    cache.resize(12); // b (least recent) goes: c + a = 12
    expect(cache.heldBytes).toBe(12);
    expect(cache.limit).toBe(12);
    expect(await cache.get('c', () => Promise.reject(new Error('cached')))).toBe(7);
    cache.resize(0);
    expect(cache.heldBytes).toBe(0);
    expect(await cache.get('d', async () => 1)).toBe(1);
    await settle();
    expect(cache.heldBytes).toBe(0);
  });
});

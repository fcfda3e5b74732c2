import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatencyStore, listObjectKeys, LocalStore, MemoryStore, mapLimit } from '../src/index.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('LatencyStore', () => {
  it('counts a chain of dependent requests as one round trip each', async () => {
    const store = new LatencyStore(new MemoryStore(), { latencyMs: 1 });
    await store.put('a', bytes('1'));
    await store.put('b', bytes('2'));
    await store.get('a');
    expect(store.mark()).toEqual({ requests: 3, roundTrips: 3, maxInFlight: 1 });
  });

  it('counts requests in flight together as one round trip', async () => {
    const store = new LatencyStore(new MemoryStore(), { latencyMs: 1 });
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((k) => store.put(k, bytes(k))));
    await mapLimit(keys, 5, (k) => store.get(k));
    const report = store.mark();
    expect(report.requests).toBe(20);
    // One wave of puts, then two waves of five gets (each get starts after a get of its worker).
    expect(report.roundTrips).toBeGreaterThanOrEqual(3);
    expect(report.roundTrips).toBeLessThanOrEqual(11);
    expect(report.maxInFlight).toBe(10);
    expect(store.mark()).toEqual({ requests: 0, roundTrips: 0, maxInFlight: 0 });
  });

  it('counts one round trip per listing page', async () => {
    const inner = new MemoryStore();
    await Promise.all(Array.from({ length: 2500 }, (_, i) => inner.put(`p/${String(i).padStart(5, '0')}`, bytes('x'))));
    const store = new LatencyStore(inner, { latencyMs: 15 });
    let n = 0;
    for await (const _ of store.list('p/')) n++;
    expect(n).toBe(2500);
    expect(store.mark()).toMatchObject({ requests: 3, roundTrips: 3 });
    expect(store.requests.PUT).toBe(2500);
  });

  it("lists keys through the inner store's key-only listing, as one request, when it has one", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lake-latency-keys-'));
    try {
      const local = new LocalStore(dir);
      await local.put('p/a', bytes('1'));
      await local.put('p/b', bytes('2'));
      const store = new LatencyStore(local, { latencyMs: 1 });
      expect(store.listKeys).toBeDefined();
      expect(await listObjectKeys(store, 'p/')).toEqual(['p/a', 'p/b']);
      expect(store.mark()).toEqual({ requests: 1, roundTrips: 1, maxInFlight: 1 });
      // a store without one is listed through listDirectory, as before
      const memory = new LatencyStore(new MemoryStore(), { latencyMs: 1 });
      expect(memory.listKeys).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

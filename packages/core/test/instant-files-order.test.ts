// The order in which a write creates its instant's files: the heartbeat before any timeline file
// (a pending instant without one looks dead), and a replace commit's requested file before its
// inflight one (Hudi reads a pending replace commit through its requested file).

import { describe, expect, it } from 'vitest';
import { MemoryStore, type ObjectStore } from '@lake/storage';
import { createTable, openTable } from '@lake/core';

/** `inner`, logging when each PUT of a key under `.hoodie/` starts and ends. */
function logged(inner: MemoryStore, events: string[]): ObjectStore {
  const track = async <T>(key: string, call: () => Promise<T>): Promise<T> => {
    events.push(`start ${key}`);
    try {
      return await call();
    } finally {
      events.push(`end ${key}`);
    }
  };
  return {
    get uri() {
      return inner.uri;
    },
    get requests() {
      return inner.requests;
    },
    get: (k, r) => inner.get(k, r),
    head: (k) => inner.head(k),
    put: (k, d) => track(k, () => inner.put(k, d)),
    putIfAbsent: (k, d) => track(k, () => inner.putIfAbsent(k, d)),
    conditionalPutEnforced: () => inner.conditionalPutEnforced(),
    list: (p) => inner.list(p),
    listDirectory: (p) => inner.listDirectory(p),
    delete: (k) => inner.delete(k),
    deleteMany: (ks) => inner.deleteMany(ks),
  };
}

const at = (events: string[], event: RegExp) => events.findIndex((e) => event.test(e));

describe('instant files', () => {
  for (const [name, write] of [
    ['upsert', (t: Awaited<ReturnType<typeof openTable>>) => t.upsert([{ id: 'b', dt: 'd', ts: 2 }])],
    ['insert overwrite', (t: Awaited<ReturnType<typeof openTable>>) => t.insertOverwrite([{ id: 'b', dt: 'd', ts: 2 }])],
  ] as const) {
    it(`${name}: the heartbeat is in place before any timeline file, requested before inflight where Hudi needs it`, async () => {
      const store = new MemoryStore(`instant-order-${Math.random()}`);
      await createTable(store, { name: 't', recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts' }).then((t) => t.upsert([{ id: 'a', dt: 'd', ts: 1 }]));
      const events: string[] = [];
      await write(await openTable(logged(store, events)));
      const heartbeat = at(events, /^end \.hoodie\/\.heartbeat\//);
      const requested = at(events, /^start \.hoodie\/\d+\.(commit|replacecommit)\.requested$/);
      const inflight = at(events, /^start \.hoodie\/\d+\.(replacecommit\.)?inflight$/);
      expect(heartbeat).toBeGreaterThanOrEqual(0);
      expect(heartbeat).toBeLessThan(requested);
      expect(heartbeat).toBeLessThan(inflight);
      if (name === 'insert overwrite') expect(at(events, /^end \.hoodie\/\d+\.replacecommit\.requested$/)).toBeLessThan(inflight);
    });
  }
});

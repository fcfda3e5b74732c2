// A store that records every request with its depth in the request chain (counted as
// LatencyStore counts round trips), so a test or a probe can print which requests of an operation
// lie one after another and which run together.

import type { ObjectMeta, ObjectStore } from '@lake/storage';

export interface TracedRequest {
  depth: number;
  method: string;
  key: string;
}

export interface RequestTrace {
  store: ObjectStore;
  /** Requests since the last `reset()`. */
  requests: TracedRequest[];
  reset(): void;
  /** One line per depth: the requests that started at it. */
  format(): string;
}

/**
 * `uri` renames the store: caches keyed by store URI (commit metadata, footers, key columns) then
 * start empty, as in a new process.
 */
export function traceRequests(inner: ObjectStore, uri = inner.uri): RequestTrace {
  let deepestFinished = 0;
  const requests: TracedRequest[] = [];
  async function timed<T>(method: string, key: string, call: () => Promise<T>): Promise<T> {
    const depth = deepestFinished + 1;
    requests.push({ depth, method, key });
    try {
      return await call();
    } finally {
      deepestFinished = Math.max(deepestFinished, depth);
    }
  }
  const store: ObjectStore = {
    get uri() {
      return uri;
    },
    get requests() {
      return inner.requests;
    },
    get: (key, range) => timed('get', key, () => inner.get(key, range)),
    head: (key) => timed('head', key, () => inner.head(key)),
    put: (key, data) => timed('put', key, () => inner.put(key, data)),
    putIfAbsent: (key, data) => timed('putIfAbsent', key, () => inner.putIfAbsent(key, data)),
    conditionalPutEnforced: () => inner.conditionalPutEnforced(),
    async *list(prefix): AsyncIterable<ObjectMeta> {
      const all = await timed('list', prefix, async () => {
        const out: ObjectMeta[] = [];
        for await (const m of inner.list(prefix)) out.push(m);
        return out;
      });
      yield* all;
    },
    listDirectory: (prefix) => timed('listDirectory', prefix, () => inner.listDirectory(prefix)),
    delete: (key) => timed('delete', key, () => inner.delete(key)),
    deleteMany: (keys) => (keys.length === 0 ? inner.deleteMany(keys) : timed('deleteMany', `${keys.length} keys: ${keys[0]}`, () => inner.deleteMany(keys))),
  };
  return {
    store,
    requests,
    reset() {
      requests.length = 0;
      deepestFinished = 0;
    },
    format() {
      const byDepth = new Map<number, string[]>();
      for (const r of requests) byDepth.set(r.depth, [...(byDepth.get(r.depth) ?? []), `${r.method} ${r.key}`]);
      return [...byDepth.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([d, rs]) => `${String(d).padStart(3)}: ${rs.join(' | ')}`)
        .join('\n');
    },
  };
}

// A store that answers reads its own way and hands everything else to the store it wraps: the
// shape of the per-write read caches of base files (written-base-files.ts, small-base-files.ts).

import type { ByteRange, ObjectStore } from '@lake/storage';

/** `inner` with `get` replaced. */
export function storeWithGet(inner: ObjectStore, get: (key: string, range?: ByteRange) => Promise<Uint8Array>): ObjectStore {
  const store: ObjectStore = {
    get uri() {
      return inner.uri;
    },
    get requests() {
      return inner.requests;
    },
    get,
    head: (key) => inner.head(key),
    put: (key, data) => inner.put(key, data),
    putIfAbsent: (key, data) => inner.putIfAbsent(key, data),
    conditionalPutEnforced: () => inner.conditionalPutEnforced(),
    list: (prefix) => inner.list(prefix),
    listDirectory: (prefix) => inner.listDirectory(prefix),
    delete: (key) => inner.delete(key),
    deleteMany: (keys) => inner.deleteMany(keys),
  };
  if (inner.removeAbandonedWrites) store.removeAbandonedWrites = (olderThan) => inner.removeAbandonedWrites!(olderThan);
  return store;
}

// A store that lets a test stop one process's requests at a chosen point: every request first
// awaits `before(method, key)`, so a test can hold a writer just before its commit and let a
// rollback run in between, reproducing races deterministically.

import type { ObjectMeta, ObjectStore } from '@lake/storage';

export type StoreMethod = 'get' | 'head' | 'put' | 'putIfAbsent' | 'list' | 'listDirectory' | 'delete' | 'deleteMany';

export function gatedStore(inner: ObjectStore, before: (method: StoreMethod, key: string) => Promise<void> | void): ObjectStore {
  return {
    get uri() {
      return inner.uri;
    },
    get requests() {
      return inner.requests;
    },
    async get(key, range) {
      await before('get', key);
      return inner.get(key, range);
    },
    async head(key) {
      await before('head', key);
      return inner.head(key);
    },
    async put(key, data) {
      await before('put', key);
      return inner.put(key, data);
    },
    async putIfAbsent(key, data) {
      await before('putIfAbsent', key);
      return inner.putIfAbsent(key, data);
    },
    conditionalPutEnforced: () => inner.conditionalPutEnforced(),
    async *list(prefix): AsyncIterable<ObjectMeta> {
      await before('list', prefix);
      yield* inner.list(prefix);
    },
    async listDirectory(prefix) {
      await before('listDirectory', prefix);
      return inner.listDirectory(prefix);
    },
    async delete(key) {
      await before('delete', key);
      return inner.delete(key);
    },
    async deleteMany(keys) {
      await before('deleteMany', keys[0] ?? '');
      return inner.deleteMany(keys);
    },
  };
}

/** A promise with its resolve function, for handing control between a test and a gated store. */
export function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A store over `store` that holds the first request matching `point`; `reached` gives the instant in its key. */
export function holdAt(store: ObjectStore, point: (method: StoreMethod, key: string) => boolean): { gated: ObjectStore; reached: Promise<string>; resume: () => void } {
  const resume = latch();
  let reachedAt!: (instant: string) => void;
  const reached = new Promise<string>((r) => (reachedAt = r));
  let held = false;
  const gated = gatedStore(store, async (m, key) => {
    if (held || !point(m, key)) return;
    held = true;
    reachedAt(/(\d{17})/.exec(key)?.[1] ?? '');
    await resume.promise;
  });
  return { gated, reached, resume: () => resume.open() };
}

// A store wrapper that counts what one scan reads, so scan statistics report the bytes and
// requests of that scan alone, even when other work shares the underlying store.

import type { ByteRange, DirectoryListing, ObjectMeta, ObjectStore, RequestCounts } from '@lake/storage';

export interface ReadCounter {
  bytesRead: number;
  requests: number;
}

export function countingStore(store: ObjectStore, counter: ReadCounter): ObjectStore {
  return {
    get uri(): string {
      return store.uri;
    },
    get requests(): RequestCounts {
      return store.requests;
    },
    async get(key: string, range?: ByteRange): Promise<Uint8Array> {
      counter.requests++;
      const bytes = await store.get(key, range);
      counter.bytesRead += bytes.length;
      return bytes;
    },
    head(key: string): Promise<ObjectMeta | undefined> {
      counter.requests++;
      return store.head(key);
    },
    listDirectory(prefix: string): Promise<DirectoryListing> {
      counter.requests++;
      return store.listDirectory(prefix);
    },
    list: (prefix: string) => store.list(prefix),
    put: (key, data) => store.put(key, data),
    putIfAbsent: (key, data) => store.putIfAbsent(key, data),
    conditionalPutEnforced: () => store.conditionalPutEnforced(),
    delete: (key) => store.delete(key),
    deleteMany: (keys) => store.deleteMany(keys),
  };
}

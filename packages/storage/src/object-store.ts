// The ObjectStore interface: every byte lake reads or writes goes through one of these.
// Keys are '/'-separated paths relative to the store's root (a table's base path); no leading '/'.

import { InvalidRangeError } from './errors.js';

export interface ObjectMeta {
  /** Key relative to the store root. */
  key: string;
  size: number;
  lastModified?: Date;
}

export interface ByteRange {
  offset: number;
  /** Number of bytes; omitted means to the end of the object. */
  length?: number;
}

export interface DirectoryListing {
  /** Objects directly under the prefix (not in sub-folders). */
  objects: ObjectMeta[];
  /** Immediate sub-folders, as key prefixes ending in '/'. */
  prefixes: string[];
}

export type RequestKind = 'GET' | 'PUT' | 'LIST' | 'HEAD' | 'DELETE';

export type RequestCounts = Record<RequestKind, number> & { bytesRead: number; bytesWritten: number };

export interface ObjectStore {
  /** The URI this store was opened at, e.g. s3://bucket/tables/impressions. */
  readonly uri: string;
  /** Requests issued so far, by kind, plus bytes moved. */
  readonly requests: RequestCounts;

  /** Reads a whole object or a range of it. Throws NotFoundError if absent. */
  get(key: string, range?: ByteRange): Promise<Uint8Array>;
  /** Size and modification time, or undefined if the object does not exist. */
  head(key: string): Promise<ObjectMeta | undefined>;
  /** Writes an object atomically: readers see the old object, or the whole new one. */
  put(key: string, data: Uint8Array): Promise<void>;
  /**
   * Creates the object only if no object exists at the key. Returns true if this call created it,
   * false if one was already there. Only atomic where `conditionalPutEnforced()` resolves true.
   */
  putIfAbsent(key: string, data: Uint8Array): Promise<boolean>;
  /** Whether putIfAbsent is atomic against concurrent writers on this store (probed once). */
  conditionalPutEnforced(): Promise<boolean>;
  /** All objects whose keys start with the prefix, recursively, in lexicographic key order. */
  list(prefix: string): AsyncIterable<ObjectMeta>;
  /** One level under a folder-like prefix ('' for the root, otherwise ending in '/'). */
  listDirectory(prefix: string): Promise<DirectoryListing>;
  /**
   * The keys of the objects directly under a folder-like prefix, in key order, without sizes or
   * times (one LIST). Optional: a store whose listing costs no less without them leaves it out,
   * and `listObjectKeys` uses `listDirectory` instead.
   */
  listKeys?(prefix: string): Promise<string[]>;
  /** Deletes an object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes many objects, batching where the backend allows. */
  deleteMany(keys: string[]): Promise<void>;
  /**
   * Removes what writers killed in the middle of a write left behind, which no listing shows
   * (LocalStore: its `.lake-tmp-*` files), when last modified before `olderThan`. Returns how
   * many were removed. Stores whose writes leave nothing behind do not implement it.
   */
  removeAbandonedWrites?(olderThan: Date): Promise<number>;
}

export function emptyRequestCounts(): RequestCounts {
  return { GET: 0, PUT: 0, LIST: 0, HEAD: 0, DELETE: 0, bytesRead: 0, bytesWritten: 0 };
}

/** Joins key segments with '/', dropping empty ones. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p.length > 0)
    .join('/');
}

/** Rejects ranges no backend can serve, so every backend fails the same way on bad input. */
export function checkRange(range: ByteRange | undefined): void {
  if (range === undefined) return;
  const okOffset = Number.isSafeInteger(range.offset) && range.offset >= 0;
  const okLength = range.length === undefined || (Number.isSafeInteger(range.length) && range.length >= 0);
  if (!okOffset || !okLength) throw new InvalidRangeError(range.offset, range.length);
}

/** The keys directly under a folder-like prefix: `store.listKeys` where it has one, else from `listDirectory`. */
export async function listObjectKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  if (store.listKeys) return store.listKeys(prefix);
  return (await store.listDirectory(prefix)).objects.map((o) => o.key);
}

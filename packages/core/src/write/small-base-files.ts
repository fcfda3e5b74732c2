// A write that touches a small base file reads it several times: the index reads its footer and
// then its key column, a copy-on-write merge then reads its rows. Each is a round trip on an object
// store, one after another; a small file read whole in one GET serves all of them from memory.

import type { ByteRange, ObjectStore } from '@lake/storage';
import { storeWithGet } from '../file-group/store-with-get.js';

/** Base files up to this size are read whole by their first ranged read. */
export const WHOLE_READ_MAX_BYTES = 1024 * 1024;

/**
 * `inner` for the length of one write: the first ranged GET of a key `sizeOf` knows as a base file
 * of at most WHOLE_READ_MAX_BYTES fetches the whole object, and every ranged GET of it is served
 * from those bytes. Every other request goes to `inner` as is.
 */
export function readSmallBaseFilesWhole(inner: ObjectStore, sizeOf: (key: string) => number | undefined): ObjectStore {
  const whole = new Map<string, Promise<Uint8Array>>();
  const get = async (key: string, range?: ByteRange): Promise<Uint8Array> => {
    const size = range ? sizeOf(key) : undefined;
    if (!range || size === undefined || size > WHOLE_READ_MAX_BYTES) return inner.get(key, range);
    let read = whole.get(key);
    if (!read) {
      read = inner.get(key);
      whole.set(key, read);
      read.catch(() => whole.delete(key));
    }
    const bytes = await read;
    // Replaced under the same name (never by lake, whose base files are immutable): read as asked.
    if (bytes.byteLength !== size) return inner.get(key, range);
    return bytes.subarray(range.offset, range.length === undefined ? undefined : range.offset + range.length);
  };
  return storeWithGet(inner, get);
}

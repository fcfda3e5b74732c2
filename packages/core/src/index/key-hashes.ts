// Java `String.hashCode()` of every record key of a write, computed once: the bucket index routes
// by it (a one-field key's bucket is a function of it) and the in-batch de-duplication finds
// repeated keys by it, so neither hashes the keys again nor builds a string per row.

import { javaStringHashCode } from './bucket-hash.js';

/** `javaStringHashCode` of each key, in order. */
export function javaStringHashCodes(keys: readonly string[]): Int32Array {
  const out = new Int32Array(keys.length);
  for (let k = 0; k < keys.length; k++) out[k] = javaStringHashCode(keys[k]);
  return out;
}

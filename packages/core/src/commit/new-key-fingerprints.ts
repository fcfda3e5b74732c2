// Fingerprints of the keys a commit inserts as new records (keys its index lookup did not find).
// Two writers that both insert one new key cannot see each other's files, so both route it to a
// file group of their own and file-group conflict checks pass: the table would hold the key
// twice. Each commit claim carries its new keys' fingerprints; a writer whose new keys meet a
// concurrent claim's fingerprints conflicts with it. A fingerprint is 64 bits of two murmur
// hashes of `partition \0 key`; a collision of different keys only costs a retry.

import { encodeBase64, decodeBase64 } from '@lake/parquet';
import { murmurHash } from '../index/murmur-hash.js';

const encoder = new TextEncoder();

function fingerprint(partition: string, key: string): bigint {
  const bytes = encoder.encode(`${partition}\u0000${key}`);
  const high = BigInt(murmurHash(bytes, 0x5bd1e995) >>> 0);
  const low = BigInt(murmurHash(bytes, 0x1b873593) >>> 0);
  return (high << 32n) | low;
}

/** The sorted, de-duplicated fingerprints of (partition, key) pairs, as base64 of 8-byte values. */
export function encodeNewKeys(partitions: readonly string[], keys: readonly string[], rows: Iterable<number>): string {
  const prints = new BigUint64Array([...new Set([...rows].map((i) => fingerprint(partitions[i], keys[i])))]).sort();
  return encodeBase64(new Uint8Array(prints.buffer, prints.byteOffset, prints.byteLength));
}

/** Decoded fingerprints; undefined when `text` is not what encodeNewKeys writes. */
export function decodeNewKeys(text: string): BigUint64Array | undefined {
  const bytes = decodeBase64(text);
  if (!bytes || bytes.length % 8 !== 0) return undefined;
  const copy = new Uint8Array(bytes);
  return new BigUint64Array(copy.buffer, 0, copy.length / 8);
}

/** How many fingerprints two sorted arrays share. */
export function sharedFingerprints(a: BigUint64Array, b: BigUint64Array): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return shared;
}

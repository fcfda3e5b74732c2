// In-batch de-duplication by (partition, record key) without a string per row: rows are found
// again through their keys' precomputed hashes in an open-addressing table of row numbers, and
// only rows whose hashes meet are compared as strings.

import { javaStringHashCode } from '../index/bucket-hash.js';
import { compareOrdering } from '../read/merge.js';
import type { OrderingValue } from './ordering.js';

/** Murmur3's 32-bit finaliser: spreads a Java string hash over the low bits the table uses. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Indices of the rows that survive de-duplication by (partition, key): for each pair the row with
 * the greatest ordering value, the later row on ties (last write wins). Survivors keep their
 * input order. `keyHashes[i]` is any hash of `keys[i]` that equal keys share (Java's hashCode).
 */
export function dedupeRows(
  keys: readonly string[],
  partitions: readonly string[],
  keyHashes: Int32Array,
  ordering?: (row: number) => OrderingValue,
): Int32Array {
  const n = keys.length;
  let size = 16;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  // Slot -> winning row + 1 (0: empty).
  const slots = new Int32Array(size);
  let lastPartition: string | undefined;
  let partitionHash = 0;
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    const p = partitions[i];
    // Rows of one partition usually share one string: its hash is computed once per run.
    if (p !== lastPartition) {
      lastPartition = p;
      partitionHash = javaStringHashCode(p);
    }
    let slot = mix((Math.imul(partitionHash, 31) + keyHashes[i]) | 0) & mask;
    for (;;) {
      const held = slots[slot];
      if (held === 0) {
        slots[slot] = i + 1;
        break;
      }
      const j = held - 1;
      if (keyHashes[j] === keyHashes[i] && keys[j] === keys[i] && partitions[j] === p) {
        duplicates++;
        if (!ordering || compareOrdering(ordering(i), ordering(j)) >= 0) slots[slot] = i + 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  if (duplicates === 0) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const out = new Int32Array(n - duplicates);
  let k = 0;
  for (let s = 0; s < size; s++) if (slots[s] !== 0) out[k++] = slots[s] - 1;
  return out.sort();
}

// Comparable values of an ordering (precombine) column: the field that decides which of two
// versions of a record wins. Timestamps compare on their raw epoch values, so microseconds count.

import { Type, type Vector } from 'apache-arrow';

import { compareOrdering } from '../read/merge.js';

export type OrderingValue = number | bigint | string | boolean | null;

/** Reads row `i` of an ordering column as a value `compareOrdering` understands. */
export function orderingReader(vector: Vector | null | undefined): (row: number) => OrderingValue {
  if (!vector) return () => null;
  const chunks = vector.data;
  const typeId = vector.type.typeId;
  const raw = typeId === Type.Timestamp || typeId === Type.Date || typeId === Type.Time;
  const starts: number[] = [];
  let total = 0;
  for (const chunk of chunks) {
    starts.push(total);
    total += chunk.length;
  }
  return (row) => {
    let k = chunks.length - 1;
    while (k > 0 && starts[k] > row) k--;
    const chunk = chunks[k];
    const index = row - starts[k];
    if (!chunk.getValid(index)) return null;
    if (raw) return (chunk.values as ArrayLike<number | bigint>)[index];
    const value = vector.get(row) as unknown;
    if (value instanceof Uint32Array) return decimalWords(value);
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || typeof value === 'boolean') {
      return value;
    }
    return value === null || value === undefined ? null : String(value);
  };
}

function decimalWords(words: Uint32Array): bigint {
  let result = 0n;
  for (let i = words.length - 1; i >= 0; i--) result = (result << 32n) | BigInt(words[i]);
  if (words[words.length - 1] & 0x80000000) result -= 1n << BigInt(words.length * 32);
  return result;
}

/**
 * Indices of the rows that survive de-duplication by key: for each key the row with the greatest
 * ordering value, the later row on ties (last write wins). Survivors keep their input order.
 */
export function dedupeByKey(keys: readonly string[], ordering?: (row: number) => OrderingValue): Int32Array {
  const winner = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    const previous = winner.get(keys[i]);
    if (previous === undefined || !ordering || compareOrdering(ordering(i), ordering(previous)) >= 0) {
      winner.set(keys[i], i);
    }
  }
  const out = Int32Array.from(winner.values());
  return out.sort();
}

// Comparable values of an ordering (precombine) column: the field that decides which of two
// versions of a record wins. Timestamps compare on their raw epoch values, so microseconds count.

import { DataType, Precision, Type, type Vector } from 'apache-arrow';

import { signedWords, valueAt } from '../arrow/value-at.js';
import { compareOrdering } from '../read/merge.js';

export type OrderingValue = number | bigint | string | boolean | null;

/** Reads row `i` of an ordering column as a value `compareOrdering` understands. */
export function orderingReader(vector: Vector | null | undefined): (row: number) => OrderingValue {
  if (!vector) return () => null;
  const chunks = vector.data;
  const type = vector.type as DataType;
  const typeId = type.typeId;
  const raw = typeId === Type.Timestamp || typeId === Type.Date || typeId === Type.Time;
  // Scalars come straight from the chunk's buffers (the shared reader); other types keep
  // arrow-js' own accessor (half floats as numbers, decimals of any width).
  const direct =
    DIRECT.has(typeId) && !(DataType.isFloat(type) && type.precision === Precision.HALF) && !(DataType.isDecimal(type) && type.bitWidth !== 128);
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
    const value = direct ? valueAt(chunk, index) : (vector.get(row) as unknown);
    if (value instanceof Uint32Array) return signedWords(value);
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || typeof value === 'boolean') {
      return value;
    }
    return value === null || value === undefined ? null : String(value);
  };
}

const DIRECT: ReadonlySet<Type> = new Set([Type.Int, Type.Float, Type.Decimal, Type.Utf8, Type.LargeUtf8, Type.Bool]);

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

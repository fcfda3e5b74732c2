// The strings of Utf8 columns, decoded one at a time as they are iterated: for a consumer that
// needs every value once (a key filter built from a file's keys) without an array of them all.

import type { Data, Utf8 } from 'apache-arrow';

const decoder = new TextDecoder();

/** The non-null values of `columns`, in order. */
export function* utf8Values(columns: Iterable<Data<Utf8>>): Generator<string> {
  for (const column of columns) {
    const offsets = column.valueOffsets;
    const values = column.values;
    const nulls = column.nullCount > 0;
    for (let r = 0; r < column.length; r++) {
      if (nulls && !column.getValid(r)) continue;
      yield decoder.decode(values.subarray(offsets[r], offsets[r + 1]));
    }
  }
}

// Which columns of a table to write without a dictionary: those whose values are mostly distinct.
// The encoder builds a dictionary of every column until it outgrows its page limit (1 MiB), so a
// column of ids, timestamps or random text is hashed value by value into a dictionary that saves
// nothing, while a column of a few countries shrinks several times with one. A sample of rows
// tells the two apart for a fraction of the encoding's cost; the values written are the same.

import { DataType, Type, type Data, type Table } from 'apache-arrow';

export interface DistinctColumnOptions {
  /** Rows looked at per column, spread evenly over the table (default 1024). */
  sampleRows?: number;
  /** Share of distinct values among the sampled non-null ones above which a column counts (default 0.5). */
  distinctShare?: number;
}

/** FNV-1a of a byte range: equal values hash alike, which is all a distinct count needs. */
function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h;
}

/** The sampled value of row `i` of a chunk as something a Set compares by value, or undefined. */
function sampler(data: Data): ((i: number) => number | bigint) | undefined {
  const type = data.type as DataType;
  switch (type.typeId) {
    case Type.Utf8:
    case Type.Binary: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      return (i) => hashBytes(bytes, offsets[i], offsets[i + 1]);
    }
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time:
    case Type.Decimal: {
      const values = data.values as ArrayLike<number | bigint>;
      const stride = data.stride;
      if (stride === 1) return (i) => values[i];
      // Several words per value (decimals, 64-bit values held as pairs): hash the words.
      return (i) => {
        let h = 0x811c9dc5;
        for (let k = 0; k < stride; k++) h = Math.imul(h ^ Number(values[i * stride + k]), 0x01000193);
        return h;
      };
    }
    default:
      return undefined;
  }
}

/**
 * Top-level columns whose sampled values are mostly distinct (see the options), for
 * `WriteOptions.withoutDictionary`. Booleans and nested columns are never named; nor is any
 * column of a table too small for a dictionary to cost much.
 */
export function mostlyDistinctColumns(table: Table, options: DistinctColumnOptions = {}): string[] {
  const sampleRows = options.sampleRows ?? 1024;
  const share = options.distinctShare ?? 0.5;
  const rows = table.numRows;
  if (rows < 64) return [];
  const take = Math.min(sampleRows, rows);
  const out: string[] = [];
  for (const field of table.schema.fields) {
    const chunks = table.getChild(field.name)?.data ?? [];
    const readers = chunks.map(sampler);
    if (readers.some((r) => r === undefined)) continue;
    const seen = new Set<number | bigint>();
    let sampled = 0;
    let chunk = 0;
    let start = 0;
    for (let k = 0; k < take; k++) {
      const row = Math.floor((k * rows) / take);
      while (row >= start + chunks[chunk].length) start += chunks[chunk++].length;
      const i = row - start;
      if (!chunks[chunk].getValid(i)) continue;
      sampled++;
      seen.add(readers[chunk]!(i));
    }
    if (sampled > 0 && seen.size > share * sampled) out.push(field.name);
  }
  return out;
}

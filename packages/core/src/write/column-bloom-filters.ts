// Which columns get a Parquet split-block bloom filter in the files a write produces (base files
// and Parquet log blocks, from writes, compaction, clustering and erasure rewrites alike). The
// table properties use parquet-mr's names, the ones Spark and Hudi's Spark writer pass through to
// Parquet: `parquet.bloom.filter.enabled#<column>`, `parquet.bloom.filter.expected.ndv#<column>`,
// `parquet.bloom.filter.fpp#<column>`.

import type { BloomFilterColumn } from '@lake/parquet';
import { InvalidTableConfigError } from '../errors.js';

export const BLOOM_FILTER_ENABLED_PREFIX = 'parquet.bloom.filter.enabled#';
export const BLOOM_FILTER_NDV_PREFIX = 'parquet.bloom.filter.expected.ndv#';
export const BLOOM_FILTER_FPP_PREFIX = 'parquet.bloom.filter.fpp#';

export type { BloomFilterColumn };

/** The bloom filter columns a table's properties ask for, with their sizing. */
export function tableBloomFilterColumns(properties: ReadonlyMap<string, string>): BloomFilterColumn[] {
  const out: BloomFilterColumn[] = [];
  for (const [key, value] of properties) {
    if (!key.startsWith(BLOOM_FILTER_ENABLED_PREFIX)) continue;
    const column = key.slice(BLOOM_FILTER_ENABLED_PREFIX.length);
    const enabled = value.trim().toLowerCase();
    if (enabled !== 'true' && enabled !== 'false') {
      throw new InvalidTableConfigError(`${key}=${value} must be true or false. Fix the property in hoodie.properties.`);
    }
    if (enabled === 'false' || column === '') continue;
    const spec: BloomFilterColumn = { column };
    const ndvText = properties.get(BLOOM_FILTER_NDV_PREFIX + column);
    if (ndvText !== undefined && ndvText.trim() !== '') {
      const ndv = Number(ndvText.trim());
      if (!Number.isSafeInteger(ndv) || ndv < 1) {
        throw new InvalidTableConfigError(`${BLOOM_FILTER_NDV_PREFIX}${column}=${ndvText} must be a positive whole number of distinct values. Fix the property in hoodie.properties.`);
      }
      spec.ndv = ndv;
    }
    const fppText = properties.get(BLOOM_FILTER_FPP_PREFIX + column);
    if (fppText !== undefined && fppText.trim() !== '') {
      const fpp = Number(fppText.trim());
      if (!(fpp > 0 && fpp < 1)) {
        throw new InvalidTableConfigError(`${BLOOM_FILTER_FPP_PREFIX}${column}=${fppText} must be a probability between 0 and 1 (exclusive), e.g. 0.01. Fix the property in hoodie.properties.`);
      }
      spec.fpp = fpp;
    }
    out.push(spec);
  }
  return out.sort((a, b) => (a.column < b.column ? -1 : a.column > b.column ? 1 : 0));
}

/** Table properties that turn bloom filters on for `columns` (a name, or a name with sizing). */
export function bloomFilterTableProperties(columns: readonly (string | BloomFilterColumn)[]): Record<string, string> {
  const props: Record<string, string> = {};
  for (const c of columns) {
    const spec = typeof c === 'string' ? { column: c } : c;
    if (typeof spec.column !== 'string' || spec.column.trim() === '' || spec.column.includes('#')) {
      throw new InvalidTableConfigError(`"${String(spec.column)}" is not a column name a bloom filter can be set on.`);
    }
    props[BLOOM_FILTER_ENABLED_PREFIX + spec.column] = 'true';
    if (spec.ndv !== undefined) props[BLOOM_FILTER_NDV_PREFIX + spec.column] = String(spec.ndv);
    if (spec.fpp !== undefined) props[BLOOM_FILTER_FPP_PREFIX + spec.column] = String(spec.fpp);
  }
  // validate the sizing the same way a write will read it back
  tableBloomFilterColumns(new Map(Object.entries(props)));
  return props;
}

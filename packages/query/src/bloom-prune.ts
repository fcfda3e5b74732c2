// Pruning row groups with the Parquet bloom filters of columns compared by `=` or `IN`: a value
// spread over the whole table (a user id) defeats min/max statistics, but a filter tells which
// row groups cannot hold it. Only the columns the filter compares this way are fetched, and only
// for row groups the statistics kept.

import { bloomProbe, loadColumnBloomFilters, type ByteSource, type ColumnBloomFilters, type ParquetFileMetadata } from '@lake/parquet';
import type { Bound } from './bind.js';

/** Columns compared by `=` or non-negated `IN` anywhere under and/or. */
function equalityColumns(bound: Bound, out: Set<string>): Set<string> {
  if (bound.type === 'and' || bound.type === 'or') for (const c of bound.children) equalityColumns(c, out);
  else if ((bound.type === 'compare' && bound.op === '=') || (bound.type === 'in' && !bound.negated)) out.add(bound.column);
  return out;
}

type Probe = (rowGroup: number) => boolean;

/** False only when the filters prove no row of the row group satisfies `bound`. */
function mayMatch(bound: Bound, probes: Map<Bound, Probe>, rowGroup: number): boolean {
  switch (bound.type) {
    case 'and':
      return bound.children.every((c) => mayMatch(c, probes, rowGroup));
    case 'or':
      return bound.children.some((c) => mayMatch(c, probes, rowGroup));
    case 'const':
      return bound.value;
    default:
      return probes.get(bound)?.(rowGroup) ?? true;
  }
}

/** One probe per `=` / `IN` leaf whose column has filters (and whose literals are exact). */
function leafProbes(bound: Bound, filters: Map<string, ColumnBloomFilters>, out: Map<Bound, Probe>): Map<Bound, Probe> {
  if (bound.type === 'and' || bound.type === 'or') for (const c of bound.children) leafProbes(c, filters, out);
  else if (bound.type === 'compare' || bound.type === 'in') {
    const f = filters.get(bound.column);
    // a multiplier means the literal is finer than the column: equality then has no stored counterpart to hash
    if (f && bound.mul === 1n) {
      if (bound.type === 'compare' && bound.op === '=') out.set(bound, bloomProbe(f, [bound.value]));
      if (bound.type === 'in' && !bound.negated) out.set(bound, bloomProbe(f, bound.values));
    }
  }
  return out;
}

/**
 * The row groups among `candidates` that the bloom filters do not rule out, and the bytes read
 * to load the filters. Files without filters on the compared columns cost nothing.
 */
export async function bloomSelectRowGroups(
  bound: Bound,
  meta: ParquetFileMetadata,
  source: ByteSource,
  candidates: readonly number[],
  name: string,
): Promise<number[]> {
  const columns = [...equalityColumns(bound, new Set())].filter((c) => {
    const leaf = meta.columns.find((l) => l.path.length === 1 && l.name === c);
    return leaf !== undefined && candidates.some((rg) => meta.rowGroups[rg].columns[leaf.index].bloomFilter !== undefined);
  });
  if (columns.length === 0) return [...candidates];
  const filters = new Map<string, ColumnBloomFilters>();
  await Promise.all(
    columns.map(async (c) => {
      const f = await loadColumnBloomFilters(source, meta, c, name);
      if (f) filters.set(c, f);
    }),
  );
  const probes = leafProbes(bound, filters, new Map());
  if (probes.size === 0) return [...candidates];
  return candidates.filter((rg) => mayMatch(bound, probes, rg));
}

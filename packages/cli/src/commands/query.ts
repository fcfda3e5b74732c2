// `lake query`: filtered, pruned scans and aggregations from the command line, with --explain
// printing what each pruning layer skipped.

import { describeCorruptLogBlock, openTable } from '@lake/core/format';
import {
  approxCountDistinct,
  avg,
  count,
  countDistinct,
  InvalidQueryError,
  max,
  min,
  scan,
  sum,
  type AggSpec,
  type Scan,
  type ScanStats,
} from '@lake/query';
import type { CliIO } from '../io.js';
import { readOptionsFor } from '../metadata-warning.js';
import { list } from '../options.js';
import type { OutputFormat } from '../options.js';
import { printRows } from '../render/print-rows.js';

export interface QueryOptions {
  select?: string;
  where?: string;
  groupBy?: string;
  agg?: string;
  asOf?: string;
  format: OutputFormat;
  explain?: boolean;
  limit?: number;
  /** false with --no-metadata-table. */
  metadataTable?: boolean;
}

const FUNCTIONS: Record<string, (column: string) => AggSpec> = {
  count: (c) => count(c),
  sum,
  avg,
  min,
  max,
  count_distinct: countDistinct,
  approx_count_distinct: approxCountDistinct,
};

/** `count(*),sum(cost) as spend,count_distinct(user_id)` -> named aggregate specs. */
export function parseAggregates(text: string): Record<string, AggSpec> {
  const out: Record<string, AggSpec> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const m = /^([A-Za-z_]+)\s*\(\s*(\*|[A-Za-z_][\w.$]*)?\s*\)(?:\s+as\s+([A-Za-z_]\w*))?$/i.exec(part);
    if (!m) throw new InvalidQueryError(`Cannot read aggregate "${part}": write function(column), e.g. sum(cost), count(*), count_distinct(user_id), optionally followed by "as name".`);
    const fn = m[1].toLowerCase();
    const column = m[2];
    let spec: AggSpec;
    if (fn === 'count' && (column === undefined || column === '*')) spec = count();
    else {
      const make = FUNCTIONS[fn];
      if (!make) throw new InvalidQueryError(`Unknown aggregate function "${m[1]}"; use one of ${Object.keys(FUNCTIONS).join(', ')}.`);
      if (column === undefined || column === '*') throw new InvalidQueryError(`${m[1]}() needs a column, e.g. ${fn}(cost).`);
      spec = make(column);
    }
    const name = m[3] ?? (column === undefined || column === '*' ? fn : `${fn}_${column}`);
    if (out[name]) throw new InvalidQueryError(`Two aggregates are named "${name}"; rename one with "as".`);
    out[name] = spec;
  }
  if (Object.keys(out).length === 0) throw new InvalidQueryError('--agg names no aggregate; e.g. --agg "count(*),sum(cost)".');
  return out;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The scan statistics as lines of text. */
export function explainLines(st: ScanStats): string[] {
  const f = st.files;
  return [
    'scan statistics:',
    `  partitions: ${st.partitions.total} total, ${st.partitions.pruned} pruned`,
    `  files:      ${f.total} total, ${f.pruned} pruned (${f.prunedByPartition} by partition, ${f.prunedByColumnStats} by the metadata table's column_stats, ${f.prunedByRecordIndex} by the metadata table's record_index, ${f.prunedByStats} by footer statistics, ${f.prunedByKey} by record key, ${f.prunedByBloomFilter} by bloom filter); ${f.withLogs} with log files`,
    `  row groups: ${st.rowGroups.total} total, ${st.rowGroups.pruned} pruned (${st.rowGroups.prunedByBloomFilter} by bloom filter)`,
    `  rows:       ${st.rows.scanned} scanned, ${st.rows.matched} matched`,
    `  bytes read: ${bytes(st.bytesRead)} in ${st.requests} requests`,
    `  listing:    ${st.listing === 'metadata-table' ? "through the table's metadata table" : "the table's folders"}`,
  ];
}

export async function queryCommand(uri: string, opts: QueryOptions, io: CliIO): Promise<void> {
  const table = await openTable(uri, readOptionsFor(opts, io));
  let s: Scan = scan(table);
  if (opts.where !== undefined) s = s.where(opts.where);
  if (opts.asOf !== undefined) s = s.asOf(opts.asOf);
  const groupBy = list(opts.groupBy);
  const print = { format: opts.format, limit: opts.limit, explicitLimit: opts.limit !== undefined };
  let stats: () => ScanStats;
  if (opts.agg !== undefined || groupBy.length > 0) {
    if (opts.select !== undefined) throw new InvalidQueryError('--select does not combine with --group-by/--agg: the output columns are the group columns and the aggregates.');
    const aggs = opts.agg !== undefined ? parseAggregates(opts.agg) : { count: count() };
    const grouped = s.groupBy(groupBy);
    const result = await grouped.agg(aggs);
    await printRows(result.batches, () => result.schema, print, io.out);
    stats = () => grouped.stats();
  } else {
    if (opts.select !== undefined) s = s.select(list(opts.select));
    const selected = s;
    await printRows(selected, () => selected.schema(), print, io.out);
    stats = () => selected.stats();
  }
  // Rows of damaged log blocks are missing from the answer: never silently.
  for (const b of stats().corruptLogBlocks) io.err(`warning: ${describeCorruptLogBlock(b)}`);
  if (opts.explain) {
    // keep machine-readable output clean: statistics go to stderr unless printing a table
    const print = opts.format === 'table' ? io.out : io.err;
    for (const line of explainLines(stats())) print(line);
  }
}

// Sizes and repetitions of a quick run (under two minutes on two cores) and a full run.

export interface BenchConfig {
  mode: 'quick' | 'full';
  /** Rows of the bulk-loaded table that upserts, deletes and scans work on. */
  baseRows: number;
  /** Rows of the larger table for the second upsert (0: skipped). */
  largeRows: number;
  upsertRows: number;
  deleteKeys: number;
  /** Compaction: rows loaded first, then that many small update batches of that many rows. */
  compactBaseRows: number;
  smallBatches: number;
  smallBatchRows: number;
  /** Merge-on-read scan: rows loaded, then that many update batches of that many rows (a log file per touched group each). */
  morScanBaseRows: number;
  morScanBatches: number;
  morScanBatchRows: number;
  /** Also time the small batches as copy-on-write upserts (each rewrites the file group). */
  smallBatchesCow: boolean;
  /** Commit counts at which a table is opened; two counts show whether requests grow. */
  commitCounts: number[];
  /** Micro benchmarks: minimum time and samples per task. */
  microIterations: number;
  /** Erasure through bloom filters: events over 30 daily partitions, users spread over the days. */
  eraseIndexRows: number;
  /** Timed runs per measurement (median reported). */
  runs: number;
  microTimeMs: number;
}

export const QUICK: BenchConfig = {
  mode: 'quick',
  baseRows: 50_000,
  largeRows: 0,
  upsertRows: 10_000,
  deleteKeys: 5_000,
  compactBaseRows: 20_000,
  smallBatches: 20,
  smallBatchRows: 200,
  smallBatchesCow: false,
  morScanBaseRows: 50_000,
  morScanBatches: 40,
  morScanBatchRows: 200,
  commitCounts: [50, 200],
  eraseIndexRows: 300_000,
  runs: 1,
  microTimeMs: 100,
  microIterations: 3,
};

export const FULL: BenchConfig = {
  mode: 'full',
  baseRows: 1_000_000,
  largeRows: 10_000_000,
  upsertRows: 100_000,
  deleteKeys: 10_000,
  compactBaseRows: 100_000,
  smallBatches: 100,
  smallBatchRows: 1_000,
  smallBatchesCow: false,
  morScanBaseRows: 1_000_000,
  morScanBatches: 49,
  morScanBatchRows: 1_000,
  commitCounts: [200, 1000],
  eraseIndexRows: 10_000_000,
  runs: 3,
  microTimeMs: 1000,
  microIterations: 20,
};

export function formatCount(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

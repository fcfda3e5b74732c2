// Scenario 8: a merge-on-read table after many small update batches, each of which leaves one
// log file in every file group it touches, scanned (2 columns) before and after compaction in
// the same run. Reading the slices' log files is what the uncompacted scan pays for; the target
// bounds it against the compacted scan. Both scans also run through a LatencyStore: once with no
// delay, to count requests and critical-path round trips, and once with a fixed delay per
// request, to show the scan at object-store latency. CPU time is reported beside wall time, as
// the steadier measure on a shared machine.

import { openTable, type HudiTable } from '@lake/core';
import { LatencyStore, LocalStore } from '@lake/storage';
import type { BenchConfig } from '../config.js';
import { formatCount } from '../config.js';
import { eventTable, upsertTable } from '../data.js';
import { scratch } from '../fs-util.js';
import { lakeCreate } from '../lake.js';
import { median, repeat, sampleOf } from '../measure.js';
import type { EngineRun, ScenarioResult } from '../results.js';
import { ratio, ratioTarget, runOf } from '../results.js';
import { morSupport } from './mor-support.js';

const COLUMNS = ['impression_id', 'cost'];
/** Delay per request of the "object store" runs, about an S3 GET's first byte in-region. */
const NETWORK_MS = 20;

async function scanRows(table: HudiTable): Promise<number> {
  let rows = 0;
  for await (const b of table.read({ columns: COLUMNS, withMeta: false })) rows += b.numRows;
  return rows;
}

/** One scan through a LatencyStore over the table's folder: time, requests and round trips. */
async function latencyScan(dir: string, latencyMs: number): Promise<{ ms: number; requests: number; roundTrips: number; maxInFlight: number }> {
  const store = new LatencyStore(new LocalStore(dir), { latencyMs });
  const table = await openTable(store);
  await table.fileSlices(); // the timeline and listing are not what is measured
  store.mark();
  const t0 = performance.now();
  await scanRows(table);
  const ms = performance.now() - t0;
  return { ms, ...store.mark() };
}

/**
 * Scans `table`, returning rows and the process CPU time spent (milliseconds). On a machine
 * shared with other jobs, CPU time varies far less than wall time.
 */
async function cpuTimedScan(table: HudiTable, cpu: number[]): Promise<number> {
  const start = process.cpuUsage();
  const rows = await scanRows(table);
  const used = process.cpuUsage(start);
  cpu.push((used.user + used.system) / 1000);
  return rows;
}

async function scanRuns(cfg: BenchConfig, engine: string, dir: string, table: HudiTable, logFiles: number): Promise<EngineRun[]> {
  const cpu: number[] = [];
  const m = await repeat(cfg.runs, async () => undefined, () => cpuTimedScan(table, cpu), { warmup: true });
  const counted = await latencyScan(dir, 0);
  const slow = await latencyScan(dir, NETWORK_MS);
  // The warm-up run is the first sample; the median is over the timed runs.
  const cpuMs = Math.round(median(cpu.slice(1)));
  const extra = { logFiles, cpuMs, requests: counted.requests, roundTrips: counted.roundTrips, maxInFlight: counted.maxInFlight };
  return [
    { engine, rows: m.value, ...sampleOf(m), extra },
    { engine: `${engine}, ${NETWORK_MS} ms/request`, rows: m.value, ms: slow.ms, peakRssDeltaMb: 0, peakHeapDeltaMb: 0, extra },
  ];
}

function logFileCount(slices: { logFiles: unknown[] }[]): number {
  return slices.reduce((n, s) => n + s.logFiles.length, 0);
}

export async function morScan(cfg: BenchConfig): Promise<ScenarioResult[]> {
  const n = cfg.morScanBatches;
  const rows = cfg.morScanBatchRows;
  const size = `${formatCount(cfg.morScanBaseRows)} rows, then ${n} update batches x ${formatCount(rows)}`;
  const result: ScenarioResult = { id: 'mor-scan', title: 'Merge-on-read scan of 2 columns, many log files vs compacted', size, runs: [], targets: [], notes: [] };
  const mor = await morSupport();
  if (!mor.supported) {
    result.runs.push({ engine: 'lake (mor)', rows: cfg.morScanBaseRows, ms: 0, peakRssDeltaMb: 0, peakHeapDeltaMb: 0, note: `not supported yet (${mor.reason ?? ''})` });
    return [result];
  }
  const dir = await scratch('mor-scan');
  const { table } = await lakeCreate(dir, { type: 'mor' });
  await table.insert(eventTable(0, cfg.morScanBaseRows));
  // Updates of existing keys only, so every batch lands in log files of the existing groups.
  for (let i = 0; i < n; i++) await table.upsert(upsertTable(cfg.morScanBaseRows, 2 * rows, 500 + i).slice(0, rows));
  const logged = logFileCount(await table.fileSlices());
  const before = await scanRuns(cfg, 'lake (mor, log files)', dir, table, logged);
  await table.compact();
  const after = await scanRuns(cfg, 'lake (mor, compacted)', dir, table, logFileCount(await table.fileSlices()));
  result.runs.push(...before, ...after);
  result.targets.push(
    ratioTarget(`scan with ${logged} log files / the same scan compacted`, runOf(result, 'lake (mor, log files)'), runOf(result, 'lake (mor, compacted)'), 3),
  );
  const slowRatio = ratio(before[1], after[1]);
  const cpuRatio = Number(before[0].extra?.cpuMs) / Number(after[0].extra?.cpuMs);
  result.notes.push(
    `log files: ${logged} before compaction; at ${NETWORK_MS} ms/request the ratio is ${slowRatio === undefined ? 'n/a' : `${slowRatio.toFixed(2)}x`}`,
    `CPU time (median of the timed runs, cpuMs): the scan with log files takes ${Number.isFinite(cpuRatio) ? cpuRatio.toFixed(2) : 'n/a'}x the compacted scan's`,
    'requests / roundTrips / maxInFlight: one scan through a LatencyStore without delay, after opening the table',
  );
  return [result];
}

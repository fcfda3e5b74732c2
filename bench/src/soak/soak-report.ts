// The soak's targets (reported, never asserted) and its results as the bench's scenario tables.

import type { EngineRun, ScenarioResult, Target } from '../results.js';
import { SOAK_SERVICES, TARGET_FILE_BYTES, type SoakReport, type SoakRun } from './soak.js';
import { peakRises, type PeakRise } from './soak-stats.js';
import type { CommitCost } from './soak-types.js';

const MB = 1024 * 1024;
const TARGET_EVENTS_PER_SEC = 51_000;
const TARGET_P50_GROWTH = 1.2;
const TARGET_HOODIE_OBJECTS = 100;
const TARGET_PEAK_RSS_MB = 512;

function eventsPerSec(run: SoakRun): number {
  return (run.ingest.read * 1000) / run.ingest.wallMs;
}

function k(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0);
}

export function soakTargets(run: SoakRun): Target[] {
  const { first, last, size } = run.windows;
  const rate = eventsPerSec(run);
  const growth = first.p50Ms > 0 ? last.p50Ms / first.p50Ms : Infinity;
  const t = run.table;
  const on = `(${run.where})`;
  return [
    { name: `soak ${on}: events/s sustained`, goal: `>= ${k(TARGET_EVENTS_PER_SEC)}/s`, actual: `${k(rate)}/s`, met: rate >= TARGET_EVENTS_PER_SEC },
    { name: `soak ${on}: p50 commit latency, last ${size} / first ${size} commits`, goal: `<= ${TARGET_P50_GROWTH}x`, actual: `${growth.toFixed(2)}x (${first.p50Ms.toFixed(0)} -> ${last.p50Ms.toFixed(0)} ms)`, met: growth <= TARGET_P50_GROWTH },
    { name: `soak ${on}: objects in .hoodie at the end (archived/ not counted)`, goal: `<= ${TARGET_HOODIE_OBJECTS}`, actual: String(t.hoodieObjects), met: t.hoodieObjects <= TARGET_HOODIE_OBJECTS },
    {
      name: `soak ${on}: base files within the target size after services`,
      goal: `every file <= ${TARGET_FILE_BYTES / MB} MB; files per partition <= bytes/target + ${SOAK_SERVICES.clusterEvery - 1}`,
      actual: `largest ${(t.largestBaseFileBytes / MB).toFixed(1)} MB; ${t.partitionsOverFileBudget} of ${t.partitions} partitions over`,
      met: t.largestBaseFileBytes <= TARGET_FILE_BYTES && t.partitionsOverFileBudget === 0,
    },
    { name: `soak ${on}: peak RSS of the ingesting process`, goal: `<= ${TARGET_PEAK_RSS_MB} MB`, actual: `${run.ingest.peakRssMb.toFixed(0)} MB`, met: run.ingest.peakRssMb <= TARGET_PEAK_RSS_MB },
    { name: `soak ${on}: rows = distinct events generated`, goal: String(t.rows.expected), actual: `${t.rows.rows} (${t.rows.duplicateKeys} duplicate keys, ${t.rows.partitionsOff} partitions off)`, met: t.rows.ok },
  ];
}

/** Where the ingesting process's peak RSS was set: the commits after which it rose most (clustering runs with every `clusterEvery`th). */
function peakLine(commits: CommitCost[]): string[] {
  const rises = peakRises(commits, 4, 8);
  if (rises.length === 0) return [];
  const what = (r: PeakRise) => `#${r.commit}${r.commit % SOAK_SERVICES.clusterEvery === 0 ? ' (clustering)' : ''} +${r.byMb.toFixed(0)} to ${r.mb.toFixed(0)} MB`;
  return [`  peak RSS rose most after commits ${rises.map(what).join(', ')}`];
}

/** One line per measurement of a run, for the console and the README. */
export function soakLines(report: SoakReport): string[] {
  const e = report.events;
  const floorRate = (report.floor.rows * 1000) / report.floor.wallMs;
  const out = [
    `events: ${e.lines} lines (${e.distinct} distinct, ${e.duplicates} redeliveries, ${e.lateHours} 1-6 h late, ${e.lateDays} 1-2 days late) over ${e.partitions} hour partitions, ${(e.bytes / MB).toFixed(0)} MB NDJSON`,
    `raw floor (JSON.parse -> Arrow -> parquet-wasm, one file per batch): ${k(floorRate)} events/s over ${report.floor.rows} events (${(report.floor.wallMs / 1000).toFixed(1)} s, peak RSS ${report.floor.peakRssMb.toFixed(0)} MB)`,
  ];
  for (const run of report.runs) {
    const { first, last, size } = run.windows;
    const t = run.table;
    const rate = eventsPerSec(run);
    const i = run.ingest;
    out.push(
      '',
      `${run.where}: ${run.consumed.lines} events in ${i.commits.length} commits, ${(i.wallMs / 1000).toFixed(1)} s, ${k(rate)} events/s = ${(rate / floorRate).toFixed(2)}x the floor; CPU ${(i.cpuMs / 1000).toFixed(1)} s; peak RSS ${i.peakRssMb.toFixed(0)} MB`,
      ...(i.stopped
        ? [`  stopped by the time box after ${run.consumed.lines} of ${run.size.events} events (${run.consumed.distinct} distinct, ${run.consumed.duplicates} redeliveries, ${run.consumed.lateHours} hours late, ${run.consumed.lateDays} days late, ${run.consumed.partitions} partitions)`]
        : []),
      `  written ${i.written}, deduplicated ${i.deduplicated}, quarantined ${i.quarantined}; ${i.cleans} cleans (${(i.cleanMs / 1000).toFixed(1)} s, ${i.cleanRequests} requests); table closed in ${(i.closeMs / 1000).toFixed(1)} s`,
      `  first ${size} commits: p50 ${first.p50Ms.toFixed(0)} ms, p99 ${first.p99Ms.toFixed(0)} ms, ${k(first.eventsPerSec)} events/s, ${first.requestsPerCommit.toFixed(1)} requests and ${first.roundTripsPerCommit.toFixed(1)} round trips per commit (max ${first.maxRequests}${first.kinds ? `; ${first.kinds}` : ''})`,
      `  last ${size} commits:  p50 ${last.p50Ms.toFixed(0)} ms, p99 ${last.p99Ms.toFixed(0)} ms, ${k(last.eventsPerSec)} events/s, ${last.requestsPerCommit.toFixed(1)} requests and ${last.roundTripsPerCommit.toFixed(1)} round trips per commit (max ${last.maxRequests}${last.kinds ? `; ${last.kinds}` : ''})`,
      `  files per partition: ${t.filesPerPartition.mean.toFixed(1)} mean / ${t.filesPerPartition.max} max latest (${t.baseFiles} base, ${t.logFiles} log files over ${t.partitions} partitions); on storage ${t.storedFilesPerPartition.mean.toFixed(1)} / ${t.storedFilesPerPartition.max}; largest base file ${(t.largestBaseFileBytes / MB).toFixed(1)} MB; table ${(t.tableBytes / MB).toFixed(0)} MB`,
      ...peakLine(i.commits),
      `  .hoodie: ${t.hoodieObjects} objects (${Object.entries(t.hoodieBreakdown).map(([g, n]) => `${g} ${n}`).join(', ')}), archived/ ${t.archivedObjects}`,
      `  rows: ${t.rows.rows} read, ${t.rows.expected} expected (insert-only drops redeliveries), ${t.rows.duplicateKeys} duplicate keys, ${t.rows.misplaced} misplaced, ${t.rows.partitionsOff} partitions off`,
    );
  }
  return out;
}

/** The soak as a scenario of the bench's report. */
export function soakScenario(report: SoakReport): ScenarioResult {
  const floor: EngineRun = { engine: 'parquet-wasm floor', ms: report.floor.wallMs, rows: report.floor.rows, peakRssDeltaMb: report.floor.peakRssMb, peakHeapDeltaMb: 0, bytesWritten: report.floor.bytesWritten };
  const runs: EngineRun[] = report.runs.map((r) => ({
    engine: `lake (${r.where})`,
    ms: r.ingest.wallMs,
    rows: r.ingest.read,
    peakRssDeltaMb: r.ingest.peakRssMb,
    peakHeapDeltaMb: 0,
    extra: {
      commits: r.ingest.commits.length,
      p50First: Math.round(r.windows.first.p50Ms),
      p50Last: Math.round(r.windows.last.p50Ms),
      p99Last: Math.round(r.windows.last.p99Ms),
      requestsLast: r.windows.last.requestsPerCommit.toFixed(1),
      hoodie: r.table.hoodieObjects,
      rowsOk: String(r.table.rows.ok),
    },
  }));
  const sizes = [...new Set(report.runs.map((r) => r.size.events))].join(' / ');
  return {
    id: 'soak',
    title: 'Streaming day: insert-only micro-batches with inline services',
    size: `${sizes} events`,
    runs: [...runs, floor],
    targets: report.runs.flatMap(soakTargets),
    notes: [...soakLines(report), 'peak MB is the whole child process (getrusage maxrss), not growth'],
  };
}

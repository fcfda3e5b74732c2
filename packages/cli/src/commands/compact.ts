// `lake compact`: merge-on-read tables get their logs merged into base files (Hudi compaction);
// copy-on-write tables get their small base files stitched into target-size ones (clustering).
// Then, as Hudi's table services do, the timeline is archived once it outgrows keep.max.
// Safe from cron while writers append: a run finishes what a dead run left, and a writer that
// touched the same file groups first wins.

import { SingleBar } from 'cli-progress';
import { openTable, type CompactionRun, type CompactionStrategy, type HudiTable } from '@lake/core';

import type { CliIO } from '../io.js';
import { compactionStrategies, list } from '../options.js';
import { UsageError } from '../usage-error.js';

export { compactionStrategies };

export interface CompactOptions {
  scheduleOnly?: boolean;
  runPending?: boolean;
  strategy?: (typeof compactionStrategies)[number];
  minCommits?: number;
  minLogBytes?: number;
  fileGroups?: string;
  targetFileSize?: number;
  smallFileLimit?: number;
  sizeRatio?: number;
  parallelism?: number;
  dryRun?: boolean;
  /** Merge-on-read: compact slices even where log blocks of completed writes are corrupt. */
  force?: boolean;
  json?: boolean;
}

interface Progress {
  fileGroupsDone: number;
  fileGroupsTotal: number;
  bytesRead: number;
  bytesWritten: number;
}

export interface CompactSummary {
  table: string;
  kind: 'compaction' | 'clustering';
  dryRun: boolean;
  /** Instants scheduled (with --schedule-only or --dry-run: planned, not run). */
  scheduled: string[];
  /** Instants completed by this run. */
  completed: string[];
  fileGroups: number;
  logFilesMerged: number;
  filesWritten: number;
  bytesBefore: number;
  bytesAfter: number;
  records: number;
  /** Instants archived after the run (Hudi's archival, beyond hoodie.keep.max.commits). */
  archived: number;
  millis: number;
}

function strategyOf(opts: CompactOptions): CompactionStrategy {
  switch (opts.strategy ?? 'num-commits') {
    case 'num-commits':
      return { kind: 'num-commits', minDeltaCommits: opts.minCommits ?? 1 };
    case 'log-size':
      return { kind: 'log-size', minLogBytes: opts.minLogBytes ?? 0 };
    case 'file-groups': {
      const fileGroups = list(opts.fileGroups);
      if (fileGroups.length === 0) throw new UsageError('--strategy file-groups needs --file-groups partition/fileId,...');
      return { kind: 'file-groups', fileGroups };
    }
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** A terminal progress bar (file groups done / total, bytes) on stderr; silent when not a terminal. */
function progressBar(io: CliIO): { update(p: Progress): void; stop(): void } {
  if (!io.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({
    format: ' {bar} {value}/{total} file groups | {read} read, {written} written',
    hideCursor: true,
    stream: process.stderr,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update(p) {
      const payload = { read: formatBytes(p.bytesRead), written: formatBytes(p.bytesWritten) };
      if (!started) {
        bar.start(p.fileGroupsTotal, p.fileGroupsDone, payload);
        started = true;
      } else {
        bar.setTotal(p.fileGroupsTotal);
        bar.update(p.fileGroupsDone, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

async function compactMor(table: HudiTable, opts: CompactOptions, summary: CompactSummary, onProgress: (p: Progress) => void): Promise<void> {
  const add = (run: CompactionRun) => {
    summary.completed.push(run.instant);
    summary.fileGroups += run.fileGroups;
    summary.logFilesMerged += run.logFilesMerged;
    summary.filesWritten += run.fileGroups;
    summary.bytesBefore += run.bytesBefore;
    summary.bytesAfter += run.bytesAfter;
    summary.records += run.records;
  };
  const runOptions = { parallelism: opts.parallelism, onProgress, force: opts.force };
  if (opts.dryRun) {
    const planned = await table.scheduleCompaction({ strategy: strategyOf(opts), dryRun: true });
    if (planned) {
      summary.scheduled.push(planned.instant);
      summary.fileGroups = planned.plan.operations.length;
      summary.logFilesMerged = planned.plan.operations.reduce((n, op) => n + op.deltaFileNames.length, 0);
    }
    return;
  }
  if (!opts.scheduleOnly) for (const run of await table.runCompaction(undefined, runOptions)) add(run);
  if (opts.runPending) return;
  const scheduled = await table.scheduleCompaction({ strategy: strategyOf(opts) });
  if (!scheduled) return;
  summary.scheduled.push(scheduled.instant);
  if (opts.scheduleOnly) {
    summary.fileGroups = scheduled.plan.operations.length;
    return;
  }
  for (const run of await table.runCompaction(scheduled.instant, runOptions)) add(run);
}

async function clusterCow(table: HudiTable, opts: CompactOptions, summary: CompactSummary, onProgress: (p: Progress) => void): Promise<void> {
  const run = await table.clusterSmallFiles({
    dryRun: opts.dryRun,
    parallelism: opts.parallelism,
    targetFileSizeBytes: opts.targetFileSize,
    smallFileLimitBytes: opts.smallFileLimit,
    sizeRatio: opts.sizeRatio,
    onProgress,
  });
  if (!run) return;
  (opts.dryRun ? summary.scheduled : summary.completed).push(run.instant);
  summary.fileGroups = run.fileGroups;
  summary.filesWritten = run.filesWritten;
  summary.bytesBefore = run.bytesBefore;
  summary.bytesAfter = run.bytesAfter;
  summary.records = run.records;
}

export async function compactTable(uri: string, opts: CompactOptions, io: CliIO): Promise<CompactSummary> {
  if (opts.scheduleOnly && opts.runPending) throw new UsageError('--schedule-only and --run-pending exclude each other');
  const started = Date.now();
  const table = await openTable(uri);
  const mor = table.config.type === 'MERGE_ON_READ';
  if (!mor && (opts.scheduleOnly || opts.runPending || opts.strategy)) {
    throw new UsageError('--schedule-only, --run-pending and --strategy apply to merge-on-read tables; a copy-on-write table is clustered in one step');
  }
  const summary: CompactSummary = {
    table: table.uri,
    kind: mor ? 'compaction' : 'clustering',
    dryRun: opts.dryRun ?? false,
    scheduled: [],
    completed: [],
    fileGroups: 0,
    logFilesMerged: 0,
    filesWritten: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    records: 0,
    archived: 0,
    millis: 0,
  };
  const bar = progressBar(io);
  try {
    await (mor ? compactMor : clusterCow)(table, opts, summary, (p) => bar.update(p));
  } finally {
    bar.stop();
  }
  // As Hudi's table services do, archive the timeline once it outgrows hoodie.keep.max.commits.
  if (!opts.dryRun && !opts.scheduleOnly && table.config.raw.get('hoodie.archive.automatic')?.trim().toLowerCase() !== 'false') {
    summary.archived = (await table.archive()).archived.length;
  }
  summary.millis = Date.now() - started;
  return summary;
}

function describe(s: CompactSummary): string[] {
  if (s.dryRun) {
    if (s.scheduled.length === 0) return ['Nothing to do: no file group qualifies.'];
    return s.kind === 'compaction'
      ? [`Would compact ${s.fileGroups} file group(s), merging ${s.logFilesMerged} log file(s).`]
      : [`Would stitch ${s.fileGroups} small file(s) into ${s.filesWritten} (${formatBytes(s.bytesBefore)}).`];
  }
  const archivedLine = s.archived > 0 ? [`Archived ${s.archived} instant(s) to .hoodie/archived/.`] : [];
  if (s.completed.length === 0 && s.scheduled.length === 0) return ['Nothing to do: no file group qualifies.', ...archivedLine];
  const lines: string[] = [];
  if (s.completed.length === 0) lines.push(`Scheduled compaction ${s.scheduled.join(', ')} for ${s.fileGroups} file group(s); run it with --run-pending.`);
  else if (s.kind === 'compaction') {
    lines.push(`Compacted ${s.fileGroups} file group(s) in ${s.completed.length} compaction(s) (${s.completed.join(', ')}): merged ${s.logFilesMerged} log file(s).`);
  } else {
    lines.push(`Clustered ${s.fileGroups} small file(s) into ${s.filesWritten} (replacecommit ${s.completed.join(', ')}).`);
  }
  if (s.completed.length > 0) lines.push(`Records: ${s.records}; bytes before: ${formatBytes(s.bytesBefore)}, after: ${formatBytes(s.bytesAfter)}; time: ${(s.millis / 1000).toFixed(1)} s.`);
  return [...lines, ...archivedLine];
}

export async function compactCommand(uri: string, opts: CompactOptions, io: CliIO): Promise<void> {
  const summary = await compactTable(uri, opts, io);
  if (opts.json) io.out(JSON.stringify(summary));
  else for (const line of describe(summary)) io.out(line);
}

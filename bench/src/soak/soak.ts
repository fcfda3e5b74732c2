// The streaming-day soak: one day of ad events (2% redeliveries, some late events for earlier
// hours and days) ingested by @lake/ingest as insert-only micro-batches into an hourly-partitioned
// merge-on-read table with inline clustering, periodic cleaning and automatic archival, on local
// disk and on an S3 server with 20 ms added per request; then the raw floor on the same events.

import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { generateEvents, scanEvents, type GeneratedEvents } from './events.js';
import { inspectTable, type TableState } from './inspect.js';
import { jobFile, mallocSetting, runChild, startS3Server } from './processes.js';
import { commitWindows, type CommitWindow } from './soak-stats.js';
import { describeLocation, rawStore, type SoakLocation } from './soak-table.js';
import type { FloorOutcome, IngestJob, IngestOutcome } from './soak-types.js';

export interface SoakSize {
  events: number;
  batches: number;
}

export const SOAK_QUICK: SoakSize = { events: 200_000, batches: 40 };
export const SOAK_FULL: SoakSize = { events: 10_000_000, batches: 2_000 };

/** The services a user streaming into the table turns on. */
export const SOAK_SERVICES = {
  /** Inline clustering every 4 commits (Hudi's default hoodie.clustering.inline.max.commits). */
  clusterEvery: 4,
  /**
   * `table.clean()` (keep what the last 10 writes need) after every 5 commits, then
   * `table.archive()`, as Hudi's write client archives after its inline clean: archival may not
   * pass the latest clean's earliest retained commit, so how often the job cleans bounds how many
   * writes stay active.
   */
  cleanEvery: 5,
  /**
   * The day is compressed into minutes, so the default 15-minute reader grace would keep every
   * superseded file; no reader runs during the soak.
   */
  readerGraceMs: 0,
  /**
   * The process caches' bounds in MiB (`setCacheLimits`, as LAKE_CACHE_MB splits them), what a
   * writer in a 512 MB container sets: by the end of the day the key columns of the past hours'
   * files, which late events touch, fill the default 128 MiB.
   */
  cacheMb: 64,
} as const;

/** Hudi's hoodie.parquet.max.file.size, the size clustering aims at. */
export const TARGET_FILE_BYTES = 120 * 1024 * 1024;

export interface SoakRun {
  where: string;
  size: SoakSize;
  ingest: IngestOutcome;
  /** What the ingestion consumed (all the events, unless the time box stopped it), read back from the files. */
  consumed: Omit<GeneratedEvents, 'files' | 'perPartition'> & { partitions: number };
  windows: { first: CommitWindow; last: CommitWindow; size: number };
  table: TableState;
}

export interface SoakReport {
  events: Omit<GeneratedEvents, 'files' | 'perPartition'> & { partitions: number };
  floor: FloorOutcome;
  runs: SoakRun[];
}

export type SoakTarget = 'local' | 's3';

export interface SoakOptions {
  /** Ingest these NDJSON files (from an earlier generation) instead of generating events. */
  inputDir?: string;
  /** Stop each ingestion after the batch being written when this many minutes have passed. */
  maxMinutes?: number;
}

/** The raw floor runs on at most this many of the consumed files: its rate is what it reports. */
const FLOOR_MAX_FILES = 200;

function log(msg: string): void {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function countsOf(events: GeneratedEvents): SoakRun['consumed'] {
  const { files: _files, perPartition, ...counts } = events;
  return { ...counts, partitions: Object.keys(perPartition).length };
}

async function runOne(where: SoakLocation, inputDir: string, size: SoakSize, options: SoakOptions): Promise<SoakRun> {
  const job: IngestJob = { inputDir, location: where, batchRows: Math.ceil(size.events / size.batches), ...SOAK_SERVICES };
  if (options.maxMinutes !== undefined) job.maxMs = options.maxMinutes * 60_000;
  const file = await jobFile(job);
  log(`memory settings of the ingesting process: caches ${job.cacheMb} MiB, ${mallocSetting()}`);
  let ingest: IngestOutcome;
  try {
    ingest = await runChild<IngestOutcome>('ingest-child.ts', [file.path]);
  } finally {
    await file.remove();
  }
  log(`${describeLocation(where)}: ${ingest.commits.length} commits in ${(ingest.wallMs / 1000).toFixed(1)} s${ingest.stopped ? ' (time box reached)' : ''}; inspecting the table`);
  const consumed = await scanEvents(inputDir, ingest.lastFile, ingest.lastRecords);
  const { store, close } = rawStore(where);
  try {
    const table = await inspectTable(store, consumed, TARGET_FILE_BYTES, SOAK_SERVICES.clusterEvery - 1);
    return { where: describeLocation(where), size, ingest, consumed: countsOf(consumed), windows: commitWindows(ingest.commits), table };
  } finally {
    close();
  }
}

async function firstFileLines(dir: string): Promise<{ files: number; perFile: number }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ndjson')).sort();
  if (files.length === 0) throw new Error(`${dir} holds no .ndjson files`);
  return { files: files.length, perFile: (await readFile(join(dir, files[0]), 'utf8')).trimEnd().split('\n').length };
}

/** Generates the events into `workDir` (or takes `options.inputDir`), runs the soak at each target, then the floor, and removes what it wrote. */
export async function soak(size: SoakSize, targets: SoakTarget[], workDir: string, s3Size: SoakSize = size, options: SoakOptions = {}): Promise<SoakReport> {
  await mkdir(workDir, { recursive: true });
  try {
    const inputs = new Map<number, string>();
    let events: SoakReport['events'] | undefined;
    if (options.inputDir) {
      const { files, perFile } = await firstFileLines(options.inputDir);
      size = { events: files * perFile, batches: files };
      s3Size = size;
      inputs.set(size.events, options.inputDir);
    } else {
      for (const s of targets.includes('s3') && s3Size.events !== size.events ? [size, s3Size] : [size]) {
        log(`generating ${s.events} events as ${s.batches} NDJSON files`);
        const dir = join(workDir, `in-${s.events}`);
        const generated = await generateEvents(dir, s.events, s.batches);
        if (s === size) events = countsOf(generated);
        inputs.set(s.events, dir);
      }
    }
    const mainDir = inputs.get(size.events)!;
    const runs: SoakRun[] = [];
    if (targets.includes('local')) {
      log(`ingesting into a table on local disk (${size.events} events, ${size.batches} batches)`);
      runs.push(await runOne({ kind: 'local', dir: join(workDir, 'table') }, mainDir, size, options));
      // LAKE_SOAK_KEEP=<folder>: a copy of the local table is kept there, to look into afterwards.
      if (process.env.LAKE_SOAK_KEEP) await cp(join(workDir, 'table'), process.env.LAKE_SOAK_KEEP, { recursive: true });
      await rm(join(workDir, 'table'), { recursive: true, force: true });
    }
    if (targets.includes('s3')) {
      const server = await startS3Server();
      try {
        log(`ingesting into a table on s3rver + 20 ms (${s3Size.events} events, ${s3Size.batches} batches)`);
        runs.push(await runOne({ kind: 's3', endpoint: server.endpoint, bucket: server.bucket, prefix: 'soak', latencyMs: 20 }, inputs.get(s3Size.events)!, s3Size, options));
      } finally {
        await server.stop();
      }
    }
    const floorFiles = Math.min(FLOOR_MAX_FILES, ...runs.map((r) => Math.max(1, r.ingest.commits.length)));
    log(`raw floor: JSON.parse -> Arrow -> parquet-wasm (${floorFiles} files)`);
    const floor = await runChild<FloorOutcome>('floor-child.ts', [mainDir, join(workDir, 'floor'), String(floorFiles)]);
    await rm(join(workDir, 'floor'), { recursive: true, force: true });
    return { events: events ?? runs[0].consumed, floor, runs };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

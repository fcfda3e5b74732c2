// The streaming-day soak: one day of ad events (2% redeliveries, some late events for earlier
// hours and days) ingested by @lake/ingest as insert-only micro-batches into an hourly-partitioned
// merge-on-read table with inline clustering, periodic cleaning and automatic archival, on local
// disk and on an S3 server with 20 ms added per request; then the raw floor on the same events.

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { generateEvents, type GeneratedEvents } from './events.js';
import { inspectTable, type TableState } from './inspect.js';
import { jobFile, runChild, startS3Server } from './processes.js';
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
  /** `table.clean()` (keep what the last 10 writes need) after every 10 commits. */
  cleanEvery: 10,
  /**
   * The day is compressed into minutes, so the default 15-minute reader grace would keep every
   * superseded file; no reader runs during the soak.
   */
  readerGraceMs: 0,
} as const;

/** Hudi's hoodie.parquet.max.file.size, the size clustering aims at. */
export const TARGET_FILE_BYTES = 120 * 1024 * 1024;

export interface SoakRun {
  where: string;
  size: SoakSize;
  ingest: IngestOutcome;
  windows: { first: CommitWindow; last: CommitWindow; size: number };
  table: TableState;
}

export interface SoakReport {
  events: Omit<GeneratedEvents, 'files' | 'perPartition'> & { partitions: number };
  floor: FloorOutcome;
  runs: SoakRun[];
}

export type SoakTarget = 'local' | 's3';

function log(msg: string): void {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function runOne(where: SoakLocation, inputDir: string, size: SoakSize, events: GeneratedEvents): Promise<SoakRun> {
  const job: IngestJob = { inputDir, location: where, batchRows: Math.ceil(size.events / size.batches), ...SOAK_SERVICES };
  const file = await jobFile(job);
  let ingest: IngestOutcome;
  try {
    ingest = await runChild<IngestOutcome>('ingest-child.ts', [file.path]);
  } finally {
    await file.remove();
  }
  log(`${describeLocation(where)}: ${ingest.commits.length} commits in ${(ingest.wallMs / 1000).toFixed(1)} s; inspecting the table`);
  const { store, close } = rawStore(where);
  try {
    const table = await inspectTable(store, events, TARGET_FILE_BYTES, SOAK_SERVICES.clusterEvery - 1);
    return { where: describeLocation(where), size, ingest, windows: commitWindows(ingest.commits), table };
  } finally {
    close();
  }
}

/** Generates the events into `workDir`, runs the floor and the soak at each target, and removes what it wrote. */
export async function soak(size: SoakSize, targets: SoakTarget[], workDir: string, s3Size: SoakSize = size): Promise<SoakReport> {
  await mkdir(workDir, { recursive: true });
  try {
    const sizes = targets.includes('s3') && s3Size.events !== size.events ? [size, s3Size] : [size];
    const generated = new Map<number, { dir: string; events: GeneratedEvents }>();
    for (const s of sizes) {
      log(`generating ${s.events} events as ${s.batches} NDJSON files`);
      const dir = join(workDir, `in-${s.events}`);
      generated.set(s.events, { dir, events: await generateEvents(dir, s.events, s.batches) });
    }
    const main = generated.get(size.events)!;
    const runs: SoakRun[] = [];
    if (targets.includes('local')) {
      log(`ingesting into a table on local disk (${size.events} events, ${size.batches} batches)`);
      runs.push(await runOne({ kind: 'local', dir: join(workDir, 'table') }, main.dir, size, main.events));
      await rm(join(workDir, 'table'), { recursive: true, force: true });
    }
    log('raw floor: JSON.parse -> Arrow -> parquet-wasm');
    const floor = await runChild<FloorOutcome>('floor-child.ts', [main.dir, join(workDir, 'floor')]);
    await rm(join(workDir, 'floor'), { recursive: true, force: true });
    if (targets.includes('s3')) {
      const server = await startS3Server();
      try {
        const s3 = generated.get(s3Size.events)!;
        log(`ingesting into a table on s3rver + 20 ms (${s3Size.events} events, ${s3Size.batches} batches)`);
        runs.push(await runOne({ kind: 's3', endpoint: server.endpoint, bucket: server.bucket, prefix: 'soak', latencyMs: 20 }, s3.dir, s3Size, s3.events));
      } finally {
        await server.stop();
      }
    }
    const { files: _files, perPartition, ...counts } = main.events;
    return { events: { ...counts, partitions: Object.keys(perPartition).length }, floor, runs };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

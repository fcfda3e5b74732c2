// Child-process entry of the soak's ingestion: a fresh process (so its peak RSS is the
// ingestion's own) creates the table, ingests the NDJSON files with @lake/ingest in insert-only
// micro-batches with the table services turned on, and writes what each commit cost to a JSON file.
// argv: <job JSON file> <result JSON file>

import { readFile, writeFile } from 'node:fs/promises';

import { cacheLimitsWithin, cacheUsage, setCacheLimits } from '@lake/core';
import { fileSource, hourOf, ingest } from '@lake/ingest';
import { LocalStore } from '@lake/storage';
import { wasmMemory } from 'parquet-wasm';

import { requestDelta } from '../measure.js';
import type { CommitCost, IngestJob, IngestOutcome } from './soak-types.js';
import { createSoakTable, measuredStore } from './soak-table.js';

/** A progress line every this many commits, so a long run shows how it goes (and what it did if stopped). */
const PROGRESS_EVERY = 100;

function progress(commits: CommitCost[], elapsedMs: number): void {
  const recent = commits.slice(-PROGRESS_EVERY);
  const events = commits.reduce((a, c) => a + c.written + c.deduplicated, 0);
  const recentEvents = recent.reduce((a, c) => a + c.written + c.deduplicated, 0);
  const recentMs = recent.reduce((a, c) => a + c.sinceLastMs, 0);
  const ms = recent.map((c) => c.ms).sort((a, b) => a - b);
  const requests = recent.reduce((a, c) => a + c.requests, 0) / recent.length;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const memory = process.memoryUsage();
  // Where the RSS is: the JS heap, buffers outside it, and this thread's parquet-wasm memory
  // (WebAssembly memory only grows); the Parquet workers' memories are in the RSS, not here.
  const wasm = (wasmMemory() as { buffer: ArrayBuffer }).buffer.byteLength;
  const held = cacheUsage().held;
  process.stderr.write(
    `[soak ingest] ${commits.length} commits, ${events} events, ${(elapsedMs / 1000).toFixed(0)} s; last ${recent.length}: ` +
      `${((recentEvents * 1000) / recentMs).toFixed(0)} events/s, p50 ${ms[ms.length >> 1].toFixed(0)} ms, ` +
      `max ${ms[ms.length - 1].toFixed(0)} ms, ${requests.toFixed(1)} requests/commit; rss ${mb(memory.rss)} MB ` +
      `(heap ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)}, array buffers ${mb(memory.arrayBuffers)}, other external ${mb(memory.external - memory.arrayBuffers)}, wasm ${mb(wasm)}; ` +
      `caches: footers ${mb(held.footerBytes)}, key columns ${mb(held.keyColumnBytes)}, written files ${mb(held.writtenFileBytes)})\n`,
  );
}

async function main(): Promise<void> {
  const [jobFile, resultFile] = process.argv.slice(2);
  const job = JSON.parse(await readFile(jobFile, 'utf8')) as IngestJob;
  setCacheLimits(cacheLimitsWithin(job.cacheMb * 1024 * 1024));
  const { store, close } = measuredStore(job.location);
  try {
    const table = await createSoakTable(store);
    store.mark();
    let counted = { ...store.requests };
    const commits: CommitCost[] = [];
    let cleans = 0;
    let cleanMs = 0;
    let cleanRequests = 0;
    const stop = new AbortController();
    const timeBox = job.maxMs === undefined ? undefined : setTimeout(() => stop.abort(), job.maxMs);
    const before = process.cpuUsage();
    const t0 = performance.now();
    let last = t0;
    const summary = await ingest(table, {
      source: fileSource(new LocalStore(job.inputDir), { format: 'ndjson' }),
      mode: 'insert-only',
      derive: { hr: hourOf('ts') },
      batch: { maxRows: job.batchRows, maxSeconds: 3600 },
      maxInvalidPerBatch: 0,
      signal: stop.signal,
      writeOptions: { inlineClustering: { maxCommits: job.clusterEvery } },
      onBatch: async (r) => {
        const now = performance.now();
        const cost = store.mark();
        const byKind = requestDelta(counted, store.requests);
        const commit: CommitCost = { ms: r.durationMs, sinceLastMs: now - last, requests: cost.requests, roundTrips: cost.roundTrips, byKind, written: r.written, deduplicated: r.deduplicated };
        commits.push(commit);
        if (commits.length % PROGRESS_EVERY === 0) progress(commits, now - t0);
        // Cleaning is not part of a write in lake; a streaming job runs it every few commits, then
        // archives, as Hudi's write client does after its inline clean.
        if (job.cleanEvery > 0 && commits.length % job.cleanEvery === 0) {
          const c0 = performance.now();
          const cleaned = await table.clean({ readerGraceMs: job.readerGraceMs });
          if (cleaned) {
            cleans++;
            // Archival may now reach up to what this clean retains.
            await table.archive();
          }
          cleanMs += performance.now() - c0;
          cleanRequests += store.mark().requests;
        }
        commit.maxRssMb = process.resourceUsage().maxRSS / 1024;
        counted = { ...store.requests };
        last = performance.now();
      },
    });
    const wallMs = performance.now() - t0;
    clearTimeout(timeBox);
    const checkpoint = summary.checkpoint as { key?: string; record?: number } | undefined;
    const cpu = process.cpuUsage(before);
    // A job that ends closes its table: the last commits' intents go once their hold has passed
    // (at most 5 s) and claims no writer needs are pruned, instead of being left to other writers.
    const c0 = performance.now();
    await table.close();
    const closeMs = performance.now() - c0;
    const outcome: IngestOutcome = {
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      read: summary.read,
      written: summary.written,
      deduplicated: summary.deduplicated,
      quarantined: summary.quarantined,
      commits,
      cleans,
      cleanMs,
      cleanRequests,
      closeMs,
      lastFile: checkpoint?.key,
      lastRecords: checkpoint?.record,
      stopped: stop.signal.aborted,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
    await writeFile(resultFile, JSON.stringify(outcome));
  } finally {
    close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`soak ingest failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

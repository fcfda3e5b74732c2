// Scenario 8: what object-store latency costs a small commit. A 1k-event upsert into a
// partitioned table (copy-on-write and merge-on-read) with a short history, through LatencyStore
// adding 20 ms per request, on memory and on an S3-protocol server: a cold writer (a freshly
// opened table, nothing cached, as in a new process) and the same writer's next commits (warm,
// the median of WARM_RUNS). Reports requests, critical-path round trips, wall and CPU time per
// commit; the events are generated before the clock starts. A second warm writer on the same
// store without the added delay gives the floor the 20 ms stand on: lake's own CPU on memory,
// lake's and the server's on s3rver.

import { createTable, openTable, type HudiTable } from '@lake/core';
import { clearCommitMetadataCache } from '@lake/core/format';
import { LatencyStore, MemoryStore, type ObjectStore, type RoundTripReport } from '@lake/storage';

import { eventTable } from '../data.js';
import { measure, repeat, sampleOf, type Sample } from '../measure.js';
import type { EngineRun, ScenarioResult } from '../results.js';
import { startS3rver } from '../s3rver.js';

const LATENCY_MS = 20;
const COMMIT_ROWS = 1000;
const HISTORY_COMMITS = 10;
/** Warm commits measured per writer (the median is reported). */
const WARM_RUNS = 5;
const TARGETS = { coldRoundTrips: 12, warmRoundTrips: 6, warmS3Ms: 250 };

/** `inner` under another URI: caches keyed by store URI start empty, as in a new process. */
function renamed(inner: ObjectStore, uri: string): ObjectStore {
  return {
    uri,
    get requests() {
      return inner.requests;
    },
    get: (k, r) => inner.get(k, r),
    head: (k) => inner.head(k),
    put: (k, d) => inner.put(k, d),
    putIfAbsent: (k, d) => inner.putIfAbsent(k, d),
    conditionalPutEnforced: () => inner.conditionalPutEnforced(),
    list: (p) => inner.list(p),
    listDirectory: (p) => inner.listDirectory(p),
    delete: (k) => inner.delete(k),
    deleteMany: (ks) => inner.deleteMany(ks),
  };
}

async function commits(backend: string, type: 'cow' | 'mor', raw: ObjectStore): Promise<ScenarioResult> {
  const table = await createTable(raw, { name: 'ad_events', recordKey: ['impression_id'], partitionBy: ['device'], orderingField: 'ts', type });
  for (let c = 0; c < HISTORY_COMMITS; c++) await table.upsert(eventTable(c * 100, c === 0 ? 5000 : 100, c + 1));
  clearCommitMetadataCache();
  const store = new LatencyStore(renamed(raw, `${raw.uri}#cold`), { latencyMs: LATENCY_MS });
  store.mark();
  const coldBatch = eventTable(2500, COMMIT_ROWS, 101);
  let coldWriter: HudiTable | undefined;
  const cold = await measure(async () => {
    coldWriter = await openTable(store);
    return coldWriter.upsert(coldBatch);
  });
  const coldTrips = store.mark();
  await coldWriter?.close();
  /** WARM_RUNS commits of a writer after its first: medians, and the most round trips and requests of one. */
  const warmCommits = async (through: LatencyStore, seed: number) => {
    const writer = await openTable(through);
    await writer.upsert(eventTable(3000, COMMIT_ROWS, seed));
    const trips: RoundTripReport[] = [];
    const m = await repeat(
      WARM_RUNS,
      async (r) => {
        const batch = eventTable(3500 + (r % 3) * 500, COMMIT_ROWS, seed + 1 + r);
        through.mark();
        return batch;
      },
      async (batch) => {
        await writer.upsert(batch);
        trips.push(through.mark());
      },
    );
    // its intents' hold passed and removed, so none of its requests falls into the next measurement
    await writer.close();
    const most = (f: (t: RoundTripReport) => number) => Math.max(...trips.map(f));
    return { m, trips: { requests: most((t) => t.requests), roundTrips: most((t) => t.roundTrips), maxInFlight: most((t) => t.maxInFlight) } };
  };
  const { m: warm, trips: warmTrips } = await warmCommits(store, 102);
  // The same commits without the added delay: what the 20 ms per round trip come on top of.
  const floor = await warmCommits(new LatencyStore(renamed(raw, `${raw.uri}#cold`), { latencyMs: 0 }), 202);
  const run = (engine: string, m: Sample, trips: RoundTripReport): EngineRun => ({
    engine,
    rows: COMMIT_ROWS,
    ...sampleOf(m),
    extra: { requests: trips.requests, roundTrips: trips.roundTrips, maxInFlight: trips.maxInFlight },
  });
  const result: ScenarioResult = {
    id: `commit-rt-${backend}-${type}`,
    title: `Small commit round trips, ${type === 'cow' ? 'copy-on-write' : 'merge-on-read'}, ${backend} + ${LATENCY_MS} ms`,
    size: `${COMMIT_ROWS} events, ${HISTORY_COMMITS} commits of history`,
    runs: [run('lake cold', cold, coldTrips), run(`lake warm (median of ${WARM_RUNS})`, warm, warmTrips), run('lake warm, no added delay', floor.m, floor.trips)],
    targets: [
      { name: 'cold commit: round trips', goal: `<= ${TARGETS.coldRoundTrips}`, actual: `${coldTrips.roundTrips} (${coldTrips.requests} requests)`, met: coldTrips.roundTrips <= TARGETS.coldRoundTrips },
      { name: 'warm commit: round trips', goal: `<= ${TARGETS.warmRoundTrips}`, actual: `${warmTrips.roundTrips} (${warmTrips.requests} requests)`, met: warmTrips.roundTrips <= TARGETS.warmRoundTrips },
    ],
    notes: [],
  };
  if (backend === 's3rver') {
    result.targets.push({ name: 'warm commit: wall time', goal: `<= ${TARGETS.warmS3Ms} ms`, actual: `${Math.round(warm.ms)} ms`, met: warm.ms <= TARGETS.warmS3Ms });
  }
  return result;
}

export async function commitRoundTrips(): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const type of ['cow', 'mor'] as const) out.push(await commits('memory', type, new MemoryStore(`bench-commit-rt-${type}-${process.pid}`)));
  const s3 = await startS3rver();
  try {
    for (const type of ['cow', 'mor'] as const) out.push(await commits('s3rver', type, s3.store(`commit-rt-${type}-${process.pid}`)));
  } finally {
    await s3.stop();
  }
  return out;
}

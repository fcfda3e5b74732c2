// Round trips of a small commit, the cost that dominates on an object store: counted with
// LatencyStore at no added delay (the counts do not depend on timing), for a writer that just
// opened the table (cold: nothing cached, as in a new process) and for one doing its next commit
// (warm), on tables with a short and a long history. Archival keeps the active timeline short, so
// the counts must not grow with history. Set TRACE_ROUND_TRIPS=1 to print each request chain.

import { describe, expect, it } from 'vitest';
import { LatencyStore, MemoryStore, type RoundTripReport } from '@lake/storage';
import { createTable, openTable, type HudiTable } from '@lake/core';

import { traceRequests } from './support/request-trace.js';

/**
 * Bounds met today: a commit from a freshly opened table, and the same writer's next commit,
 * counted up to its acknowledgement (what a commit no longer needs is removed after it).
 * README "Performance" lists what the round trips are.
 */
const COLD_ROUND_TRIPS = 11;
const WARM_ROUND_TRIPS = 6;

const PARTITIONS = 3;
/**
 * A long history: past hoodie.keep.max.commits (30), so auto-archival has moved the oldest
 * commits out and the active timeline is as long as it ever gets.
 */
const LONG_HISTORY = 35;
const rows = (count: number, from: number, ts: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `k${from + i}`, dt: `d${(from + i) % PARTITIONS}`, ts, v: `v${ts}` }));

/** A table with `commits` completed writes: tiny upserts, so building a long history stays fast. */
async function tableWithHistory(type: 'cow' | 'mor', commits: number): Promise<MemoryStore> {
  const store = new MemoryStore(`round-trips-${type}-${commits}-${Math.random()}`);
  const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
  await table.upsert(rows(600, 0, 0));
  for (let c = 1; c < commits; c++) await table.upsert(rows(2, (c * 7) % 600, c));
  return store;
}

interface Measured {
  cold: RoundTripReport;
  warm: RoundTripReport;
}

let renamed = 0;

/** A 1k-row upsert (updates and new keys across every partition) by a fresh writer, then its next one. */
async function measure(store: MemoryStore, label: string): Promise<Measured> {
  const trace = traceRequests(store, `${store.uri}#cold-${++renamed}`);
  const latency = new LatencyStore(trace.store, { latencyMs: 0 });
  const show = (phase: string) => {
    if (process.env.TRACE_ROUND_TRIPS) console.log(`${label} ${phase}: ${trace.requests.length} requests\n${trace.format()}`);
    trace.reset();
  };
  latency.mark();
  trace.reset();
  const table: HudiTable = await openTable(latency);
  await table.upsert(rows(1000, 300, 1_000_000));
  const cold = latency.mark();
  show('cold');
  await table.upsert(rows(1000, 800, 1_000_001));
  const warm = latency.mark();
  show('warm');
  return { cold, warm };
}

describe('round trips of a small commit', () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`${type}: within the targets, cold and warm, the same with a short and a long history`, async () => {
      const short = await measure(await tableWithHistory(type, 10), `${type} 10 commits`);
      const long = await measure(await tableWithHistory(type, LONG_HISTORY), `${type} ${LONG_HISTORY} commits`);
      if (process.env.TRACE_ROUND_TRIPS) console.log(type, { short, long });
      expect(short.cold.roundTrips).toBeLessThanOrEqual(COLD_ROUND_TRIPS);
      expect(short.warm.roundTrips).toBeLessThanOrEqual(WARM_ROUND_TRIPS);
      // Merge-on-read: a cold writer cannot tell from archived commits whether old log files hold
      // deletes and scans them, so its cold commit grows with the logs written since compaction.
      if (type === 'cow') expect(long.cold.roundTrips).toBe(short.cold.roundTrips);
      expect(long.warm.roundTrips).toBe(short.warm.roundTrips);
      expect(long.warm.requests).toBe(short.warm.requests);
    }, 180_000);
  }
});

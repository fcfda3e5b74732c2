// Scenario: listing a 1,000-partition table through Hudi's metadata table against listing its
// folders. Lake writes tables without a metadata table, so the table gets a `files` partition
// written from its folders (writeFilesPartitionSnapshot: one HFile, as Hudi initialises it).
// Each operation runs on a cold table behind a LatencyStore, which counts requests by kind and
// the round trips on the critical path (each LIST of a folder is one when folders are walked).

import { createTable, openTable } from '@lake/core';
import { clearCommitMetadataCache, writeFilesPartitionSnapshot } from '@lake/core/format';
import { scan } from '@lake/query';
import { LatencyStore, MemoryStore, type RequestCounts } from '@lake/storage';

import { measure, sampleOf } from '../measure.js';
import type { EngineRun, ScenarioResult } from '../results.js';

const PARTITIONS = 1000;
/** Small: only the order of requests matters for round trips, and 1,000 LISTs add up. */
const LATENCY_MS = 2;

type Op = (table: Awaited<ReturnType<typeof openTable>>) => Promise<number>;

const OPERATIONS: { id: string; title: string; op: Op }[] = [
  { id: 'mdt-open', title: 'Open and list the file slices', op: async (t) => (await t.fileSlices()).length },
  { id: 'mdt-read', title: 'Open and read every row', op: async (t) => (await t.read().collect()).numRows },
  { id: 'mdt-query', title: 'Open and query one partition', op: async (t) => (await scan(t).where("p = 'p0500'").toArrow()).numRows },
];

function delta(after: RequestCounts, before: RequestCounts): Record<string, number> {
  return { LIST: after.LIST - before.LIST, GET: after.GET - before.GET, HEAD: after.HEAD - before.HEAD };
}

async function run(inner: MemoryStore, op: Op, useMetadataTable: boolean): Promise<EngineRun> {
  clearCommitMetadataCache();
  const store = new LatencyStore(inner, { latencyMs: LATENCY_MS });
  const before = { ...inner.requests };
  let source = '';
  const m = await measure(async () => {
    const table = await openTable(store, { useMetadataTable });
    const rows = await op(table);
    source = table.lastListing?.source ?? '';
    return rows;
  });
  const trips = store.mark();
  const req = delta(inner.requests, before);
  return {
    engine: useMetadataTable ? 'lake (metadata table)' : 'lake (listing)',
    rows: m.value,
    ...sampleOf(m),
    extra: { ...req, requests: trips.requests, roundTrips: trips.roundTrips, listing: source },
  };
}

export async function metadataTable(): Promise<ScenarioResult[]> {
  const inner = new MemoryStore(`bench-mdt-${process.pid}`);
  const table = await createTable(inner, { recordKey: ['id'], partitionBy: ['p'] });
  const key = (i: number): string => `p${String(i).padStart(4, '0')}`;
  await table.insert(Array.from({ length: PARTITIONS }, (_, i) => ({ id: i, p: key(i), v: i / 2 })));
  await table.upsert(Array.from({ length: PARTITIONS / 10 }, (_, i) => ({ id: i * 10, p: key(i * 10), v: -1 })));
  const snapshot = await writeFilesPartitionSnapshot(inner);
  const out: ScenarioResult[] = [];
  for (const { id, title, op } of OPERATIONS) {
    const listed = await run(inner, op, false);
    const through = await run(inner, op, true);
    const l = listed.extra as Record<string, number>;
    const t = through.extra as Record<string, number>;
    out.push({
      id,
      title: `${title}: ${PARTITIONS} partitions, folders listed vs metadata table`,
      size: `${PARTITIONS} partitions`,
      runs: [listed, through],
      targets: [
        { name: 'same rows', goal: 'equal', actual: `${listed.rows} / ${through.rows}`, met: listed.rows === through.rows },
        { name: 'LIST requests', goal: 'O(1) in partitions', actual: `${l.LIST} -> ${t.LIST}`, met: t.LIST < 10 },
        { name: 'round trips', goal: 'fewer', actual: `${l.roundTrips} -> ${t.roundTrips}`, met: t.roundTrips < l.roundTrips },
      ],
      notes: [
        `files partition: one ${snapshot.files}-file HFile written at ${snapshot.instant}; latency ${LATENCY_MS} ms per request`,
        `folders listed: 1 LIST of the root + 1 per partition folder (${PARTITIONS}) + the timeline; metadata table: the data and metadata timelines and the files/ folder`,
      ],
    });
  }
  return out;
}

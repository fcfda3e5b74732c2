// Scenario 5: a table loaded once, then updated in many small batches, then compacted: lake
// merge-on-read (updates land in log files, compaction folds them into new base files) against
// LanceDB (mergeInsert per batch, then optimize()). The small-batch writes are reported too,
// since they are what compaction pays back; copy-on-write rewrites the file group every time.

import type { HudiTable } from '@lake/core';
import type { Table } from 'arrow21';
import type { BenchConfig } from '../config.js';
import { formatCount } from '../config.js';
import { eventTable, upsertTable } from '../data.js';
import { dirBytes, scratch } from '../fs-util.js';
import { lakeCreate, type LakeOptions } from '../lake.js';
import { measure, requestDelta, sampleOf } from '../measure.js';
import { lanceDb, toLanceArrow } from '../peers/lance.js';
import type { EngineRun, ScenarioResult } from '../results.js';
import { morSupport } from './mor-support.js';

type Compact = () => Promise<unknown>;

/** The compaction entry point of this build of lake, if it has one. */
function compactor(table: HudiTable): Compact | undefined {
  const f = (table as unknown as Record<string, unknown>).compact;
  return typeof f === 'function' ? () => (f as () => Promise<unknown>).call(table) : undefined;
}

function unsupported(engine: string, rows: number, why: string): EngineRun {
  return { engine, rows, ms: 0, peakRssDeltaMb: 0, peakHeapDeltaMb: 0, note: `not supported yet (${why})` };
}

async function lakeSmallWrites(engine: string, options: LakeOptions, initial: Table, batches: Table[]) {
  const lake = await lakeCreate(await scratch(`small-lake-${options.type}`), options);
  await lake.table.insert(initial);
  const before = { ...lake.store.requests };
  const m = await measure(async () => {
    for (const b of batches) await lake.table.upsert(b);
  });
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  const run: EngineRun = { engine, rows, ...sampleOf(m), requests: requestDelta(before, lake.store.requests) };
  return { lake, run };
}

export async function compaction(cfg: BenchConfig): Promise<ScenarioResult[]> {
  const n = cfg.smallBatches;
  const rows = cfg.smallBatchRows;
  const size = `${formatCount(cfg.compactBaseRows)} rows, then ${n} update batches x ${formatCount(rows)}`;
  const writes: ScenarioResult = { id: 'small-writes', title: 'Small update batches (one commit each)', size, runs: [], targets: [], notes: [] };
  const compact: ScenarioResult = { id: 'compaction', title: 'Compaction after the small batches', size, runs: [], targets: [], notes: [] };
  const initial = eventTable(0, cfg.compactBaseRows);
  // Updates only: new keys would top up small base files instead of going to log files.
  const batches = Array.from({ length: n }, (_, i) => upsertTable(cfg.compactBaseRows, 2 * rows, 100 + i).slice(0, rows));
  const total = n * rows;

  const mor = await morSupport();
  if (mor.supported) {
    const { lake, run } = await lakeSmallWrites('lake (mor)', { type: 'mor' }, initial, batches);
    writes.runs.push(run);
    const c = compactor(lake.table);
    if (c) {
      const before = { ...lake.store.requests };
      const m = await measure(c);
      compact.runs.push({
        engine: 'lake (mor)',
        rows: cfg.compactBaseRows,
        ...sampleOf(m),
        requests: requestDelta(before, lake.store.requests),
        bytesWritten: lake.store.requests.bytesWritten - before.bytesWritten,
      });
    } else {
      compact.runs.push(unsupported('lake (mor)', cfg.compactBaseRows, 'no compaction API on HudiTable'));
    }
  } else {
    writes.runs.push(unsupported('lake (mor)', total, mor.reason ?? ''));
    compact.runs.push(unsupported('lake (mor)', cfg.compactBaseRows, mor.reason ?? ''));
  }
  if (cfg.smallBatchesCow) writes.runs.push((await lakeSmallWrites('lake', { type: 'cow' }, initial, batches)).run);

  const lanceDir = await scratch('small-lance');
  const db = await lanceDb(lanceDir);
  const lanceTable = await db.createTable('ad_events', toLanceArrow(initial));
  const lanceBatches = batches.map(toLanceArrow);
  const lanceWrites = await measure(async () => {
    for (const b of lanceBatches) await lanceTable.mergeInsert('impression_id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(b);
  });
  writes.runs.push({ engine: 'lancedb', rows: total, ...sampleOf(lanceWrites) });
  const before = await dirBytes(lanceDir);
  const lanceCompact = await measure(async () => lanceTable.optimize());
  compact.runs.push({ engine: 'lancedb', rows: cfg.compactBaseRows, ...sampleOf(lanceCompact), extra: { bytesBefore: before, bytesAfter: await dirBytes(lanceDir) } });
  compact.notes.push('rows = table rows; LanceDB optimize() also prunes old versions, its bytesAfter counts what is left');
  return [writes, compact];
}

// A long-running writer keeps its partition listing across commits and catches up from the
// commit metadata of writes completed since (table/writer-snapshot.ts). Model test: whatever
// other writers and table services do in between (writes, deletes, overwrites, compaction,
// clustering, clean, rollback), the view the writer's next write starts from is the view a fresh
// listing of the table gives.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable, openTable, type HudiTable } from '../src/index.js';
import { buildFileSystemView, latestFileSlices, type FileSystemView } from '../src/table/fs-view.js';
import { writeContext } from '../src/write/table-writes.js';
import { writerSnapshots } from '../src/table/writer-snapshot.js';
import { listPartitions, type PartitionListing } from '../src/table/partition.js';

type Step =
  | { kind: 'write'; by: 'writer' | 'other'; keys: number[]; partition: number }
  | { kind: 'delete'; keys: number[] }
  | { kind: 'overwrite'; partition: number }
  | { kind: 'compact' }
  | { kind: 'cluster'; by: 'writer' | 'other' }
  | { kind: 'clean'; by: 'writer' | 'other' }
  | { kind: 'rollback' };

const keys = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), by: fc.constantFrom('writer' as const, 'other' as const), keys, partition: fc.integer({ min: 0, max: 2 }) }) },
  fc.record({ kind: fc.constant('delete' as const), keys }),
  fc.record({ kind: fc.constant('overwrite' as const), partition: fc.integer({ min: 0, max: 2 }) }),
  fc.constant({ kind: 'compact' as const }),
  fc.record({ kind: fc.constant('cluster' as const), by: fc.constantFrom('writer' as const, 'other' as const) }),
  fc.record({ kind: fc.constant('clean' as const), by: fc.constantFrom('writer' as const, 'other' as const) }),
  fc.constant({ kind: 'rollback' as const }),
);

/** Every latest file slice with its files and sizes, in a comparable form. */
function describeView(view: FileSystemView): string[] {
  return latestFileSlices(view)
    .map((s) => `${s.partitionPath}/${s.fileId}@${s.baseInstantTime}: ${s.baseFile ? `${s.baseFile.fileName}:${s.baseFile.size}` : '-'} ${s.logFiles.map((l) => `${l.fileName}:${l.size}`).join(',')}`)
    .sort();
}

async function run(type: 'cow' | 'mor', steps: Step[], n: number): Promise<void> {
  const store = new MemoryStore(`writer-listing-${type}-${process.pid}-${n}`);
  const writer: HudiTable = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
  const other = await openTable(store);
  let ts = 0;
  const rows = (ids: number[], partition?: number) => ids.map((id) => ({ id: `k${id}`, dt: `d${partition ?? id % 3}`, ts: ++ts, v: `v${ts}` }));
  await writer.upsert(rows([0, 1, 2]));
  for (const s of steps) {
    // Services may have nothing to do, or refuse in a state the steps reached: what matters is the view afterwards.
    const ignore = () => undefined;
    if (s.kind === 'write') await (s.by === 'writer' ? writer : other).upsert(rows(s.keys, s.partition));
    else if (s.kind === 'delete') await other.delete(rows(s.keys));
    else if (s.kind === 'overwrite') await other.insertOverwrite(rows([s.partition], s.partition));
    else if (s.kind === 'compact') {
      if (type === 'mor') await other.compact().catch(ignore);
    } else if (s.kind === 'cluster') await (s.by === 'writer' ? writer : other).clusterSmallFiles().catch(ignore);
    // Two commits retained: the rollback step may undo the latest write, which needs the versions before it.
    else if (s.kind === 'clean') await (s.by === 'writer' ? writer : other).clean({ policy: { kind: 'commits', retain: 2 }, readerGraceMs: 0 }).catch(ignore);
    else {
      const latest = (await other.timeline()).latestCompletedWrite()?.time;
      if (latest) await other.rollback(latest).catch(ignore);
    }
    // The writer's next write starts from this view; it must be what a fresh listing shows.
    const { timeline, view } = await writeContext(writer).snapshot();
    const fresh = await buildFileSystemView(store, timeline, {});
    expect(describeView(view)).toEqual(describeView(fresh));
    expect([...view.validInstants].sort()).toEqual([...fresh.validInstants].sort());
    // The kept listing itself (which the writer's cleans and clusterings plan from) holds every
    // file a fresh listing shows: no step here leaves files of a write that did not complete.
    // (Sizes of data files; the partition metadata file's is not kept.)
    const files = (listing: PartitionListing[]) => listing.flatMap((p) => p.files.map((f) => (f.name.startsWith('.hoodie_partition') ? f.key : `${f.key}:${f.size}`))).sort();
    expect(files(await writerSnapshots.listing(writer, store, timeline))).toEqual(files(await listPartitions(store)));
  }
}

describe("a writer's kept partition listing", () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`${type}: equals a fresh listing after whatever happened since its last write`, async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => run(type, steps, ++n)),
        { numRuns: 8 },
      );
    }, 120_000);
  }
});

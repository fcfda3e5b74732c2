// A delete by record key alone looks its keys up in the key index once: the lookup that finds
// which partitions hold the keys also routes them to their file groups. The index's work counters
// must show each footer checked once and each key column scanned once per delete. The result must
// be what the plan's own lookup gives: the same delete named by (key, partition) records on an
// identical table writes the same files and the same write stats.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createInstantTimeGenerator, createTable, rowsToTable, type HudiTable, type WriteResult } from '../src/format.js';
import { keyIndexWork } from '../src/index/key-index.js';

let n = 0;
const partitionOf = (id: number) => `p${id % 3}`;
const rows = (ids: readonly number[], ts = 1) => ids.map((id) => ({ id, part: partitionOf(id), ts, v: `v${id}` }));

/** Writer ids that give two tables built by the same calls the same instants and file ids. */
function writerIds() {
  let fileNo = 0;
  return {
    instants: createInstantTimeGenerator({ clock: () => Date.UTC(2026, 0, 1) }),
    newFileId: () => `00000000-0000-4000-8000-${String(++fileNo).padStart(12, '0')}-0`,
  };
}

/** A table whose partitions hold several file groups each: every batch goes to new ones. */
async function tableWith(type: 'cow' | 'mor', batches: readonly number[][], ids: ReturnType<typeof writerIds>): Promise<HudiTable> {
  const t = await createTable(new MemoryStore(`delete-keys-once-${process.pid}-${n++}`), { recordKey: ['id'], partitionBy: ['part'], orderingField: 'ts', type });
  for (const batch of batches) if (batch.length > 0) await t.insert(rows(batch), { ids, sizing: { smallFileLimitBytes: 0 } });
  return t;
}

/** The key index's work while `run` ran. */
async function indexWork(run: () => Promise<unknown>): Promise<{ footersChecked: number; keyColumnsScanned: number }> {
  const before = { ...keyIndexWork };
  await run();
  return { footersChecked: keyIndexWork.footersChecked - before.footersChecked, keyColumnsScanned: keyIndexWork.keyColumnsScanned - before.keyColumnsScanned };
}

async function ids(t: HudiTable): Promise<number[]> {
  const column = (await t.read().collect()).getChild('id');
  return column ? [...column].map(Number).sort((a, b) => a - b) : [];
}

// A file name's write token carries a per-attempt stage id; the rest of the name is the plan's.
const WRITE_TOKEN = /_\d+-\d+-\d+/;

/** What a delete wrote, per file: the fields a reader or the next writer relies on. */
async function writeStats(t: HudiTable, result: WriteResult) {
  const timeline = await t.timeline();
  const instant = timeline.completed().find((i) => i.time === result.instant);
  if (!instant) return [];
  const meta = await timeline.commitMetadata(instant);
  return [...meta.partitionToWriteStats.values()]
    .flat()
    .map((s) => ({ partition: s.partitionPath, fileId: s.fileId, path: s.path?.replace(WRITE_TOKEN, '_<token>'), prevCommit: s.prevCommit, numDeletes: s.numDeletes, numWrites: s.numWrites, numUpdateWrites: s.numUpdateWrites, numInserts: s.numInserts }))
    .sort((a, b) => `${a.partition}/${a.fileId}`.localeCompare(`${b.partition}/${b.fileId}`));
}

describe('a delete by key alone', () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`looks each base file up once (${type})`, async () => {
      const t = await tableWith(type, [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17]], writerIds());
      const files = (await t.fileSlices()).filter((s) => s.baseFile).length;
      expect(files).toBe(9);
      let result: WriteResult | undefined;
      // Keys in every partition and file, and keys in none.
      const work = await indexWork(async () => {
        result = await t.delete(['0', '4', '8', '13', '17', '99', 'x']);
      });
      // Each footer checked once, each key column with a candidate scanned once.
      expect(work.footersChecked).toBe(files);
      expect(work.keyColumnsScanned).toBe(result?.index.filesRead);
      expect(work.keyColumnsScanned).toBeGreaterThanOrEqual(5);
      expect(result?.deleted).toBe(5);
      expect(result?.index.filesConsidered).toBe(files);
      expect(await ids(t)).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16]);
    });
  }

  it('deletes what the plan would delete from (key, partition) records, writing the same files', async () => {
    const idArb = fc.integer({ min: 0, max: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('cow' as const, 'mor' as const),
        // Each key is inserted once, by one of up to four inserts (each into new file groups).
        fc.uniqueArray(fc.record({ id: idArb, batch: fc.integer({ min: 0, max: 3 }) }), { selector: (r) => r.id, maxLength: 24 }),
        fc.uniqueArray(idArb, { minLength: 1, maxLength: 10 }),
        async (type, placed, doomed) => {
          const batches = [0, 1, 2, 3].map((b) => placed.filter((r) => r.batch === b).map((r) => r.id));
          // The model: a Map from key to partition.
          const model = new Map<number, string>(placed.map((r) => [r.id, partitionOf(r.id)]));
          const [byKeysIds, byRowsIds] = [writerIds(), writerIds()];
          const byKeys = await tableWith(type, batches, byKeysIds);
          const byRows = await tableWith(type, batches, byRowsIds);
          const a = await byKeys.delete(doomed.map(String), { ids: byKeysIds });
          // The plan's own lookup: records naming each key's partition.
          const present = doomed.filter((id) => model.has(id));
          const b = present.length > 0 ? await byRows.delete(rowsToTable(present.map((id) => ({ id, part: partitionOf(id) }))), { ids: byRowsIds }) : undefined;
          for (const id of doomed) model.delete(id);
          const expected = [...model.keys()].sort((x, y) => x - y);
          expect(await ids(byKeys)).toEqual(expected);
          if (!b) {
            expect(a.filesWritten).toBe(0);
            return;
          }
          expect(await ids(byRows)).toEqual(expected);
          expect({ instant: a.instant, deleted: a.deleted, filesWritten: a.filesWritten, partitions: a.partitions }).toEqual({
            instant: b.instant,
            deleted: b.deleted,
            filesWritten: b.filesWritten,
            partitions: b.partitions,
          });
          expect(await writeStats(byKeys, a)).toEqual(await writeStats(byRows, b));
        },
      ),
      { numRuns: 15 },
    );
  });
});

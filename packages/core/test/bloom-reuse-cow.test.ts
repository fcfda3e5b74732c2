// Copy-on-write writes start a rewritten file group's record-key filter from its old base file's
// filter. Whatever the sequence of upserts, inserts topping up small files and deletes, every
// base file's footer still says "maybe" for each key the file holds and its range bounds them.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { byteSourceFromBytes, readFooterKeyValues } from '@lake/parquet';

import { createTable } from '../src/format.js';
import { readFooterRecordKeys } from '../src/index/bloom-footer.js';

const id = (n: number) => `k${String(n).padStart(3, '0')}`;

type Op = { kind: 'upsert'; ids: number[]; topUp: boolean } | { kind: 'delete'; ids: number[] };

const idsArb = fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { minLength: 1, maxLength: 40 });
const upsertArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('upsert' as const), ids: idsArb, topUp: fc.boolean() });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: upsertArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), ids: idsArb }) },
);

let counter = 0;

describe('reused record-key filters of copy-on-write file groups', () => {
  it('keep every key of every base file and a range bounding them', async () => {
    await fc.assert(
      // the first write makes the table's schema
      fc.asyncProperty(upsertArb, fc.array(opArb, { maxLength: 8 }), async (first, rest) => {
        const ops = [first, ...rest];
        const store = new MemoryStore(`bloom-reuse-cow-${process.pid}-${++counter}`);
        const t = await createTable(store, { recordKey: ['id'], orderingField: 'ts', type: 'cow' });
        const live = new Set<string>();
        for (const [step, op] of ops.entries()) {
          const keys = op.ids.map(id);
          if (op.kind === 'delete') {
            await t.delete(keys);
            for (const k of keys) live.delete(k);
          } else {
            const sizing = op.topUp ? {} : { sizing: { smallFileLimitBytes: 0 } };
            await t.upsert(keys.map((k) => ({ id: k, ts: step, v: `${k}@${step}` })), sizing);
            for (const k of keys) live.add(k);
          }
          await checkFooters(store, t, live);
        }
      }),
      { numRuns: 20 },
    );
  });
});

async function checkFooters(store: MemoryStore, t: Awaited<ReturnType<typeof createTable>>, live: ReadonlySet<string>): Promise<void> {
  const table = await t.read({ withMeta: true }).collect();
  const fileNames = table.getChild('_hoodie_file_name')!;
  const recordKeys = table.getChild('_hoodie_record_key')!;
  const keysByFile = new Map<string, string[]>();
  for (let r = 0; r < table.numRows; r++) {
    const name = String(fileNames.get(r));
    keysByFile.set(name, [...(keysByFile.get(name) ?? []), String(recordKeys.get(r))]);
  }
  expect(new Set([...keysByFile.values()].flat())).toEqual(live);
  for (const slice of await t.fileSlices()) {
    const path = slice.baseFile!.path;
    const meta = await readFooterKeyValues(byteSourceFromBytes(await store.get(path)), path);
    const { range, bloom } = readFooterRecordKeys(meta);
    const keys = keysByFile.get(path.slice(path.lastIndexOf('/') + 1)) ?? [];
    if (keys.length === 0) continue;
    expect(bloom?.typeCode, path).toBe('DYNAMIC_V0');
    expect(range, path).toBeDefined();
    for (const k of keys) {
      expect(bloom!.mightContain(k), `${path} key ${k}`).toBe(true);
      expect(k >= range!.min && k <= range!.max, `${path} key ${k} in [${range!.min}, ${range!.max}]`).toBe(true);
    }
  }
}

// An erasure (merge-on-read, and copy-on-write) whose store fails at each of its writes in turn (from that write on,
// as if the process had died there): re-running the same request finishes it — the delete, the
// compaction it scheduled, the purge, the proof — and no raw value is left anywhere in the
// table folder.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FaultyStore, LocalStore, type StoreOperation } from '@lake/storage';
import { createTable, openTable, type HudiTable } from '@lake/core';
import { rawValueLocations } from './support/raw-values.js';

const root = mkdtempSync(join(tmpdir(), 'lake-erasure-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const erased = ['user-03', 'user-11'];
const WRITES: StoreOperation[] = ['put', 'putIfAbsent', 'delete', 'deleteMany'];

function rows(from: number, to: number, version: number) {
  return Array.from({ length: to - from }, (_, j) => {
    const i = from + j;
    return { id: `rec-${String(i).padStart(4, '0')}`, user_id: `user-${String(i % 17).padStart(2, '0')}`, dt: `d${i % 3}`, v: version };
  });
}

/** A store over `dir` that fails every write from the `failFrom`-th on (0: never), counting writes. */
function failingStore(dir: string, failFrom: number): { store: FaultyStore; writes: () => number } {
  let writes = 0;
  let last = '';
  const store = new FaultyStore(new LocalStore(dir), {
    failOn(op, _key, n) {
      if (!WRITES.includes(op)) return false;
      // deleteMany asks once per key; one call is one write.
      if (`${op}#${n}` !== last) {
        last = `${op}#${n}`;
        writes++;
      }
      return failFrom > 0 && writes >= failFrom;
    },
  });
  return { store, writes: () => writes };
}

async function snapshot(t: HudiTable): Promise<string[]> {
  const out: string[] = [];
  for await (const b of t.read({ columns: ['id', 'user_id', 'v'] })) {
    for (let i = 0; i < b.numRows; i++) out.push(`${b.getChild('id')?.get(i)}|${b.getChild('user_id')?.get(i)}|${b.getChild('v')?.get(i)}`);
  }
  return out.sort();
}

interface Setup {
  template: string;
  expected: string[];
  erasedRows: number;
  totalWrites: number;
}

/** A table of the type with the users' rows in base files (and, merge-on-read, in logs), and how many writes its erasure makes. */
async function setUp(type: 'mor' | 'cow'): Promise<Setup> {
  const template = join(root, `${type}-template`);
  const t = await createTable(template, { recordKey: ['id'], partitionBy: ['dt'], type });
  await t.insert(rows(0, 240, 1));
  // Merge-on-read updates go to log files, so the erased users' rows sit in base files and logs.
  await t.upsert(rows(0, 120, 2));
  const all = await snapshot(t);
  const expected = all.filter((r) => !erased.includes(r.split('|')[1]));
  const copy = join(root, `${type}-count`);
  cpSync(template, copy, { recursive: true });
  const counting = failingStore(copy, 0);
  const report = await (await openTable(counting.store)).erase({ column: 'user_id', values: erased, requestId: 'req-1' });
  expect(report.verification.passed).toBe(true);
  return { template, expected, erasedRows: all.length - expected.length, totalWrites: counting.writes() };
}

describe.each(['mor', 'cow'] as const)('a %s erasure failing at any store write', (type) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp(type);
  }, 120_000);

  it('is finished by running the same request again', async () => {
    expect(setup.erasedRows).toBeGreaterThan(20);
    expect(setup.totalWrites).toBeGreaterThanOrEqual(type === 'mor' ? 15 : 8);
    for (let failFrom = 1; failFrom <= setup.totalWrites; failFrom++) {
      const dir = join(root, `${type}-fail-${failFrom}`);
      cpSync(setup.template, dir, { recursive: true });
      const first = failingStore(dir, failFrom);
      await expect((await openTable(first.store)).erase({ column: 'user_id', values: erased, requestId: 'req-1' }), `write ${failFrom} fails`).rejects.toThrow();

      const t = await openTable(dir);
      const report = await t.erase({ column: 'user_id', values: erased, requestId: 'req-1' });
      expect(report.verification, `re-run after a failure at write ${failFrom}`).toMatchObject({ passed: true, matches: 0 });
      expect(report.rowsErased, `rows erased over both runs, failure at write ${failFrom}`).toBe(setup.erasedRows);
      expect(rawValueLocations(dir, erased), `raw values left after a failure at write ${failFrom}`).toEqual([]);
      expect(await snapshot(t), `snapshot after a failure at write ${failFrom}`).toEqual(setup.expected);
      const pending = (await t.timeline()).pending().filter((i) => i.action === 'compaction' || i.action === 'clean');
      expect(pending, `table services left pending after a failure at write ${failFrom}`).toEqual([]);
      const proof = await t.verifyErasure('req-1');
      expect(proof.verification.passed).toBe(true);
      expect(proof.status).toBe('completed');
      // The compaction and the purge this request ran are its own, whichever run did them.
      const timeline = await t.timeline();
      expect(proof.instants.filter((i) => timeline.completedInstant(i)?.action === 'clean').length, `purge recorded, failure at write ${failFrom}`).toBeGreaterThanOrEqual(1);
      if (type === 'mor') expect(proof.instants.some((i) => timeline.completedInstant(i)?.action === 'commit'), `compaction recorded, failure at write ${failFrom}`).toBe(true);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});

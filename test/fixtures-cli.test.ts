// `lake show --format ndjson` and `lake history` over every Spark-written fixture table: the
// command prints the rows Spark would return (expected contents from test/fixtures/hudi/README.md).

import { describe, expect, it } from 'vitest';
import { lake } from './support/cli.js';
import { fixtures } from './support/fixtures.js';
import { V9_STEPS, replay } from './support/v9-txns.js';

function expectedSample(name: string): Record<string, boolean> {
  if (name.endsWith('_empty')) return {};
  if (name.endsWith('_overwritetable')) return { 4: false };
  if (name.endsWith('_rollback')) return { 1: true, 2: true, 3: true };
  return { 1: false, 2: false, 3: true, 4: true };
}

const trips8i1u: Record<string, number> = { 'rider-A': 19.1, 'rider-C': 27.7, 'rider-D': 25.0, 'rider-E': 93.5, 'rider-F': 34.15, 'rider-G': 43.4, 'rider-I': 41.06, 'rider-J': 17.85 };

const trips8i3d: Record<string, number> = { 'rider-E': 93.5, 'rider-F': 34.15, 'rider-G': 43.4, 'rider-I': 41.06, 'rider-J': 17.85 };

describe('lake show on Spark-written tables', () => {
  for (const f of fixtures().filter((x) => x.version < 9)) {
    it(`${f.id}: prints the latest snapshot as ndjson`, async () => {
      if (f.group.startsWith('sample_table')) {
        const r = await lake('show', f.root, '--format', 'ndjson', '--columns', 'id,isActive');
        expect(r.err).toEqual([]);
        expect(r.code).toBe(0);
        const got = Object.fromEntries(r.out.map((l) => JSON.parse(l) as { id: number; isActive: boolean }).map((o) => [o.id, o.isActive]));
        expect(got).toEqual(expectedSample(f.name));
      } else {
        const r = await lake('show', f.root, '--format', 'ndjson', '--columns', 'rider,fare');
        expect(r.code).toBe(0);
        const got = Object.fromEntries(r.out.map((l) => JSON.parse(l) as { rider: string; fare: number }).map((o) => [o.rider, o.fare]));
        const expected = f.name.endsWith('8i3d') ? trips8i3d : trips8i1u;
        expect(got).toEqual(expected);
      }
    });

    it(`${f.id}: lake history lists its completed commits`, async () => {
      const r = await lake('history', f.root, '--json');
      expect(r.code).toBe(0);
      const entries = r.out.map((l) => JSON.parse(l) as { state: string; action: string });
      const writes = entries.filter((e) => e.state === 'completed' && ['commit', 'deltacommit', 'replacecommit'].includes(e.action));
      expect(writes.length).toBeGreaterThan(f.name.endsWith('_empty') ? -1 : 0);
    });
  }

  it('renders every type of the sample tables losslessly', async () => {
    const f = fixtures().find((x) => x.id === 'sample_table/cow/v6_nonpartitioned')!;
    const r = await lake('show', f.root, '--format', 'ndjson');
    const carol = r.out.map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o.id === 3)!;
    expect(typeof carol.decimalField).toBe('string');
    expect(carol.decimalField).toMatch(/^-?\d+\.\d{5}$/);
    expect(carol.dateField).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(carol.timestampField).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(typeof carol.binaryField).toBe('string');
    expect(Array.isArray(carol.arrayField)).toBe(true);
    expect(typeof carol.mapField).toBe('object');
    expect(typeof (carol.structField as Record<string, unknown>).child_struct).toBe('object');
  });

  for (const f of fixtures().filter((x) => V9_STEPS[x.id] !== undefined)) {
    it(`${f.id} (table version 9): prints the latest snapshot as ndjson`, async () => {
      const r = await lake('show', f.root, '--format', 'ndjson', '--columns', 'txn_id,txn_ts,amount,txn_type');
      expect(r.err).toEqual([]);
      expect(r.code).toBe(0);
      const states = replay(V9_STEPS[f.id]!);
      const want = states[states.length - 1]!.map(({ row }) => JSON.stringify({ txn_id: row.txn_id, txn_ts: row.txn_ts, amount: row.amount, txn_type: row.txn_type }));
      expect(r.out.map((l) => JSON.stringify(JSON.parse(l) as unknown)).sort()).toEqual(want.sort());
    });
  }

  for (const f of fixtures().filter((x) => V9_STEPS[x.id] !== undefined)) {
    it(`${f.id} (table version 9): lake history lists one completed write per statement`, async () => {
      const r = await lake('history', f.root, '--json');
      expect(r.code).toBe(0);
      const entries = r.out.map((l) => JSON.parse(l) as { state: string; action: string });
      const done = entries.filter((e) => e.state === 'completed' && ['commit', 'deltacommit', 'replacecommit'].includes(e.action));
      expect(done.length).toBe(V9_STEPS[f.id]!.length);
    });
  }

  it('a table version 9 table with Lance base files: one line naming Lance, exit 1, no rows', async () => {
    const f = fixtures().find((x) => x.id === 'sample_table/cow/v9_lance_nonpartitioned')!;
    const r = await lake('show', f.root, '--format', 'ndjson');
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^lake: .*Lance/);
  });
});

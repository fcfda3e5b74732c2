import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { buildFileSystemView, fileGroupKey, latestFileSlices, openTable } from '@lake/core/format';

import { cleanupFixtures, fixture, memoryCopy } from '../../../test/support/fixtures.js';
import { recordIndexFileGroups, trustedFileGroups, type RecordIndexPruneInput, type WriteSummary } from './record-index-prune.js';

afterAll(() => cleanupFixtures());

/** The inputs of a latest read of the table written by Spark with a record index. */
async function inputs(keys: string[]): Promise<RecordIndexPruneInput> {
  const table = await openTable(await memoryCopy(fixture('sample_table/cow/v9_timebasedkeygen_nonhivestyle').root));
  const timeline = await table.timeline();
  const view = await buildFileSystemView(table.store, timeline, { listing: await table.partitionListing(timeline, undefined) });
  const viewGroups = new Set(latestFileSlices(view).map((s) => fileGroupKey(s.partitionPath, s.fileId)));
  return { store: table.store, table, timeline, asOf: undefined, keys, viewGroups, isValidInstant: view.isVisible, useMetadataTable: undefined };
}

// TXN-004 is in file group 38c3314d-...-0 of partition 2024/01/17/14, written by the table's first
// INSERT and never again; the second INSERT stored TXN-001 a second time.
const TXN_004 = fileGroupKey('2024/01/17/14', '38c3314d-9c20-4306-9cd3-acae0e09ef55-0');

describe('which file groups the record index lets a key lookup skip', () => {
  it('a key in a file group untouched since before any key could be stored twice: only that group', async () => {
    expect(await recordIndexFileGroups(await inputs(['TXN-004']))).toEqual(new Set([TXN_004]));
  });

  it('an index naming a file group the read does not have (stale, or the group replaced) is not used', async () => {
    const input = await inputs(['TXN-004']);
    const viewGroups = new Set([...input.viewGroups].filter((g) => g !== TXN_004));
    expect(await recordIndexFileGroups({ ...input, viewGroups })).toBeUndefined();
  });

  it('a key the index does not hold, once keys may have been stored twice, could be an older copy left by a delete: not used', async () => {
    expect(await recordIndexFileGroups(await inputs(['TXN-004', 'no-such-key']))).toBeUndefined();
    // TXN-002 was deleted after the second INSERT
    expect(await recordIndexFileGroups(await inputs(['TXN-002']))).toBeUndefined();
  });

  it('a key whose file group an insert wrote after the first write is not trusted to be its only copy', async () => {
    expect(await recordIndexFileGroups(await inputs(['TXN-001']))).toBeUndefined();
    expect(await recordIndexFileGroups(await inputs(['TXN-004', 'TXN-005']))).toBeUndefined();
  });

  it('useMetadataTable: false reads no index', async () => {
    expect(await recordIndexFileGroups({ ...(await inputs(['TXN-004'])), useMetadataTable: false })).toBeUndefined();
  });
});

/**
 * A model of how Hudi's writers keep a table and its record index: `insert` stores keys without
 * looking them up (a key may then live twice; the index names the newest copy), upsert and delete
 * act on the copy the index names, clustering rewrites groups into new ones (the index follows the
 * rows it moved, unless the writer failed to update it), insert overwrite replaces groups without
 * touching the index (which goes stale).
 */
type Op =
  | { kind: 'insert'; keys: number[]; into: number }
  | { kind: 'upsert'; keys: number[]; into: number }
  | { kind: 'delete'; keys: number[] }
  /** `indexFollows: false`: the latest write moved rows and the index does not know yet (it names replaced groups). */
  | { kind: 'cluster'; groups: number[]; indexFollows: boolean }
  | { kind: 'overwrite'; groups: number[]; keys: number[] };

const KEYS = 8;
const keyList = fc.uniqueArray(fc.integer({ min: 0, max: KEYS - 1 }), { minLength: 1, maxLength: 4 });
// `into`: an existing group by position (small-file packing), or past the end: a new group
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), keys: keyList, into: fc.nat(6) }),
  fc.record({ kind: fc.constant('upsert' as const), keys: keyList, into: fc.nat(6) }),
  fc.record({ kind: fc.constant('delete' as const), keys: keyList }),
  fc.record({ kind: fc.constant('cluster' as const), groups: fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 3 }), indexFollows: fc.constant(true) }),
  fc.record({ kind: fc.constant('overwrite' as const), groups: fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 2 }), keys: keyList }),
);

const OPERATION: Record<Op['kind'], string> = { insert: 'INSERT', upsert: 'UPSERT', delete: 'DELETE', cluster: 'CLUSTER', overwrite: 'INSERT_OVERWRITE' };

function play(first: number[], ops: Op[]): { rows: { key: string; group: string }[]; index: Map<string, string>; live: Set<string>; writes: WriteSummary[] } {
  let rows: { key: string; group: string }[] = [];
  const index = new Map<string, string>();
  const live: string[] = [];
  const writes: WriteSummary[] = [];
  let next = 0;
  const newGroup = (): string => {
    const g = `g${next++}`;
    live.push(g);
    return g;
  };
  const target = (into: number): string => (into < live.length ? live[into]! : newGroup());
  const insert = (key: string, group: string): void => {
    rows.push({ key, group });
    index.set(key, group);
  };
  const g0 = newGroup();
  for (const k of first) insert(`k${k}`, g0);
  writes.push({ operation: 'INSERT', groups: [g0] });
  for (const op of ops) {
    const touched = new Set<string>();
    if (op.kind === 'insert') {
      const g = target(op.into);
      for (const k of op.keys) insert(`k${k}`, g);
      touched.add(g);
    } else if (op.kind === 'upsert') {
      let g: string | undefined;
      for (const k of op.keys.map((n) => `k${n}`)) {
        const at = index.get(k);
        if (at) touched.add(at);
        else {
          g ??= target(op.into);
          insert(k, g);
          touched.add(g);
        }
      }
    } else if (op.kind === 'delete') {
      for (const k of op.keys.map((n) => `k${n}`)) {
        const at = index.get(k);
        if (!at) continue;
        const i = rows.findIndex((r) => r.key === k && r.group === at);
        if (i >= 0) rows.splice(i, 1);
        index.delete(k);
        touched.add(at);
      }
    } else {
      const replaced = op.groups.filter((n) => n < live.length).map((n) => live[n]!);
      if (replaced.length === 0) continue;
      for (const g of replaced) live.splice(live.indexOf(g), 1);
      if (op.kind === 'cluster') {
        for (const g of replaced) {
          const out = newGroup();
          touched.add(out);
          for (const r of rows) if (r.group === g) {
            r.group = out;
            if (op.indexFollows) index.set(r.key, out);
          }
        }
      } else {
        rows = rows.filter((r) => !replaced.includes(r.group));
        const out = newGroup();
        touched.add(out);
        for (const k of op.keys) insert(`k${k}`, out);
      }
    }
    writes.push({ operation: OPERATION[op.kind], groups: [...touched] });
  }
  return { rows, index, live: new Set(live), writes };
}

describe('the trust rule against a model of Hudi writes', () => {
  it('whenever it trusts the index, every stored copy of every pinned key is in a group it keeps', () => {
    fc.assert(
      fc.property(keyList, fc.array(opArb, { maxLength: 12 }), fc.option(fc.nat(5)), fc.uniqueArray(fc.integer({ min: 0, max: KEYS - 1 }), { minLength: 1, maxLength: 3 }), (first, ops, stale, pinned) => {
        const last: Op[] = stale === null ? [] : [{ kind: 'cluster', groups: [stale], indexFollows: false }];
        const { rows, index, live, writes } = play(first, [...ops, ...last]);
        const keys = pinned.map((n) => `k${n}`);
        const located = new Map(keys.filter((k) => index.has(k)).map((k) => [k, index.get(k)!]));
        const kept = trustedFileGroups(writes, located, keys, live);
        if (!kept) return;
        for (const r of rows) if (keys.includes(r.key)) expect(kept.has(r.group), `${r.key} in ${r.group}`).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('trusts the index of a table kept by upserts and deletes after its first insert', () => {
    const { index, live, writes } = play([0, 1, 2, 3], [
      { kind: 'upsert', keys: [1, 5], into: 9 },
      { kind: 'delete', keys: [2] },
      { kind: 'cluster', groups: [0], indexFollows: true },
    ]);
    const located = new Map([['k1', index.get('k1')!]]);
    expect(trustedFileGroups(writes, located, ['k1'], live)).toEqual(new Set([index.get('k1')]));
    // a key the index does not hold is in no file: every group can be skipped
    expect(trustedFileGroups(writes, new Map(), ['k2'], live)).toEqual(new Set());
  });
});

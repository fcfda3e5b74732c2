// Conformance with Spark for Hudi 1.1 tables (table version 9, timeline layout 2): every v9
// fixture reads back as the statements of its .sql say (test/support/v9-txns.ts replays them):
// the latest snapshot with every column, time travel to every completed write, and incremental
// reads of every write; rollbacks, INSERT OVERWRITE, clustering, compaction and the time-based key
// generator included. The Lance fixture is refused with a typed error naming the format.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import {
  BlockType,
  HeaderKey,
  UnsupportedBaseFileFormatError,
  UnsupportedFeatureError,
  encodeLogBlock,
  logFileBytes,
  readLogBlocks,
  ReadOnlyTableVersionError,
  openTable,
  rowsToJson,
  type BatchStream,
  type HudiTable,
  type MetadataTableUnusableError,
} from '@lake/core/format';
import { FIXTURES_DIR, cleanupFixtures, fixtures, memoryCopy } from './support/fixtures.js';
import { ROLLED_BACK_ROWS, V9_STEPS, asRead, replay, type ModelRow, type Step, type Txn } from './support/v9-txns.js';
import { archiveIntoLsm } from './support/lsm-history.js';
import { keyLayoutOf, metaColumnsOf, type KeyLayout } from './support/v9-meta-columns.js';

afterAll(() => cleanupFixtures());

type Row = Record<string, unknown>;

const v9 = fixtures().filter((f) => f.version === 9);
const txnTables = v9.filter((f) => V9_STEPS[f.id] !== undefined);
/** Merge-on-read tables with an UPDATE: it goes to a log file. */
const morUpdated = txnTables.filter((f) => f.group.includes('/mor') && V9_STEPS[f.id]!.some((s) => s.kind === 'update')).map((f) => f.id);
const LANCE = [
  'quickstart_trips_table/cow/v9_trips_lance',
  'quickstart_trips_table/mor/avro/v9_trips_lance',
  'sample_table/cow/v9_lance_nonpartitioned',
  'sample_table/cow/v9_lance_txns_nonpart',
  'sample_table/cow/v9_lance_txns_simple',
  'sample_table/mor/avro/v9_lance_nonhivestyle',
];
/** Each table once listing folders, and once more through its metadata table where it has one. */
const readModes = txnTables.flatMap((f) => {
  const modes = existsSync(join(f.root, '.hoodie', 'metadata', '.hoodie')) ? [true, false] : [false];
  return modes.map((useMetadataTable) => [`${f.id} ${useMetadataTable ? 'through the metadata table' : 'listing folders'}`, f, useMetadataTable] as const);
});

async function rows(stream: BatchStream): Promise<Row[]> {
  const out: Row[] = [];
  for (const b of (await stream.collect()).batches) out.push(...([...rowsToJson(b)] as Row[]));
  return out;
}

const key = (r: { txn_id: unknown; txn_ts: unknown }): string => `${String(r.txn_id)}@${String(r.txn_ts)}`;

/** Milliseconds of a `yyyy-MM-dd HH:mm:ss` wall clock read as UTC. */
const wallClock = (text: string): number => Date.parse(`${text.replace(' ', 'T')}Z`);

/**
 * Compares rows read with the model's. TIMESTAMP literals are stored in UTC from the writing Spark
 * session's time zone, so every row of a table is off from its literal by the same whole hours.
 */
function expectRows(actual: Row[], expected: ModelRow[], label: string, meta?: { layout: KeyLayout; times: string[] }): void {
  const byKey = (list: Row[]): string[] => list.map((r) => key(r as Txn)).sort();
  expect(byKey(actual), label).toEqual(byKey(expected.map((m) => m.row as Row)));
  const offsets = new Set<number>();
  for (const want of expected.map((m) => m.row)) {
    const got = actual.find((r) => key(r as Txn) === key(want))!;
    const { txn_datetime: gotTime, ...gotRest } = Object.fromEntries(Object.entries(got).filter(([k]) => !k.startsWith('_hoodie_')));
    const { txn_datetime: wantTime, ...wantRest } = want as Txn;
    expect(gotRest, `${label} ${key(want)}`).toEqual(wantRest);
    if (meta) {
      const { recordKey, partitionPath } = metaColumnsOf(meta.layout, want);
      const writtenAt = expected.find((m) => m.row === want)!.writtenAt;
      expect([got._hoodie_record_key, got._hoodie_partition_path, got._hoodie_commit_time], `${label} ${key(want)} meta columns`).toEqual([recordKey, partitionPath, meta.times[writtenAt]]);
    }
    offsets.add(Date.parse(String(gotTime)) - wallClock(String(wantTime)));
  }
  expect(offsets.size, `${label}: one session time zone`).toBeLessThanOrEqual(1);
  for (const o of offsets) {
    expect(o % 3_600_000, label).toBe(0);
    expect(Math.abs(o), label).toBeLessThanOrEqual(14 * 3_600_000);
  }
}

async function writes(t: HudiTable): Promise<string[]> {
  return (await t.timeline()).completedWrites().map((i) => i.time);
}

describe('Hudi 1.1 (table version 9) fixtures', () => {
  it('are all read, the Lance ones included', () => {
    expect(txnTables.length).toBe(19);
    expect(v9.map((f) => f.id).sort()).toEqual([...txnTables.map((f) => f.id), ...LANCE].sort());
    // Hudi enables the metadata table unless the statements turn it off.
    const withMetadataTable = txnTables.filter((f) => !readFileSync(join(FIXTURES_DIR, `${f.id}.sql`), 'utf8').includes("'hoodie.metadata.enable' = 'false'"));
    expect(readModes.filter(([, , mdt]) => mdt).map(([, f]) => f.id)).toEqual(withMetadataTable.map((f) => f.id));
    expect(morUpdated.length).toBe(7);
  });

  describe.each(readModes)('%s', (_label, f, useMetadataTable) => {
    const id = f.id;
    const steps = V9_STEPS[id]!;
    const states = replay(steps);
    const layout = keyLayoutOf(readFileSync(join(FIXTURES_DIR, `${id}.sql`), 'utf8'));
    const warnings: MetadataTableUnusableError[] = [];
    // A read meant to go through the metadata table must not fall back to listing folders.
    const open = (source: Parameters<typeof openTable>[0]): Promise<HudiTable> => openTable(source, { useMetadataTable, onWarning: (w) => warnings.push(w) });
    afterEach(() => {
      expect(warnings.splice(0)).toEqual([]);
    });

    it('parses hoodie.properties: version 9, timeline layout 2, event-time merge mode', async () => {
      const t = await open(f.root);
      expect(t.config.version).toBe(9);
      expect(t.config.timelineLayoutVersion).toBe(2);
      expect(t.config.timelineDir).toBe('.hoodie/timeline');
      expect(t.config.recordMergeMode).toBe('EVENT_TIME_ORDERING');
      expect(t.config.orderingFields).toEqual(['txn_ts']);
      expect(t.config.type).toBe(f.group.includes('/mor') ? 'MERGE_ON_READ' : 'COPY_ON_WRITE');
    });

    it('has one completed write per statement, each with its completion time', async () => {
      const tl = await (await open(f.root)).timeline();
      const done = tl.completedWrites();
      expect(done.length).toBe(steps.length);
      for (const i of done) expect(i.completionTime! > i.time).toBe(true);
    });

    it('reads the latest snapshot, every column', async () => {
      const t = await open(f.root);
      const last = states.length - 1;
      expectRows(await rows(t.read({ withMeta: false })), states[last]!.map(asRead(id, last)), 'latest');
    });

    it('travels to every completed write', async () => {
      const t = await open(f.root);
      const times = await writes(t);
      for (let k = 0; k < times.length; k++) {
        expectRows(await rows(t.read({ asOf: times[k] })), states[k]!.map(asRead(id, k)), `as of write ${k + 1}`, { layout, times });
      }
      expect(await rows(t.read({ asOf: '20000101000000000' }))).toEqual([]);
    });

    it('reads every write incrementally: the rows it left, at their latest', async () => {
      const t = await open(f.root);
      const times = await writes(t);
      for (let k = 0; k < times.length; k++) {
        const inc = await rows(t.readIncremental({ start: k === 0 ? undefined : times[k - 1], end: times[k] }));
        for (const r of inc) expect(r._hoodie_commit_time).toBe(times[k]);
        expectRows(inc, states[k]!.filter((m) => m.writtenAt === k).map(asRead(id, k)), `incremental write ${k + 1}`, { layout, times });
      }
      expect(await rows(t.readIncremental({ start: times[times.length - 1] }))).toEqual([]);
    });

    it('refuses writes with a typed error and writes nothing', async () => {
      const store = await memoryCopy(f.root);
      const before: string[] = [];
      for await (const o of store.list('')) before.push(o.key);
      const t = await open(store);
      const err = await t.delete(['TXN-001']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReadOnlyTableVersionError);
      expect((err as ReadOnlyTableVersionError).code).toBe('READ_ONLY_TABLE_VERSION');
      expect((err as Error).message).toContain('version 9');
      const after: string[] = [];
      for await (const o of store.list('')) after.push(o.key);
      expect(after.sort()).toEqual(before.sort());
    });
  });
});

describe('v9 fixture specifics', () => {
  const byId = (id: string) => txnTables.find((f) => f.id === id)!;

  it('rollback_to_instant: the rolled-back write never shows, in any read', async () => {
    const t = await openTable(byId('sample_table/mor/avro/v9_nonpartitioned_rollback').root);
    const tl = await t.timeline();
    const rolledBack = [...(await tl.rolledBackInstants())];
    expect(rolledBack.length).toBe(1);
    expect(tl.completedWrites().map((i) => i.time)).not.toContain(rolledBack[0]);
    for (const stream of [t.read(), t.readIncremental(), t.read({ asOf: rolledBack[0] }), t.read({ readOptimized: true })]) {
      for (const r of await rows(stream)) {
        expect(r._hoodie_commit_time).not.toBe(rolledBack[0]);
        expect(ROLLED_BACK_ROWS.some(([id, ts]) => r.txn_id === id && r.txn_ts === ts)).toBe(false);
      }
    }
  });

  it('time-based key generator: partition folders are ts_str formatted as yyyy/MM/dd/HH', async () => {
    const t = await openTable(byId('sample_table/cow/v9_timebasedkeygen_nonhivestyle').root);
    const latest = await rows(t.read());
    expect(latest.length).toBeGreaterThan(0);
    for (const r of latest) {
      const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):/.exec(String(r.ts_str))!;
      expect(r._hoodie_partition_path).toBe(`${m[1]}/${m[2]}/${m[3]}/${m[4]}`);
    }
  });

  it('INSERT OVERWRITE TABLE is a replacecommit after the two inserts', async () => {
    const tl = await (await openTable(byId('sample_table/cow/v9_txns_simple_overwrite').root)).timeline();
    expect(tl.completedWrites().map((i) => i.action)).toEqual(['commit', 'commit', 'replacecommit']);
  });

  it.each(morUpdated)('merge-on-read %s: an update stays in a log until compaction; read-optimized reads base files only', async (id) => {
    const steps = V9_STEPS[id]!;
    const states = replay(steps);
    const t = await openTable(byId(id).root);
    const times = await writes(t);
    const at = steps.findIndex((s) => s.kind === 'update');
    const update = steps[at] as Extract<Step, { kind: 'update' }>;
    const ofKey = (list: { txn_id: unknown; txn_ts: unknown }[]): string[] => list.filter((r) => r.txn_id === update.txnId).map(key).sort();
    // As of the update, the base files still hold the version before it: the new one is in a log.
    const ro = await rows(t.read({ readOptimized: true, asOf: times[at] }));
    expect(ofKey(ro as Txn[])).toEqual(ofKey(states[at - 1]!.map((m) => m.row)));
    expect(ofKey((await rows(t.read({ asOf: times[at] }))) as Txn[])).toEqual(ofKey(states[at]!.map((m) => m.row)));
    // Hudi compacts only after five delta commits: where a compaction followed the last update or
    // delete (and inserts wrote base files), read-optimized reads the latest rows.
    const lastChange = Math.max(...steps.flatMap((s, i) => (s.kind === 'update' || s.kind === 'delete' ? [i] : [])));
    if (steps.some((s, i) => i > lastChange && s.kind === 'service')) {
      const last = states.length - 1;
      expectRows(await rows(t.read({ readOptimized: true, withMeta: false })), states[last]!.map(asRead(id, last)), 'read-optimized');
    }
  });

  it('merge-on-read: a partial-update data block (only changed columns) is refused, never read as whole rows', async () => {
    const f = byId('sample_table/mor/avro/v9_txns_simple_meta');
    let marked = 0;
    const store = await memoryCopy(f.root, (files) => {
      for (const [path, bytes] of files) {
        if (path.startsWith('.hoodie/') || !/\.log\.\d+_/.test(path)) continue;
        const blocks = readLogBlocks(bytes).blocks;
        if (!blocks.some((b) => b.type === BlockType.AVRO_DATA)) continue;
        const header = (b: (typeof blocks)[number]): Map<number, string> =>
          b.type === BlockType.AVRO_DATA ? new Map([...b.header, [HeaderKey.IS_PARTIAL, 'true']]) : b.header;
        files.set(path, logFileBytes(blocks.map((b) => encodeLogBlock({ type: b.type, header: header(b), content: b.content, footer: b.footer }))));
        marked++;
      }
    });
    expect(marked).toBeGreaterThan(0);
    const t = await openTable(store);
    // As of the update of TXN-001 (write 2), its log block is read.
    const times = await writes(t);
    const err = await rows(t.read({ asOf: times[1] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect((err as Error).message).toContain('partial-update');
  });

  it('writes count from their completion: one that completed after a later-started one comes after it', async () => {
    const f = byId('sample_table/cow/v9_txns_nonpart_nometa');
    const tl = await (await openTable(f.root)).timeline();
    const done = tl.completedWrites();
    // Writes 8 (TXN-011/012) and 9 (TXN-013/014) insert into new file groups. Let write 8 complete
    // after write 9 did, still before write 10 started.
    const [w8, w9, w10] = [done[7]!, done[8]!, done[9]!];
    const late = String((BigInt(w9.completionTime!) + BigInt(w10.time)) / 2n);
    expect(late > w9.completionTime! && late < w10.time).toBe(true);
    const store = await memoryCopy(f.root, (files) => {
      const from = `.hoodie/timeline/${w8.time}_${w8.completionTime}.commit`;
      files.set(`.hoodie/timeline/${w8.time}_${late}.commit`, files.get(from)!);
      files.delete(from);
    });
    const t = await openTable(store);
    expect((await writes(t)).slice(7, 9)).toEqual([w9.time, w8.time]);
    const ids = (list: Row[]): string[] => list.map((r) => String(r.txn_id)).sort();
    // As of write 9 (its completion), write 8 had not completed: its rows are not there yet.
    const asOf9 = ids(await rows(t.read({ asOf: w9.time })));
    expect(asOf9).toContain('TXN-013');
    expect(asOf9).not.toContain('TXN-011');
    expect(ids(await rows(t.read({ asOf: w8.time })))).toEqual(expect.arrayContaining(['TXN-011', 'TXN-013']));
    // Incremental (write 9, write 8]: write 8's rows only, though it started before write 9.
    expect(ids(await rows(t.readIncremental({ start: w9.time, end: w8.time })))).toEqual(['TXN-011', 'TXN-012']);
    expect(ids(await rows(t.readIncremental({ start: w8.time, end: w10.time })))).toEqual([]);
  });

  it('archived (LSM) history: a read reaching before the active timeline reads the archived writes too', async () => {
    const f = byId('sample_table/cow/v9_txns_simple_overwrite');
    const first = (await writes(await openTable(f.root)))[0]!;
    // Archival moves the first commit into .hoodie/timeline/history (test/support/lsm-history.ts).
    const t = await openTable(await memoryCopy(f.root, (files) => void archiveIntoLsm(files, { writes: 1, perFile: 1 })));
    const times = await writes(t);
    expect(times.length).toBe(2);
    expect(times).not.toContain(first);
    const states = replay(V9_STEPS[f.id]!);
    expectRows(await rows(t.read({ withMeta: false })), states[2]!, 'latest');
    const plain = await openTable(f.root);
    const keys = (list: Row[]): string[] => list.map((r) => `${String(r._hoodie_commit_time)} ${key(r as Txn)}`).sort();
    const fromStart = keys(await rows(t.readIncremental({ start: '20000101000000000' })));
    expect(fromStart).toEqual(keys(await rows(plain.readIncremental({ start: '20000101000000000' }))));
    expect(keys(await rows(t.readIncremental({ start: first })))).toEqual(keys(await rows(plain.readIncremental({ start: first }))));
  });

  it.each(LANCE)('Lance base files (%s): every read fails with a typed error naming Lance, never rows', async (id) => {
    const f = v9.find((x) => x.id === id)!;
    const t = await openTable(f.root);
    expect(t.config.baseFileFormat).toBe('LANCE');
    const reads: (() => Promise<unknown>)[] = [
      () => rows(t.read()),
      () => rows(t.read({ asOf: '20991231000000000' })),
      () => rows(t.readIncremental()),
      () => t.schema(),
    ];
    for (const read of reads) {
      const err = await read().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UnsupportedBaseFileFormatError);
      expect((err as UnsupportedBaseFileFormatError).code).toBe('UNSUPPORTED_BASE_FILE_FORMAT');
      expect((err as UnsupportedBaseFileFormatError).format).toBe('Lance');
      expect((err as Error).message).toContain('Lance');
    }
  });
});

// Hudi 1.x's archived (LSM) timeline history: Spark-written v8/v9 fixtures with their oldest
// writes moved into `.hoodie/timeline/history/` (test/support/lsm-history.ts, as Hudi's archiver
// lays it out) read the same history, incremental rows and time-travel rows as the unarchived
// fixture; only the latest manifest's files are read; a broken history fails typed.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  CorruptTimelineError,
  UnsupportedFeatureError,
  loadArchivedTimeline,
  openTable,
  rowsToJson,
  writtenFileGroups,
  type BatchStream,
  type HudiTable,
} from '@lake/core/format';
import { scan } from '@lake/query';
import type { ObjectStore } from '@lake/storage';
import { cleanupFixtures, fixture, memoryCopy, readTree } from './support/fixtures.js';
import { lake } from './support/cli.js';
import { HISTORY, archiveIntoLsm, lsmFileName, lsmParquet, manifestJson, type LsmArchive, type LsmArchiveOptions } from './support/lsm-history.js';

const tmp = mkdtempSync(join(tmpdir(), 'lake-lsm-history-'));
afterAll(() => {
  cleanupFixtures();
  rmSync(tmp, { recursive: true, force: true });
});

/** Rows as sorted JSON lines, so two reads compare whatever their batch and file order. */
async function lines(stream: BatchStream): Promise<string[]> {
  const out: string[] = [];
  for (const b of (await stream.collect()).batches) for (const r of rowsToJson(b)) out.push(JSON.stringify(r));
  return out.sort();
}

async function writes(t: HudiTable): Promise<{ time: string; completionTime?: string }[]> {
  return (await t.timeline()).completedWrites().map((i) => ({ time: i.time, ...(i.completionTime ? { completionTime: i.completionTime } : {}) }));
}

interface Pair {
  plain: HudiTable;
  archived: HudiTable;
  store: ObjectStore;
  lsm: LsmArchive;
}

async function archivedPair(id: string, options: LsmArchiveOptions, edit?: (files: Map<string, Uint8Array>, lsm: LsmArchive) => void): Promise<Pair> {
  const root = fixture(id).root;
  let lsm: LsmArchive | undefined;
  const store = await memoryCopy(root, (files) => {
    lsm = archiveIntoLsm(files, options);
    edit?.(files, lsm);
  });
  return { plain: await openTable(await memoryCopy(root)), archived: await openTable(store), store, lsm: lsm! };
}

const CASES: { id: string; options: LsmArchiveOptions }[] = [
  // Copy-on-write with a metadata table: the 7 writes before the first replace commit (which Hudi
  // keeps active until a clean) in three layer-0 files, then compacted into one layer-1 file with
  // the layer-0 files left behind.
  { id: 'sample_table/cow/v9_txns_simple_meta', options: { writes: 7, perFile: 3, compact: true } },
  // Merge-on-read: updates and deletes in log files of archived delta commits.
  { id: 'sample_table/mor/avro/v9_txns_simple_meta', options: { writes: 7, perFile: 4 } },
  // Table version 8.
  { id: 'sample_table/cow/v8_simplekeygen_nonhivestyle', options: { writes: 1, perFile: 1 } },
];

describe.each(CASES)('LSM history of $id', ({ id, options }) => {
  it('lists the archived writes with their completion times and commit metadata', async () => {
    const { plain, archived, store, lsm } = await archivedPair(id, options);
    const all = await writes(plain);
    const active = await writes(archived);
    expect(active).toEqual(all.slice(options.writes));
    const history = await loadArchivedTimeline(store, archived.config);
    const old = history.completedWrites();
    expect(old.map((i) => ({ time: i.time, completionTime: i.completionTime }))).toEqual(all.slice(0, options.writes));
    expect(old.length).toBe(lsm.rows.filter((r) => ['commit', 'deltacommit', 'replacecommit'].includes(r.action)).length);
    const plainTimeline = await plain.timeline();
    for (const i of old) {
      const want = await plainTimeline.commitMetadata(plainTimeline.completedInstant(i.time)!);
      const got = history.commitMetadata(i);
      expect(writtenFileGroups(got), i.time).toEqual(writtenFileGroups(want));
      expect(got.operationType).toBe(want.operationType);
      expect([...got.partitionToReplaceFileIds]).toEqual([...want.partitionToReplaceFileIds]);
    }
  });

  it('answers incremental reads reaching before the active timeline as the unarchived table does', async () => {
    const { plain, archived } = await archivedPair(id, options);
    const times = (await writes(plain)).map((w) => w.time);
    const latest = times[times.length - 1]!;
    const starts = [undefined, '20000101000000000', ...times.slice(0, options.writes + 1)];
    for (const start of starts) {
      const want = await lines(plain.readIncremental({ start, end: latest }));
      expect(await lines(archived.readIncremental({ start, end: latest })), `(${start}, ${latest}]`).toEqual(want);
      const viaScan = await scan(archived).incremental(start, latest).withMeta().toArrow();
      expect(viaScan.numRows, `scan (${start}, ${latest}]`).toBe(want.length);
    }
    // Ranges ending inside the archived part.
    for (const end of times.slice(0, options.writes)) {
      expect(await lines(archived.readIncremental({ end })), `(, ${end}]`).toEqual(await lines(plain.readIncremental({ end })));
      expect(await lines(archived.readIncremental({ start: times[0], end })), `(${times[0]}, ${end}]`).toEqual(await lines(plain.readIncremental({ start: times[0], end })));
    }
  });

  it('time-travels to archived writes as the unarchived table does', async () => {
    const { plain, archived } = await archivedPair(id, options);
    for (const w of await writes(plain)) {
      expect(await lines(archived.read({ asOf: w.time })), `as of ${w.time}`).toEqual(await lines(plain.read({ asOf: w.time })));
    }
  });
});

describe('LSM history layout', () => {
  const id = 'sample_table/cow/v9_txns_simple_meta';
  const options: LsmArchiveOptions = { writes: 6, perFile: 2, compact: true };

  it('reads only the latest manifest: files of older snapshots still on storage are ignored', async () => {
    const stray = { instantTime: '20260307162400000', completionTime: '20260307162400500', action: 'commit', metadata: null, plan: null };
    const { archived, store, lsm } = await archivedPair(id, options, (files) => {
      // A layer-0 file of an older snapshot that only manifest_1 listed, and bytes no reader could decode.
      const older = lsmParquet([stray]);
      files.set(`${HISTORY}${lsmFileName([stray], 0)}`, older);
      files.set(`${HISTORY}manifest_1`, new TextEncoder().encode(manifestJson([{ fileName: lsmFileName([stray], 0), fileLen: older.length }])));
      files.set(`${HISTORY}00000000000000000_00000000000000001_0.parquet`, new TextEncoder().encode('not parquet'));
    });
    expect(lsm.manifests.length).toBe(4);
    const history = await loadArchivedTimeline(store, archived.config);
    expect(history.instants.map((i) => i.time)).not.toContain(stray.instantTime);
    expect(history.completedWrites().length).toBe(6);
  });

  it('falls back to the newest manifest when _version_ is unreadable, as Hudi does', async () => {
    const { plain, archived, store } = await archivedPair(id, options, (files) => {
      files.set(`${HISTORY}_version_`, new TextEncoder().encode('not a number'));
    });
    expect((await loadArchivedTimeline(store, archived.config)).completedWrites().length).toBe(6);
    expect(await lines(archived.readIncremental())).toEqual(await lines(plain.readIncremental()));
  });

  const broken: { what: string; edit: (files: Map<string, Uint8Array>, lsm: LsmArchive) => void; file: string }[] = [
    {
      what: 'a manifest lists a file that is missing',
      edit: (files) => files.delete(`${HISTORY}20260307162434124_20260307162447985_1.parquet`),
      file: '20260307162434124_20260307162447985_1.parquet',
    },
    { what: '_version_ names a manifest that is missing', edit: (files) => files.set(`${HISTORY}_version_`, new TextEncoder().encode('9')), file: 'manifest_9' },
    { what: 'the manifest is not JSON', edit: (files) => files.set(`${HISTORY}manifest_4`, new TextEncoder().encode('{"files": [')), file: 'manifest_4' },
    {
      what: '_version_ is unreadable and no manifest is left',
      edit: (files) => {
        for (const k of [...files.keys()]) if (k.startsWith(`${HISTORY}manifest_`)) files.delete(k);
        files.set(`${HISTORY}_version_`, new TextEncoder().encode('x'));
      },
      file: '_version_',
    },
    {
      what: 'a history file is not Parquet',
      edit: (files) => files.set(`${HISTORY}20260307162434124_20260307162447985_1.parquet`, new TextEncoder().encode('truncated')),
      file: '20260307162434124_20260307162447985_1.parquet',
    },
  ];

  it.each(broken)('fails with CorruptTimelineError naming the file when $what', async ({ edit, file }) => {
    const { archived, store } = await archivedPair(id, options, edit);
    const fromHistory = await loadArchivedTimeline(store, archived.config).catch((e: unknown) => e);
    expect(fromHistory).toBeInstanceOf(CorruptTimelineError);
    expect((fromHistory as CorruptTimelineError).file).toBe(`.hoodie/timeline/history/${file}`);
    const incremental = await lines(archived.readIncremental()).catch((e: unknown) => e);
    expect(incremental).toBeInstanceOf(CorruptTimelineError);
    // Reads that stay within the active timeline do not depend on the history.
    const active = await writes(archived);
    expect((await lines(archived.readIncremental({ start: active[0]!.time }))).length).toBeGreaterThan(0);
  });

  it('refuses rows of a HoodieLSMTimelineInstant version it does not know, typed', async () => {
    const { archived, store } = await archivedPair(id, { writes: 2, perFile: 2 }, (files, lsm) => {
      const rows = lsm.rows.map((r) => ({ ...r, version: 2 }));
      files.set(`${HISTORY}${lsmFileName(rows, 0)}`, lsmParquet(rows));
    });
    const err = await loadArchivedTimeline(store, archived.config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect((err as Error).message).toContain('version 2');
  });

  it('lake history --archived lists the archived instants of a v9 table', async () => {
    const { plain } = await archivedPair(id, options);
    const dir = join(tmp, 'history');
    const files = readTree(fixture(id).root);
    archiveIntoLsm(files, options);
    for (const [key, bytes] of files) {
      mkdirSync(dirname(join(dir, key)), { recursive: true });
      writeFileSync(join(dir, key), bytes);
    }
    const run = await lake('history', dir, '--json', '--archived');
    expect(run.code, run.err.join('\n')).toBe(0);
    const entries = run.out.map((l) => JSON.parse(l) as { instant: string; completionTime: string | null; archived: boolean; inserted: number | null });
    const all = await writes(plain);
    expect(entries.filter((e) => e.archived).map((e) => ({ time: e.instant, completionTime: e.completionTime }))).toEqual(all.slice(0, 6));
    expect(entries.find((e) => e.instant === all[0]!.time)!.inserted).toBeGreaterThan(0);
  });
});

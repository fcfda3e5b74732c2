// Cleaning: old file versions go, as a Hudi `clean` instant with Avro plan and metadata; time
// travel to retained instants keeps working and to older ones is refused with a typed error.

import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createTable, decodeMetadataFile, InstantCleanedError, readAvroContainer, type HudiTable } from '@lake/core/format';
import { LocalStore, MemoryStore } from '@lake/storage';
import { lake } from './support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'lake-clean-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function parquetFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => e.name)
    .sort();
}

async function fiveVersions(name: string, type: 'cow' | 'mor'): Promise<{ dir: string; t: HudiTable; instants: string[] }> {
  const dir = join(root, name);
  const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['p'], type });
  const instants: string[] = [];
  instants.push((await t.insert([{ id: 'a', p: 'x', v: 0 }, { id: 'b', p: 'y', v: 0 }])).instant);
  // New keys rewrite the small file of their partition: a new file version each time.
  for (let i = 1; i <= 4; i++) instants.push((await t.upsert([{ id: `n${i}`, p: 'x', v: i }])).instant);
  return { dir, t, instants };
}

describe('clean', () => {
  it('keeps what the last N writes need, records a Hudi clean instant, and refuses older time travel', async () => {
    const { dir, t, instants } = await fiveVersions('cow', 'cow');
    const before = await Promise.all(instants.map(async (i) => (await t.read({ asOf: i, withMeta: false }).collect()).numRows));
    expect(parquetFiles(join(dir, 'x'))).toHaveLength(5);

    const dry = await lake('clean', dir, '--retain-commits', '2', '--reader-grace-minutes', '0', '--dry-run', '--json');
    expect(JSON.parse(dry.out[0])).toMatchObject({ instant: null, files: 3, dryRun: true, earliestRetained: instants[3] });
    expect(parquetFiles(join(dir, 'x'))).toHaveLength(5);

    const run = await lake('clean', dir, '--retain-commits', '2', '--reader-grace-minutes', '0');
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out[0]).toMatch(new RegExp(`^Clean \\d{17} deleted 3 file\\(s\\) in 1 partition\\(s\\); instants from ${instants[3]} on stay readable \\(KEEP_LATEST_COMMITS\\)\\.$`));
    // Kept: the version serving reads at the earliest retained instant, and the newest.
    expect(parquetFiles(join(dir, 'x'))).toHaveLength(2);
    expect(parquetFiles(join(dir, 'y'))).toHaveLength(1);

    for (const [k, i] of instants.entries()) {
      if (k >= 3) expect((await t.read({ asOf: i }).collect()).numRows).toBe(before[k]);
      else await expect(t.read({ asOf: i }).collect()).rejects.toBeInstanceOf(InstantCleanedError);
    }
    await expect(t.readIncremental({ start: instants[0], end: instants[1] }).collect()).rejects.toMatchObject({ code: 'INSTANT_CLEANED' });
    expect((await t.readIncremental({ start: instants[3] }).collect()).numRows).toBe(1);
    const show = await lake('show', dir, '--as-of', instants[1]);
    expect(show.code).toBe(1);
    expect(show.err[0]).toMatch(/^lake: Instant \d{17} is older than what the table retains/);

    // The timeline holds Hudi's clean instant: Avro plan and metadata.
    const store = new LocalStore(dir);
    const timeline = await t.timeline();
    const clean = timeline.completed().find((i) => i.action === 'clean')!;
    const bytes = await store.get(timeline.instantPath(clean));
    expect(JSON.parse(readAvroContainer(bytes).schemaJson).name).toBe('HoodieCleanMetadata');
    expect(decodeMetadataFile(bytes, 'clean')).toMatchObject({ policy: 'KEEP_LATEST_COMMITS', earliestCommitToRetain: instants[3], totalFilesDeleted: 3 });
    const plan = await store.get(`.hoodie/${clean.time}.clean.requested`);
    expect(decodeMetadataFile(plan, 'plan')).toMatchObject({ policy: 'KEEP_LATEST_COMMITS', earliestInstantToRetain: { timestamp: instants[3] } });

    expect((await lake('clean', dir, '--retain-commits', '2', '--reader-grace-minutes', '0')).out[0]).toMatch(/^Nothing to clean/);
    // Writes go on as usual.
    await t.upsert([{ id: 'a', p: 'x', v: 9 }]);
    expect((await t.read({ withMeta: false }).collect()).numRows).toBe(6);
  });

  it('cleans merge-on-read slices with their logs, never a slice a pending compaction needs', async () => {
    const { dir, t } = await fiveVersions('mor', 'mor');
    await t.upsert([{ id: 'a', p: 'x', v: 1 }]);
    await t.compact();
    await t.upsert([{ id: 'a', p: 'x', v: 2 }]);
    const logsBefore = readdirSync(join(dir, 'x')).filter((n) => n.includes('.log.'));
    expect(logsBefore).toHaveLength(2);
    const latest = (await t.read({ withMeta: false }).collect()).toArray().map((r) => JSON.stringify(r.toJSON(), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)));
    // Retaining the last write keeps the compacted slice (base + its log) and drops the older
    // slices, the pre-compaction log with them.
    const res = await t.clean({ policy: { kind: 'commits', retain: 1 }, readerGraceMs: 0 });
    expect(res?.filesDeleted).toBe(6);
    expect(readdirSync(join(dir, 'x')).filter((n) => n.includes('.log.'))).toHaveLength(1);
    expect(parquetFiles(join(dir, 'x'))).toHaveLength(1);
    expect((await t.read({ withMeta: false }).collect()).toArray().map((r) => JSON.stringify(r.toJSON(), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)))).toEqual(latest);

    // While a compaction is pending its file group is left alone.
    await t.scheduleCompaction();
    await t.upsert([{ id: 'b', p: 'y', v: 5 }]);
    await t.upsert([{ id: 'b', p: 'y', v: 6 }]);
    const files = readdirSync(join(dir, 'x')).length;
    await t.clean({ policy: { kind: 'commits', retain: 1 }, readerGraceMs: 0 });
    expect(readdirSync(join(dir, 'x')).length).toBe(files);
    await t.compact();
    expect((await t.read({ withMeta: false }).collect()).numRows).toBe(latest.length);
  });

  it('by hours keeps what time travel over the window needs', async () => {
    const { dir, t, instants } = await fiveVersions('hours', 'cow');
    // Everything is minutes old: a 1-hour window keeps all of it.
    expect(await t.clean({ policy: { kind: 'hours', retain: 1 } })).toBeUndefined();
    // Seen from two hours later, only the newest write is inside the window.
    const later = new Date(Date.now() + 2 * 3_600_000);
    const { cleanTable } = await import('@lake/core/format');
    const res = await cleanTable(t, { policy: { kind: 'hours', retain: 1 }, now: later });
    // From two hours later the superseded versions are past the readers' grace period too.
    expect(res?.earliestRetained).toBe(instants[4]);
    expect(parquetFiles(join(dir, 'x'))).toHaveLength(1);
    expect((await lake('clean', dir, '--retain-commits', '1', '--retain-hours', '1')).code).toBe(2);
  });
});

describe('readers in flight', () => {
  it('keeps versions superseded within the grace period, for readers still reading them', async () => {
    const { dir, t } = await fiveVersions('grace', 'cow');
    // Every version was superseded seconds ago: nothing goes, no clean is recorded.
    expect(await t.clean({ policy: { kind: 'commits', retain: 1 } })).toBeUndefined();
    expect(parquetFiles(join(dir, 'x'))).toHaveLength(5);
    // A reader that started on the oldest version still finds its files.
    const first = (await t.timeline()).completedWrites()[0].time;
    expect((await t.read({ asOf: first }).collect()).numRows).toBe(2);
    expect((await t.clean({ policy: { kind: 'commits', retain: 1 }, readerGraceMs: 0 }))?.filesDeleted).toBe(4);
  });
});

describe('leftovers of killed writes', () => {
  it('removes temp files of writes killed over an hour ago, not fresh ones, and never table files', async () => {
    const { dir, t } = await fiveVersions('leftovers', 'cow');
    const old = join(dir, 'x', '.lake-tmp-killed-writer');
    const fresh = join(dir, '.hoodie', '.lake-tmp-writing-now');
    writeFileSync(old, 'half a parquet file');
    writeFileSync(fresh, 'half a commit');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    const before = parquetFiles(dir);
    const rows = (await t.read().collect()).numRows;

    const dry = await lake('clean', dir, '--dry-run', '--json');
    expect(JSON.parse(dry.out.join("")).abandonedWritesRemoved).toBe(0);
    expect(existsSync(old)).toBe(true);

    const run = await lake('clean', dir);
    expect(run.code).toBe(0);
    expect(run.out.join("\n")).toMatch(/Removed 1 temporary file/);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(parquetFiles(dir)).toEqual(before);
    expect((await t.read().collect()).numRows).toBe(rows);
    // On a store without leftovers there is nothing to do.
    expect(await (await createTable(new MemoryStore(`leftovers-${process.pid}`), { recordKey: ['id'] })).removeAbandonedWrites()).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIO } from '../src/index.js';

function capture(): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false };
}

async function lake(...args: string[]) {
  const io = capture();
  const code = await runCli(args, io);
  return { code, out: io.lines, err: io.errors };
}

describe('lake CLI', () => {
  let dir: string;
  let table: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lake-cli-'));
    table = join(dir, 'impressions');
    await writeFile(join(dir, 'a.ndjson'), [
      '{"id":"i1","user_id":"u1","dt":"2024-05-01","ts":1,"cost":0.25}',
      '{"id":"i2","user_id":"u2","dt":"2024-05-01","ts":1,"cost":0.5}',
      '{"id":"i3","user_id":"u1","dt":"2024-05-02","ts":1,"cost":1.5}',
    ].join('\n'));
    await writeFile(join(dir, 'b.csv'), 'id,user_id,dt,ts,cost\ni1,u1,2024-05-01,2,9.75\ni4,u4,2024-05-03,1,\n');
    await writeFile(join(dir, 'del.ndjson'), '{"id":"i2","dt":"2024-05-01"}\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates, writes, shows, time-travels and reads incrementally', async () => {
    expect((await lake('create', table, '--key', 'id', '--partition-by', 'dt', '--ordering-field', 'ts')).code).toBe(0);
    const w1 = await lake('write', table, '--input', join(dir, 'a.ndjson'), '--json');
    expect(w1.code).toBe(0);
    const first = JSON.parse(w1.out[0]) as { instant: string; inserted: number };
    expect(first.inserted).toBe(3);
    const w2 = await lake('write', table, '--input', join(dir, 'b.csv'), '--json');
    const second = JSON.parse(w2.out[0]) as { instant: string; inserted: number; updated: number };
    expect([second.inserted, second.updated]).toEqual([1, 1]);
    expect((await lake('write', table, '--input', join(dir, 'del.ndjson'), '--op', 'delete')).code).toBe(0);

    const snap = await lake('show', table, '--format', 'ndjson');
    const rows = snap.out.map((l) => JSON.parse(l)).sort((a, b) => a.id.localeCompare(b.id));
    expect(rows).toEqual([
      { id: 'i1', user_id: 'u1', dt: '2024-05-01', ts: 2, cost: 9.75 },
      { id: 'i3', user_id: 'u1', dt: '2024-05-02', ts: 1, cost: 1.5 },
      { id: 'i4', user_id: 'u4', dt: '2024-05-03', ts: 1, cost: null },
    ]);
    const past = await lake('show', table, '--format', 'ndjson', '--as-of', first.instant, '--columns', 'id,cost');
    expect(past.out.map((l) => JSON.parse(l)).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'i1', cost: 0.25 }, { id: 'i2', cost: 0.5 }, { id: 'i3', cost: 1.5 },
    ]);
    const inc = await lake('show', table, '--format', 'ndjson', '--since', first.instant, '--until', second.instant, '--columns', 'id');
    expect(inc.out.map((l) => JSON.parse(l).id).sort()).toEqual(['i1', 'i4']);
    const meta = await lake('show', table, '--format', 'ndjson', '--with-meta', '--limit', '1');
    expect(Object.keys(JSON.parse(meta.out[0])).slice(0, 5)).toEqual([
      '_hoodie_commit_time', '_hoodie_commit_seqno', '_hoodie_record_key', '_hoodie_partition_path', '_hoodie_file_name',
    ]);
    const csv = await lake('show', table, '--format', 'csv', '--columns', 'id,cost');
    expect(csv.out[0]).toBe('id,cost');
    expect(csv.out).toHaveLength(4);

    const history = await lake('history', table, '--json');
    const entries = history.out.map((l) => JSON.parse(l));
    expect(entries.map((e) => [e.operation, e.inserted, e.updated, e.deleted])).toEqual([
      ['UPSERT', 3, 0, 0], ['UPSERT', 1, 1, 0], ['DELETE', 0, 0, 1],
    ]);
    expect(entries.every((e) => e.state === 'completed' && e.action === 'commit')).toBe(true);
  });

  it('inserts leaving out, or refusing, records whose key is stored (--duplicates)', async () => {
    const t = join(dir, 'insert-dups');
    expect((await lake('create', t, '--key', 'id', '--partition-by', 'dt', '--ordering-field', 'ts')).code).toBe(0);
    expect((await lake('write', t, '--input', join(dir, 'a.ndjson'), '--op', 'insert')).code).toBe(0);
    // b.csv: i1 is stored (2024-05-01), i4 is new.
    const failed = await lake('write', t, '--input', join(dir, 'b.csv'), '--op', 'insert', '--duplicates', 'fail');
    expect(failed.code).not.toBe(0);
    expect(failed.err.join('\n')).toMatch(/1 record of the insert has a key the table already holds \("i1"\); nothing was written/);
    const dropped = await lake('write', t, '--input', join(dir, 'b.csv'), '--op', 'insert', '--duplicates', 'drop');
    expect(dropped.code).toBe(0);
    expect(dropped.out[0]).toMatch(/1 inserted, 0 updated, 0 deleted, 1 dropped as duplicates/);
    const ids = (await lake('show', t, '--format', 'ndjson', '--columns', 'id,cost')).out.map((l) => JSON.parse(l)).sort((a, b) => a.id.localeCompare(b.id));
    expect(ids).toEqual([{ id: 'i1', cost: 0.25 }, { id: 'i2', cost: 0.5 }, { id: 'i3', cost: 1.5 }, { id: 'i4', cost: null }]);
    expect((await lake('write', t, '--input', join(dir, 'b.csv'), '--op', 'insert', '--duplicates', 'sometimes')).code).toBe(2);
  });

  it('prints one clear line and exits non-zero on errors', async () => {
    const missing = await lake('show', join(dir, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(/^lake: No Hudi table at .*hoodie\.properties is missing/);
    const column = await lake('show', table, '--columns', 'nope');
    expect(column.code).toBe(1);
    expect(column.err[0]).toMatch(/Unknown column "nope"/);
    const usage = await lake('show');
    expect(usage.code).toBe(2);
    const exists = await lake('create', table, '--key', 'id');
    expect(exists.code).toBe(1);
    expect(exists.err[0]).toMatch(/already exists/);
  });

  it('creates a table with the Parquet codec asked for', async () => {
    const zstd = join(dir, 'zstd');
    expect((await lake('create', zstd, '--key', 'id', '--compression', 'zstd')).code).toBe(0);
    expect(await readFile(join(zstd, '.hoodie', 'hoodie.properties'), 'utf8')).toMatch(/^hoodie\.parquet\.compression\.codec=zstd$/m);
    const bad = await lake('create', join(dir, 'lzo'), '--key', 'id', '--compression', 'lzo');
    expect(bad.code).toBe(2);
  });

  it('creates a table whose files carry bloom filters on the columns asked for', async () => {
    const t = join(dir, 'bloom');
    expect((await lake('create', t, '--key', 'id', '--bloom-filter', 'user_id,dt', '--bloom-filter', 'ts', '--bloom-filter-fpp', '0.05')).code).toBe(0);
    const props = await readFile(join(t, '.hoodie', 'hoodie.properties'), 'utf8');
    for (const c of ['user_id', 'dt', 'ts']) {
      expect(props).toMatch(new RegExp(`^parquet\\.bloom\\.filter\\.enabled\\\\#${c}=true$`, 'm'));
      expect(props).toMatch(new RegExp(`^parquet\\.bloom\\.filter\\.fpp\\\\#${c}=0\\.05$`, 'm'));
    }
    expect((await lake('create', join(dir, 'bloom-bad'), '--key', 'id', '--bloom-filter', 'user_id', '--bloom-filter-fpp', '1.5')).code).toBe(2);

    expect((await lake('write', t, '--input', join(dir, 'a.ndjson'))).code).toBe(0);
    const dry = await lake('gdpr-delete', t, '--column', 'user_id', '--id', 'u2', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out.join('\n')).toMatch(/Would erase 1 row\(s\)/);
    expect(dry.out.join('\n')).toMatch(/Search read [\d.]+ MiB: 1 row group\(s\) read, 0 skipped by statistics, 0 by bloom filters/);
    expect(dry.out.join('\n')).toMatch(/Would rewrite 1 file\(s\), [\d.]+ MiB/);
    const none = await lake('gdpr-delete', t, '--column', 'user_id', '--id', 'u15', '--dry-run');
    expect(none.out.join('\n')).toMatch(/0 row group\(s\) read, 0 skipped by statistics, 1 by bloom filters/);
  });

  it('has help for every command', async () => {
    const help = await lake('--help');
    expect(help.code).toBe(0);
    for (const cmd of ['create', 'write', 'show', 'history']) {
      expect(help.out.join('\n')).toContain(cmd);
      const sub = await lake(cmd, '--help');
      expect(sub.code).toBe(0);
      expect(sub.out.join('\n')).toMatch(new RegExp(`Usage: lake ${cmd}`));
    }
  });
});

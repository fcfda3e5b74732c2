// What the CLI says when a command line is wrong, when there is nothing to do, and when a write
// is still running: one `lake:` line in CLI terms, no empty commits.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIO } from '../src/index.js';
import { callerDirectory } from '../src/caller-directory.js';
import { createTable } from '@lake/core';

async function lake(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

async function commits(table: string): Promise<string[]> {
  return (await readdir(join(table, '.hoodie'))).filter((n) => /^\d+\.(commit|deltacommit)$/.test(n));
}

describe('lake usage errors', () => {
  it('reports an unknown option as unknown, in one line, with where to read the usage', async () => {
    const r = await lake('write', '/tmp/t', '--inptu', 'a.ndjson');
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual(["lake: unknown option '--inptu' (Did you mean --input?)", "run 'lake write --help' for its usage"]);
  });

  it('reports a missing required option or argument in one line', async () => {
    expect((await lake('write', '/tmp/t')).err).toEqual(["lake: required option '--input <file>' not specified", "run 'lake write --help' for its usage"]);
    expect((await lake('show')).err).toEqual(["lake: missing required argument 'uri'", "run 'lake show --help' for its usage"]);
    const unknown = await lake('shwo', '/tmp/t');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toEqual(["lake: unknown command 'shwo' (Did you mean show?)", "run 'lake --help' for the commands"]);
    const limit = await lake('show', '/tmp/t', '--limit', '-1');
    expect(limit.err[0]).toMatch(/^lake: option '--limit <n>' argument '-1' is invalid/);
  });
});

describe('lake commands with nothing to do', () => {
  let dir: string;
  let table: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lake-cli-usage-'));
    table = join(dir, 't');
    await createTable(table, { recordKey: ['id'] });
    await writeFile(join(dir, 'empty.ndjson'), '');
    await writeFile(join(dir, 'one.ndjson'), '{"id":"a","v":1}\n');
    await writeFile(join(dir, 'absent.ndjson'), '{"id":"zz"}\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('says in CLI terms that a table exists', async () => {
    const r = await lake('create', table, '--key', 'id');
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain(`lake write ${table} --input <file>`);
    expect(r.err[0]).not.toMatch(/openTable/);
  });

  it('commits nothing for an empty input file or a delete of keys the table does not have', async () => {
    const empty = await lake('write', table, '--input', join(dir, 'empty.ndjson'));
    expect(empty.code).toBe(0);
    expect(empty.out).toEqual([`Nothing to write: ${join(dir, 'empty.ndjson')} holds no records; no commit made.`]);
    expect(await commits(table)).toHaveLength(0);
    expect((await lake('write', table, '--input', join(dir, 'one.ndjson'))).code).toBe(0);
    expect(await commits(table)).toHaveLength(1);
    const absent = await lake('write', table, '--input', join(dir, 'absent.ndjson'), '--op', 'delete');
    expect(absent.out[0]).toMatch(/^Nothing to delete: none of the 1 key\(s\) in .* is in the table; no commit made\.$/);
    expect(await commits(table)).toHaveLength(1);
  });

  it('names a pending write whose heartbeat is fresh and the flags that force its rollback', async () => {
    const pending = '20260101000000000';
    await writeFile(join(table, '.hoodie', `${pending}.commit.requested`), '');
    await writeFile(join(table, '.hoodie', `${pending}.inflight`), '');
    await mkdir(join(table, '.hoodie', '.heartbeat'), { recursive: true });
    await writeFile(join(table, '.hoodie', '.heartbeat', pending), String(Date.now()));
    const r = await lake('rollback', table);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toContain(`commit ${pending} is pending and its writer sent a heartbeat`);
    expect(r.out[0]).toContain(`lake rollback ${table} --instant ${pending} --force`);
    const forced = await lake('rollback', table, '--instant', pending, '--force');
    expect(forced.code, forced.err.join('\n')).toBe(0);
    expect((await lake('rollback', table)).out).toEqual(['Nothing to roll back: no write was left behind by a dead writer.']);
  });
});

describe('callerDirectory', () => {
  it('is the folder `pnpm lake` was typed in, only for the lake script', () => {
    expect(callerDirectory({ npm_lifecycle_event: 'lake', INIT_CWD: '/home/u/data' }, '/repo')).toBe('/home/u/data');
    expect(callerDirectory({ npm_lifecycle_event: 'lake', INIT_CWD: '/repo' }, '/repo')).toBeUndefined();
    expect(callerDirectory({ npm_lifecycle_event: 'test', INIT_CWD: '/home/u' }, '/repo')).toBeUndefined();
    expect(callerDirectory({}, '/repo')).toBeUndefined();
  });
});

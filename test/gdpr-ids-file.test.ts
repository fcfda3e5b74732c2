// `lake gdpr-delete --ids-file` with thousands of ids: a dry run reports the bytes its search read
// and the files, bytes and file groups the erasure would rewrite; the erasure then rewrites each
// affected file group once, in one delete commit, whatever number of ids each group holds.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';

import { LocalStore } from '@lake/storage';
import { createTable, openTable } from '@lake/core/format';
import { lake } from './support/cli.js';

const DAYS = 6;
const USERS = 600;
const ROWS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'lake-gdpr-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function userOf(i: number): string {
  // five rows a user, on five different days
  return `user-${String(Math.floor(i / 5) % USERS).padStart(4, '0')}`;
}

describe('lake gdpr-delete --ids-file', () => {
  it('reports a dry run, then rewrites each affected file group once for thousands of ids', async () => {
    const table = join(dir, 't');
    const t = await createTable(new LocalStore(table), { recordKey: ['id'], partitionBy: ['dt'], bloomFilters: ['user_id'] });
    await t.insert(
      new Table({
        id: vectorFromArray(Array.from({ length: ROWS }, (_, i) => i), new Int32()),
        user_id: vectorFromArray(Array.from({ length: ROWS }, (_, i) => userOf(i)), new Utf8()),
        dt: vectorFromArray(Array.from({ length: ROWS }, (_, i) => `2026-11-0${1 + (i % DAYS)}`), new Utf8()),
      }),
    );
    // 2,500 ids: every other user of the table, and ids no row holds; comments and blank lines
    const present = Array.from({ length: USERS / 2 }, (_, u) => `user-${String(2 * u).padStart(4, '0')}`);
    const absent = Array.from({ length: 2200 }, (_, i) => `nobody-${i}`);
    const ids = join(dir, 'ids.txt');
    writeFileSync(ids, ['# users asking to be forgotten', ...present, '', ...absent, ''].join('\n'));
    const expectedRows = Array.from({ length: ROWS }, (_, i) => userOf(i)).filter((u) => present.includes(u)).length;
    const groupsBefore = (await t.fileSlices()).length;
    expect(groupsBefore).toBeGreaterThanOrEqual(DAYS);

    const dry = await lake('gdpr-delete', table, '--column', 'user_id', '--ids-file', ids, '--dry-run');
    expect(dry.code, dry.err.join('\n')).toBe(0);
    const text = dry.out.join('\n');
    expect(text).toContain(`Would erase ${expectedRows} row(s) where user_id matches ${present.length + absent.length} value(s).`);
    expect(text).toMatch(/Search read [\d.]+ MiB: \d+ row group\(s\) read/);
    expect(text).toMatch(new RegExp(`Would rewrite ${groupsBefore} file\\(s\\), [\\d.]+ MiB read back whole and written again, in ${groupsBefore} file group\\(s\\), each once\\.`));
    expect((await (await openTable(table)).fileSlices()).map((s) => s.baseFile?.path)).toEqual((await t.fileSlices()).map((s) => s.baseFile?.path));

    const run = await lake('gdpr-delete', table, '--column', 'user_id', '--ids-file', ids, '--request-id', 'many-ids', '--json');
    expect(run.code, run.err.join('\n')).toBe(0);
    const report = JSON.parse(run.out[0]) as { rowsErased: number; filesRewritten: string[]; instants: string[]; filesPurged: string[]; verification: { passed: boolean } };
    expect(report.rowsErased).toBe(expectedRows);
    expect(report.verification.passed).toBe(true);
    // one new file per affected file group, from one delete commit (the other instant is the purge's clean)
    const groups = report.filesRewritten.map((p) => p.slice(0, p.lastIndexOf('_', p.lastIndexOf('_') - 1)));
    expect(new Set(groups).size).toBe(groups.length);
    expect(groups.length).toBe(groupsBefore);
    expect(report.instants.length).toBe(2);
    expect(report.filesPurged.length).toBe(groupsBefore);

    const left = (await (await openTable(table)).read({ columns: ['user_id'] }).collect()).getChild('user_id')!.toArray() as string[];
    expect(left.length).toBe(ROWS - expectedRows);
    expect(left.some((u) => present.includes(u))).toBe(false);
  }, 120_000);

  it('says which file it could not read', async () => {
    const r = await lake('gdpr-delete', join(dir, 't'), '--column', 'user_id', '--ids-file', join(dir, 'missing.txt'));
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/cannot read --ids-file .*missing\.txt/);
  });
});

// What an erasure reaches besides the rows: record keys that embed the user id (the delete's own
// log blocks hold the keys), records the ingest quarantined, and anything else in the table
// folder; verification fails, naming the place, while a raw value is anywhere in the folder.

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { BlockType, createTable, decodeDeleteBlock, readLogBlocks } from '@lake/core/format';
import { ingest, iterableSource } from '@lake/ingest';
import { lake } from './support/cli.js';
import { rawValueLocations } from './support/raw-values.js';

const root = mkdtempSync(join(tmpdir(), 'lake-erasure-coverage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const USER = 'KEYUSER-007';

/** Rows keyed `<user>#<n>`: the record key itself holds the user id. */
function keyedRows(n: number, version: number) {
  return Array.from({ length: n }, (_, i) => {
    const user = `KEYUSER-${String(i % 9).padStart(3, '0')}`;
    return { id: `${user}#${i}`, user_id: user, dt: `d${i % 2}`, v: version };
  });
}

function logFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.includes('.log.') && !e.parentPath.includes('.hoodie'))
    .map((e) => join(e.parentPath, e.name));
}

describe('erasure when the record key holds the user id', () => {
  it('leaves no raw key in any log file, delete blocks included', async () => {
    const dir = join(root, 'keyed');
    const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['dt'], type: 'mor' });
    await t.insert(keyedRows(180, 1));
    await t.upsert(keyedRows(90, 2));
    expect(rawValueLocations(dir, [USER]).length).toBeGreaterThan(0);
    const report = await t.erase({ column: 'user_id', values: [USER], requestId: 'keyed-1' });
    expect(report.rowsErased).toBe(20);
    expect(report.verification).toMatchObject({ passed: true, matches: 0 });
    expect(rawValueLocations(dir, [USER])).toEqual([]);
    const left = await t.read({ columns: ['id'] }).collect();
    expect(left.numRows).toBe(160);
    expect([...(left.getChild('id') ?? [])].some((k) => String(k).startsWith(`${USER}#`))).toBe(false);
  }, 120_000);

  it('refuses a request id that holds an erased value', async () => {
    const t = await createTable(join(root, 'named'), { recordKey: ['id'] });
    await t.insert(keyedRows(9, 1));
    await expect(t.erase({ column: 'user_id', values: [USER], requestId: `erase-${USER}` })).rejects.toMatchObject({ code: 'INVALID_WRITE', message: expect.stringMatching(/request id/i) });
  });
});

describe('lake gdpr-delete without a request id', () => {
  it('names the request before it starts, so an interrupted run can be finished under it', async () => {
    const dir = join(root, 'unnamed');
    const t = await createTable(dir, { recordKey: ['id'] });
    await t.insert(keyedRows(18, 1));
    const run = await lake('gdpr-delete', dir, '--column', 'user_id', '--id', USER);
    expect(run.code, run.err.join('\n')).toBe(0);
    const id = /^Erasure request (\S+): if interrupted, run it again with --request-id \1 to finish it\.$/.exec(run.err[0] ?? '')?.[1];
    expect(id).toBeDefined();
    expect(readdirSync(join(dir, '.hoodie/.aux/lake/erasures'))).toEqual([`${id}.json`]);
    const again = await lake('gdpr-delete', dir, '--column', 'user_id', '--id', USER, '--request-id', id!, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out[0])).toMatchObject({ requestId: id, rowsErased: 2, status: 'completed' });
  }, 60_000);
});

describe('erasure and the ingest quarantine', () => {
  it('rewrites quarantine files without the erased user, keeping everyone else', async () => {
    const dir = join(root, 'quarantined');
    const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['dt'] });
    await t.insert([{ id: 'a1', user_id: 'q-user-1', dt: 'd0', v: 1 }]);
    const records = [
      { id: 'a2', user_id: 'q-user-1', dt: 'd0', v: 2 },
      { id: 'a3', user_id: 'q-user-1', dt: 'd0', v: 'not a number' },
      { id: 'a4', user_id: 'q-user-2', dt: 'd1', v: 'not a number either' },
      { id: 'a5', user_id: 'q-user-2', dt: 'd1', v: 5 },
    ];
    const summary = await ingest(t, { source: iterableSource(records) });
    expect(summary.quarantined).toBe(2);
    expect(rawValueLocations(dir, ['q-user-1']).some((p) => p.includes('quarantine'))).toBe(true);
    const report = await t.erase({ column: 'user_id', values: ['q-user-1'], requestId: 'q-1' });
    expect(report.rowsErased).toBe(2);
    expect(report.verification.passed).toBe(true);
    expect(rawValueLocations(dir, ['q-user-1'])).toEqual([]);
    const quarantine = join(dir, '.hoodie/.aux/lake/quarantine');
    const lines = readdirSync(quarantine).flatMap((f) => readFileSync(join(quarantine, f), 'utf8').split('\n').filter((l) => l.length > 0));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ record: { id: 'a4', user_id: 'q-user-2' } });
  }, 120_000);
});

describe('verification', () => {
  it('fails while a raw value is anywhere in the table folder, and says where', async () => {
    const dir = join(root, 'verified');
    const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['dt'], type: 'mor' });
    await t.insert(keyedRows(90, 1));
    await t.upsert(keyedRows(45, 2));
    // Log files as they were before the erasure: one holds the user's rows.
    const saved = join(root, 'saved-logs');
    mkdirSync(saved, { recursive: true });
    const logs = logFiles(dir).filter((f) => rawValueLocations(dir, [USER]).some((p) => f.endsWith(p)));
    expect(logs.length).toBeGreaterThan(0);
    logs.forEach((f, i) => copyFileSync(f, join(saved, String(i))));
    const report = await t.erase({ column: 'user_id', values: [USER], requestId: 'v-1' });
    expect(report.verification.passed).toBe(true);
    expect((await lake('gdpr-delete', dir, '--verify', 'v-1')).code).toBe(0);

    // Planted back, one place at a time: each fails the verification, naming the object.
    const logPath = logs[0].slice(dir.length + 1);
    const plants: [string, () => void][] = [
      ['d0/notes.txt', () => writeFileSync(join(dir, 'd0/notes.txt'), `user ${USER} asked`)],
      ['.hoodie/20240101000000000.commit.bak', () => writeFileSync(join(dir, '.hoodie/20240101000000000.commit.bak'), JSON.stringify({ extraMetadata: { note: USER } }))],
      ['.hoodie/.aux/lake/quarantine/batch-x.ndjson', () => writeFileSync(join(dir, '.hoodie/.aux/lake/quarantine/batch-x.ndjson'), `${JSON.stringify({ record: { id: 'x', user_id: USER } })}\n`)],
      [logPath, () => copyFileSync(join(saved, '0'), logs[0])],
    ];
    mkdirSync(join(dir, '.hoodie/.aux/lake/quarantine'), { recursive: true });
    for (const [where, plant] of plants) {
      plant();
      const record = await t.verifyErasure('v-1');
      expect(record.verification.passed, where).toBe(false);
      expect(record.verification.found, where).toContain(where);
      const cli = await lake('gdpr-delete', dir, '--verify', 'v-1');
      expect(cli.code, where).toBe(1);
      expect(cli.out.join('\n'), where).toContain(where);
      rmSync(join(dir, where));
    }
    expect((await t.verifyErasure('v-1')).verification.passed).toBe(true);

    // A delete block naming the user (a later delete of a key that holds the id) fails it too.
    await t.upsert([{ id: `${USER}#late`, user_id: 'KEYUSER-100', dt: 'd0', v: 9 }]);
    await t.delete([`${USER}#late`]);
    const deleteLogs = logFiles(dir).filter((f) =>
      readLogBlocks(new Uint8Array(readFileSync(f))).blocks.some((b) => b.type === BlockType.DELETE && decodeDeleteBlock(b).some((d) => d.recordKey.includes(USER))),
    );
    expect(deleteLogs).toHaveLength(1);
    const late = await t.verifyErasure('v-1');
    expect(late.verification.passed).toBe(false);
    expect(late.verification.found).toContain(deleteLogs[0].slice(dir.length + 1));
    // The proof itself never holds the value.
    expect(readFileSync(join(dir, '.hoodie/.aux/lake/erasures/v-1.json'), 'utf8').includes(USER)).toBe(false);
  }, 120_000);

  it("fails on a base file whose record key holds the value where the column's bloom filter rules the column out", async () => {
    const dir = join(root, 'verified-keys');
    const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['dt'], type: 'cow', bloomFilters: ['user_id'] });
    await t.insert(keyedRows(900, 1));
    const report = await t.erase({ column: 'user_id', values: [USER], requestId: 'k-1' });
    expect(report.verification.passed).toBe(true);
    // A row of another user whose key holds the erased id: its file's filter says the column
    // cannot hold the value, so only the record keys of that row group are read.
    await t.insert([{ id: `x-${USER}`, user_id: 'KEYUSER-100', dt: 'd9', v: 2 }]);
    const late = await t.verifyErasure('k-1');
    expect(late.verification.passed).toBe(false);
    expect((late.verification.found ?? []).some((f) => f.startsWith('d9/') && f.endsWith('.parquet'))).toBe(true);
    // The same among many keys of one file, neither its smallest nor its largest (those stand in
    // its footer too).
    await t.insert(Array.from({ length: 2_000 }, (_, i) => ({ id: i === 1_000 ? `other-1000-${USER}` : `other-${i}`, user_id: 'KEYUSER-200', dt: 'd8', v: 3 })));
    const many = await t.verifyErasure('k-1');
    expect((many.verification.found ?? []).some((f) => f.startsWith('d8/'))).toBe(true);
  }, 120_000);
});

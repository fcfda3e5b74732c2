// Fixture tables with something wrong: unsupported versions, corrupt timeline files, missing
// files, bad read options, and leftovers of failed writes that readers must ignore.

import { afterAll, describe, expect, it } from 'vitest';

import { MemoryStore, NotFoundError, type ObjectStore } from '@lake/storage';
import {
  CorruptTimelineError,
  InvalidReadOptionError,
  MissingBaseFileError,
  ReadOnlyTableVersionError,
  TableNotFoundError,
  UnsupportedTableVersionError,
  openTable,
} from '@lake/core';
import { cleanupFixtures, fixture, memoryCopy } from './support/fixtures.js';

afterAll(() => cleanupFixtures());

const COW6 = 'sample_table/cow/v6_nonpartitioned';
const COW8 = 'sample_table/cow/v8_nonpartitioned';
const enc = new TextEncoder();
const dec = new TextDecoder();

function setProperty(files: Map<string, Uint8Array>, key: string, value: string): void {
  const text = dec.decode(files.get('.hoodie/hoodie.properties'));
  const lines = text.split('\n').filter((l) => !l.startsWith(`${key}=`));
  lines.push(`${key}=${value}`);
  files.set('.hoodie/hoodie.properties', enc.encode(lines.join('\n')));
}

async function ids(store: ObjectStore): Promise<Record<number, boolean>> {
  const t = await openTable(store);
  const rows = (await t.read({ columns: ['id', 'isActive'] }).collect()).toArray().map((r) => r.toJSON());
  return Object.fromEntries(rows.map((r) => [r.id as number, r.isActive as boolean]));
}

describe('table versions', () => {
  it.each(['10', '4', 'seven'])('version %s is refused with a typed error naming it', async (version) => {
    const store = await memoryCopy(fixture(COW6).root, (files) => setProperty(files, 'hoodie.table.version', version));
    const err = await openTable(store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedTableVersionError);
    expect((err as UnsupportedTableVersionError).code).toBe('UNSUPPORTED_TABLE_VERSION');
    expect((err as Error).message).toContain(`version ${version}`);
  });

  it('a version 8 table is read only: a write fails typed before anything is written', async () => {
    const store = await memoryCopy(fixture(COW8).root);
    const before: string[] = [];
    for await (const o of store.list('')) before.push(o.key);
    const err = await (await openTable(store)).upsert([{ id: 9, name: 'Zoe', isActive: true }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadOnlyTableVersionError);
    expect((err as ReadOnlyTableVersionError).version).toBe(8);
    const after: string[] = [];
    for await (const o of store.list('')) after.push(o.key);
    expect(after.sort()).toEqual(before.sort());
  });

  it('a folder without hoodie.properties is not a table', async () => {
    const err = await openTable(new MemoryStore(`empty-${process.pid}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TableNotFoundError);
  });

  it('reads hoodie.properties.backup while hoodie.properties is being rewritten', async () => {
    const store = await memoryCopy(fixture(COW6).root, (files) => {
      files.set('.hoodie/hoodie.properties.backup', files.get('.hoodie/hoodie.properties')!);
      files.delete('.hoodie/hoodie.properties');
    });
    expect(await ids(store)).toEqual({ 1: false, 2: false, 3: true, 4: true });
  });
});

describe('corrupt timeline files', () => {
  it('a completed v6 commit that is not JSON fails with the file named', async () => {
    const store = await memoryCopy(fixture(COW6).root, (files) => files.set('.hoodie/20240418173551906.commit', enc.encode('{"partitionToWriteStats": [tr')));
    const t = await openTable(store);
    const err = await t.read().collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptTimelineError);
    expect((err as CorruptTimelineError).file).toBe('.hoodie/20240418173551906.commit');
    expect((err as Error).message).toContain('.hoodie/20240418173551906.commit');
  });

  it('a completed v8 commit whose Avro is cut short fails with the file named', async () => {
    const name = '.hoodie/timeline/20250713010536861_20250713010537206.commit';
    const store = await memoryCopy(fixture(COW8).root, (files) => files.set(name, files.get(name)!.slice(0, 900)));
    const err = await (await openTable(store)).schema().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptTimelineError);
    expect((err as CorruptTimelineError).file).toBe(name);
  });

  it('a corrupt rollback file fails with the file named', async () => {
    const f = fixture('sample_table/mor/parquet/v6_nonpartitioned_rollback');
    const name = '.hoodie/20250126040936578.rollback';
    const store = await memoryCopy(f.root, (files) => files.set(name, new Uint8Array([0x4f, 0x62, 0x6a, 0x01, 0xff, 0xff])));
    const err = await (await openTable(store)).read().collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptTimelineError);
    expect((err as CorruptTimelineError).file).toBe(name);
  });

  it('requested and inflight files are never read, so damage there does not matter', async () => {
    const store = await memoryCopy(fixture(COW6).root, (files) => {
      files.set('.hoodie/20240418173551906.inflight', enc.encode('garbage'));
      files.set('.hoodie/20240418173551906.commit.requested', enc.encode('garbage'));
      files.set('.hoodie/not-an-instant.txt', enc.encode('garbage'));
    });
    expect(await ids(store)).toEqual({ 1: false, 2: false, 3: true, 4: true });
  });
});

describe('leftovers of failed writes', () => {
  it('files of an instant that never completed are invisible', async () => {
    const base = 'a079bdb3-731c-4894-b855-abfcd6921007-0_0-182-253_20240418173550988.parquet';
    const store = await memoryCopy(fixture(COW6).root, (files) => {
      // A newer version of the file group written by a commit that only got to inflight.
      files.set('a079bdb3-731c-4894-b855-abfcd6921007-0_0-1-1_20990101000000000.parquet', files.get(base)!);
      files.set('.hoodie/20990101000000000.commit.requested', new Uint8Array());
      files.set('.hoodie/20990101000000000.inflight', new Uint8Array());
    });
    expect(await ids(store)).toEqual({ 1: false, 2: false, 3: true, 4: true });
    const t = await openTable(store);
    expect((await t.timeline()).pending().map((i) => i.time)).toEqual(['20990101000000000']);
  });

  it('a base file deleted between listing and reading raises MissingBaseFileError', async () => {
    const inner = await memoryCopy(fixture(COW6).root);
    const store: ObjectStore = Object.assign(Object.create(inner) as ObjectStore, {
      get: async (key: string, range?: { offset: number; length?: number }) => {
        if (key.endsWith('.parquet')) throw new NotFoundError(key, inner.uri);
        return inner.get(key, range);
      },
      head: async () => undefined,
    });
    const err = await (await openTable(store)).read().collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingBaseFileError);
    expect((err as Error).message).toMatch(/\.parquet/);
  });
});

describe('read options', () => {
  it('unknown columns are refused, naming them', async () => {
    const t = await openTable(fixture(COW6).root);
    const err = await t.read({ columns: ['id', 'nope'] }).collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidReadOptionError);
    expect((err as Error).message).toContain('"nope"');
  });

  it('asOf must be an instant time, a date or a Date', async () => {
    const t = await openTable(fixture(COW6).root);
    await expect(t.read({ asOf: 'yesterday' }).collect()).rejects.toBeInstanceOf(InvalidReadOptionError);
    await expect(t.read({ asOf: new Date(Number.NaN) }).collect()).rejects.toBeInstanceOf(InvalidReadOptionError);
    // A date-time text is an instant bound too: the day after the first commit sees both commits.
    const rows = (await t.read({ asOf: '2024-04-19' }).collect()).numRows;
    expect(rows).toBe(4);
  });
});

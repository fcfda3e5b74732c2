// hoodie.properties that cannot be trusted (cut short, wrong checksum) and tables with a Hudi
// metadata table: reads keep working, every write and data-changing table service is refused
// before anything is written.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LakeError, MemoryStore, type ObjectStore } from '@lake/storage';

import {
  CorruptTableConfigError,
  HOODIE_PROPERTIES,
  HOODIE_PROPERTIES_BACKUP,
  MetadataTableEnabledError,
  assertWritable,
  checkTableChecksum,
  loadTableConfig,
  createTable,
  openTable,
  parseProperties,
  rowsToJson,
  type HudiTable,
} from '../src/format.js';

let n = 0;
const enc = new TextEncoder();
const dec = new TextDecoder();

async function rows(t: HudiTable): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of t.read({ withMeta: true })) out.push(...rowsToJson(b));
  return out.sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

async function keysOf(store: ObjectStore): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list('')) out.push(o.key);
  return out.sort();
}

async function tableWithOneRow(type: 'cow' | 'mor' = 'cow'): Promise<MemoryStore> {
  const store = new MemoryStore(`config-guard-${process.pid}-${++n}`);
  const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], type });
  await t.upsert([{ id: 'a', dt: '2024-05-01', v: 1 }]);
  // the commit's heartbeat and fence are removed on the turn after it is acknowledged
  await new Promise((resolve) => setTimeout(resolve, 0));
  return store;
}

async function editProperties(store: ObjectStore, edit: (lines: string[]) => string[], key = HOODIE_PROPERTIES): Promise<void> {
  const lines = dec.decode(await store.get(key)).split('\n');
  await store.put(key, enc.encode(edit(lines).join('\n')));
}

const cutBefore = (prefix: string) => (lines: string[]) => lines.slice(0, lines.findIndex((l) => l.startsWith(prefix)));
const insertBeforeChecksum = (line: string) => (lines: string[]) => {
  const i = lines.findIndex((l) => l.startsWith('hoodie.table.checksum='));
  return [...lines.slice(0, i), line, ...lines.slice(i)];
};

describe('hoodie.table.checksum', () => {
  it('is valid for a file lake wrote, and still valid with another property added (it covers the names only)', async () => {
    const store = await tableWithOneRow();
    const props = () => store.get(HOODIE_PROPERTIES).then((b) => parseProperties(dec.decode(b)));
    expect(checkTableChecksum(await props())).toBe('valid');
    await editProperties(store, insertBeforeChecksum('hoodie.some.other.setting=1'));
    expect(checkTableChecksum(await props())).toBe('valid');
    expect(checkTableChecksum(new Map([['hoodie.table.name', 't']]))).toBe('missing');
    expect(checkTableChecksum(new Map([['hoodie.table.name', 't'], ['hoodie.table.checksum', '12']]))).toBe('mismatch');
    expect(checkTableChecksum(new Map([['hoodie.table.name', 't'], ['hoodie.table.checksum', 'x']]))).toBe('mismatch');
  });

  it('a file cut before the partition fields opens for reading, but a write is refused and nothing is written', async () => {
    const store = await tableWithOneRow();
    await editProperties(store, cutBefore('hoodie.table.partition.fields='));
    const before = await keysOf(store);
    const t = await openTable(store);
    expect((await rows(t)).map((r) => r.id)).toEqual(['a']);
    const err = await t.upsert([{ id: 'a', dt: '2024-05-01', v: 2 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptTableConfigError);
    expect((err as CorruptTableConfigError).code).toBe('CORRUPT_TABLE_CONFIG');
    expect((err as Error).message).toContain('hoodie.table.checksum');
    expect(await keysOf(store)).toEqual(before);
  });

  it('a cut file with a valid backup is read from the backup, and writes go to the right partition', async () => {
    const store = await tableWithOneRow();
    await store.put(HOODIE_PROPERTIES_BACKUP, await store.get(HOODIE_PROPERTIES));
    await editProperties(store, cutBefore('hoodie.table.partition.fields='));
    const t = await openTable(store);
    expect(t.config.partitionFields.map((f) => f.name)).toEqual(['dt']);
    await t.upsert([{ id: 'a', dt: '2024-05-01', v: 2 }]);
    const all = await rows(await openTable(store));
    expect(all.map((r) => [r.id, r._hoodie_partition_path, r.v])).toEqual([['a', '2024-05-01', 2]]);
  });

  it('a read that came back cut short while the file was being replaced is read again', async () => {
    const inner = await tableWithOneRow();
    const full = await inner.get(HOODIE_PROPERTIES);
    const cut = enc.encode(cutBefore('hoodie.table.partition.fields=')(dec.decode(full).split('\n')).join('\n'));
    // The first GET sees a torn file (a store whose writes are not atomic), the next the whole one.
    let reads = 0;
    const torn = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'get') return async (key: string) => (key === HOODIE_PROPERTIES && reads++ === 0 ? cut : target.get(key));
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const config = await loadTableConfig(torn);
    expect(config.checksum).toBeDefined();
    expect(config.partitionFields.map((f) => f.name)).toEqual(['dt']);
    expect(() => assertWritable(config, 'upsert')).not.toThrow();
  });

  it('a wrong checksum without a valid backup refuses to open the table, with the file named', async () => {
    const store = await tableWithOneRow();
    await editProperties(store, (lines) => lines.map((l) => (l.startsWith('hoodie.table.checksum=') ? 'hoodie.table.checksum=1' : l)));
    const err = await openTable(store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptTableConfigError);
    expect((err as CorruptTableConfigError).file).toBe(HOODIE_PROPERTIES);
    // A backup with a wrong checksum does not help either.
    await store.put(HOODIE_PROPERTIES_BACKUP, await store.get(HOODIE_PROPERTIES));
    expect(await openTable(store).catch((e: unknown) => e)).toBeInstanceOf(CorruptTableConfigError);
  });
});

describe('hoodie.properties cut at any character (model check)', () => {
  it('is either refused or read in full: never writable with settings missing', async () => {
    const source = await tableWithOneRow();
    const full = await source.get(HOODIE_PROPERTIES);
    const complete = await loadTableConfig(source);
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.length - 1 }), fc.boolean(), async (cut, withBackup) => {
        const store = new MemoryStore(`config-cut-${process.pid}-${++k}`);
        await store.put(HOODIE_PROPERTIES, full.slice(0, cut));
        if (withBackup) await store.put(HOODIE_PROPERTIES_BACKUP, full);
        const loaded = await loadTableConfig(store).catch((e: unknown) => e);
        if (withBackup) {
          // The backup stands in for the cut file, whole.
          expect(loaded).not.toBeInstanceOf(Error);
          expect([...(loaded as typeof complete).raw]).toEqual([...complete.raw]);
          return;
        }
        if (loaded instanceof Error) {
          expect(loaded).toBeInstanceOf(LakeError);
          return;
        }
        const config = loaded as typeof complete;
        // Only the final newline was cut: the file is whole.
        if (JSON.stringify([...config.raw]) === JSON.stringify([...complete.raw])) return;
        // Readable as Hudi's readers would read it, but no write may trust it.
        expect(() => assertWritable(config, 'write')).toThrow(CorruptTableConfigError);
      }),
      { numRuns: 150 },
    );
  });
});

describe('tables with a metadata table', () => {
  async function withMetadataTable(type: 'cow' | 'mor' = 'cow'): Promise<MemoryStore> {
    const store = await tableWithOneRow(type);
    await editProperties(store, insertBeforeChecksum('hoodie.table.metadata.partitions=files'));
    return store;
  }

  const services: [string, (t: HudiTable) => Promise<unknown>][] = [
    ['insert', (t) => t.insert([{ id: 'b', dt: '2024-05-01', v: 1 }])],
    ['upsert', (t) => t.upsert([{ id: 'a', dt: '2024-05-01', v: 2 }])],
    ['delete by key', (t) => t.delete(['a'])],
    ['delete by record', (t) => t.delete([{ id: 'a', dt: '2024-05-01' }])],
    ['deleteWhere', (t) => t.deleteWhere(() => true)],
    ['insertOverwrite', (t) => t.insertOverwrite([{ id: 'b', dt: '2024-05-01', v: 1 }])],
    ['clean', (t) => t.clean({ policy: { kind: 'commits', retain: 1 } })],
    ['rollback', (t) => t.rollback()],
    ['erase', (t) => t.erase({ column: 'id', values: ['a'], requestId: 'r1' })],
    ['clusterSmallFiles', (t) => t.clusterSmallFiles()],
  ];

  it.each(services)('%s is refused with METADATA_TABLE_ENABLED and writes nothing; reads still work', async (_, run) => {
    const store = await withMetadataTable();
    const before = await keysOf(store);
    const t = await openTable(store);
    const err = await run(t).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetadataTableEnabledError);
    expect((err as MetadataTableEnabledError).code).toBe('METADATA_TABLE_ENABLED');
    expect((err as Error).message).toContain('hoodie.metadata.enable=false');
    expect(await keysOf(store)).toEqual(before);
    expect((await rows(t)).map((r) => r.id)).toEqual(['a']);
  });

  it.each([
    ['compact', (t: HudiTable) => t.compact()],
    ['scheduleCompaction', (t: HudiTable) => t.scheduleCompaction()],
    ['runCompaction', (t: HudiTable) => t.runCompaction()],
  ])('merge-on-read %s is refused too', async (_, run) => {
    const store = await withMetadataTable('mor');
    const before = await keysOf(store);
    const err = await run(await openTable(store)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetadataTableEnabledError);
    expect(await keysOf(store)).toEqual(before);
  });

  it('dry runs, which change nothing, are allowed', async () => {
    const t = await openTable(await withMetadataTable());
    await expect(t.erase({ column: 'id', values: ['a'], requestId: 'r1', dryRun: true })).resolves.toBeDefined();
  });
});

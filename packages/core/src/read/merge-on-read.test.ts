// Merge-on-read end to end on a hand-made table version 8 (timeline layout 2): base file plus
// Avro data blocks, delete blocks and rollback command blocks, merged by event time or commit
// time, with time travel and incremental reads. Log blocks are framed here byte by byte as
// Hudi's writer lays them out.

import avro from 'avsc';
import { Int32, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryStore } from '@lake/storage';
import { writeParquet } from '@lake/parquet';
import { describe, expect, it } from 'vitest';

import { BlockType, HeaderKey, LOG_MAGIC } from '../log/log-format.js';
import { openTable } from '../table/table.js';
import { combineVersions } from './merge.js';

const enc = new TextEncoder();

function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, false);
  return b;
}
function int64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(n), false);
  return b;
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
function metadata(entries: [number, string][]): Uint8Array {
  return concat([int32(entries.length), ...entries.flatMap(([k, v]) => [int32(k), int32(enc.encode(v).length), enc.encode(v)])]);
}
function logBlock(type: number, header: [number, string][], content: Uint8Array): Uint8Array {
  const body = concat([int32(1), int32(type), metadata(header), int64(content.length), content, metadata([])]);
  const size = body.length + 8;
  // The trailing length counts the magic and the block, not the size field itself.
  return concat([LOG_MAGIC, int64(size), body, int64(LOG_MAGIC.length + size)]);
}

const AVRO_SCHEMA = {
  type: 'record',
  name: 'r',
  fields: [
    { name: '_hoodie_commit_time', type: ['null', 'string'] },
    { name: '_hoodie_commit_seqno', type: ['null', 'string'] },
    { name: '_hoodie_record_key', type: ['null', 'string'] },
    { name: '_hoodie_partition_path', type: ['null', 'string'] },
    { name: '_hoodie_file_name', type: ['null', 'string'] },
    { name: 'id', type: ['null', 'int'] },
    { name: 'ts', type: ['null', 'long'] },
    { name: 'name', type: ['null', 'string'] },
  ],
};
const avroType = avro.Type.forSchema(AVRO_SCHEMA as avro.Schema, { wrapUnions: false });

interface Rec {
  id: number;
  ts: number;
  name: string;
}

function dataBlock(instant: string, recs: Rec[]): Uint8Array {
  const encoded = recs.map((r) =>
    avroType.toBuffer({
      _hoodie_commit_time: instant,
      _hoodie_commit_seqno: `${instant}_0_${r.id}`,
      _hoodie_record_key: String(r.id),
      _hoodie_partition_path: '',
      _hoodie_file_name: 'fg1-0',
      id: r.id,
      ts: r.ts,
      name: r.name,
    }),
  );
  const content = concat([int32(3), int32(recs.length), ...encoded.flatMap((b) => [int32(b.length), new Uint8Array(b)])]);
  return logBlock(BlockType.AVRO_DATA, [
    [HeaderKey.INSTANT_TIME, instant],
    [HeaderKey.SCHEMA, JSON.stringify(AVRO_SCHEMA)],
  ], content);
}

const deleteType = avro.Type.forSchema(
  {
    type: 'record',
    name: 'HoodieDeleteRecordList',
    fields: [
      {
        name: 'deleteRecordList',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'HoodieDeleteRecord',
            fields: [
              { name: 'recordKey', type: ['null', 'string'] },
              { name: 'partitionPath', type: ['null', 'string'] },
              { name: 'orderingVal', type: ['null', 'int', 'long'] },
            ],
          },
        },
      },
    ],
  } as avro.Schema,
  { wrapUnions: true },
);

function deleteBlock(instant: string, deletes: { id: number; ordering: number }[]): Uint8Array {
  const payload = deleteType.toBuffer({
    deleteRecordList: deletes.map((d) => ({ recordKey: { string: String(d.id) }, partitionPath: { string: '' }, orderingVal: { long: d.ordering } })),
  });
  const content = concat([int32(3), int32(payload.length), new Uint8Array(payload)]);
  return logBlock(BlockType.DELETE, [[HeaderKey.INSTANT_TIME, instant]], content);
}

function rollbackBlock(instant: string, target: string): Uint8Array {
  return logBlock(BlockType.COMMAND, [
    [HeaderKey.INSTANT_TIME, instant],
    [HeaderKey.TARGET_INSTANT_TIME, target],
    [HeaderKey.COMMAND_BLOCK_TYPE, '0'],
  ], new Uint8Array());
}

function baseFile(instant: string, recs: Rec[]): Uint8Array {
  const s = (xs: string[]) => vectorFromArray(xs, new Utf8());
  const table = new Table({
    _hoodie_commit_time: s(recs.map(() => instant)),
    _hoodie_commit_seqno: s(recs.map((r) => `${instant}_0_${r.id}`)),
    _hoodie_record_key: s(recs.map((r) => String(r.id))),
    _hoodie_partition_path: s(recs.map(() => '')),
    _hoodie_file_name: s(recs.map(() => `fg1-0_0-1-1_${instant}.parquet`)),
    id: vectorFromArray(recs.map((r) => r.id), new Int32()),
    ts: vectorFromArray(recs.map((r) => BigInt(r.ts)), new Int64()),
    name: s(recs.map((r) => r.name)),
  });
  return writeParquet(table, { compression: 'none' });
}

const T = (n: number): string => `202501010000000${String(n).padStart(2, '0')}`;
let counter = 0;

async function makeTable(mergeMode: 'EVENT_TIME_ORDERING' | 'COMMIT_TIME_ORDERING'): Promise<MemoryStore> {
  const store = new MemoryStore(`mor-${process.pid}-${++counter}`);
  const put = (k: string, v: Uint8Array | string) => store.put(k, typeof v === 'string' ? enc.encode(v) : v);
  await put(
    '.hoodie/hoodie.properties',
    [
      'hoodie.table.name=t',
      'hoodie.table.type=MERGE_ON_READ',
      'hoodie.table.version=8',
      'hoodie.timeline.layout.version=2',
      'hoodie.table.recordkey.fields=id',
      'hoodie.table.precombine.field=ts',
      `hoodie.record.merge.mode=${mergeMode}`,
      `hoodie.table.create.schema=${JSON.stringify(AVRO_SCHEMA).replace(/:/g, '\\:')}`,
    ].join('\n'),
  );
  const commit = (file: string) => JSON.stringify({ partitionToWriteStats: { '': [{ fileId: 'fg1-0', path: file }] } });
  // T1: base file. T2: updates and an insert. T3: deletes. T4: a write that never completed.
  // T5: a write rolled back by the command block of rollback T6. T7: one more update.
  await put(`.hoodie/timeline/${T(1)}_${T(1)}1.deltacommit`, commit(`fg1-0_0-1-1_${T(1)}.parquet`));
  await put(`.hoodie/timeline/${T(2)}_${T(2)}1.deltacommit`, commit(`.fg1-0_${T(2)}.log.1_0-1-1`));
  await put(`.hoodie/timeline/${T(3)}_${T(3)}1.deltacommit`, commit(`.fg1-0_${T(3)}.log.1_0-1-1`));
  await put(`.hoodie/timeline/${T(4)}.deltacommit.inflight`, '');
  await put(`.hoodie/timeline/${T(5)}.deltacommit.inflight`, '');
  await put(`.hoodie/timeline/${T(7)}_${T(7)}1.deltacommit`, commit(`.fg1-0_${T(7)}.log.1_0-1-1`));
  await put('.hoodie_partition_metadata', '');
  await put(`fg1-0_0-1-1_${T(1)}.parquet`, baseFile(T(1), [
    { id: 1, ts: 10, name: 'a1' },
    { id: 2, ts: 10, name: 'b1' },
    { id: 3, ts: 10, name: 'c1' },
  ]));
  await put(`.fg1-0_${T(2)}.log.1_0-1-1`, dataBlock(T(2), [
    { id: 1, ts: 5, name: 'a2' },
    { id: 2, ts: 20, name: 'b2' },
    { id: 9, ts: 1, name: 'z2' },
  ]));
  await put(`.fg1-0_${T(3)}.log.1_0-1-1`, deleteBlock(T(3), [
    { id: 3, ordering: 0 },
    { id: 2, ordering: 15 },
  ]));
  await put(`.fg1-0_${T(4)}.log.1_0-1-1`, dataBlock(T(4), [{ id: 1, ts: 100, name: 'never' }]));
  await put(`.fg1-0_${T(5)}.log.1_0-1-1`, concat([dataBlock(T(5), [{ id: 9, ts: 100, name: 'rolled back' }]), rollbackBlock(T(6), T(5))]));
  await put(`.fg1-0_${T(7)}.log.1_0-1-1`, dataBlock(T(7), [{ id: 9, ts: 0, name: 'z7' }]));
  return store;
}

async function read(store: MemoryStore, options: Parameters<Awaited<ReturnType<typeof openTable>>['read']>[0] = {}) {
  const t = await openTable(store);
  const rows = (await t.read({ columns: ['id', 'ts', 'name'], ...options }).collect()).toArray().map((r) => r.toJSON());
  return Object.fromEntries(rows.map((r) => [r.id as number, `${String(r.ts)}:${String(r.name)}`]));
}

describe('merge-on-read, table version 8', () => {
  it('event-time ordering: greater ordering value wins, natural-order deletes always apply', async () => {
    const store = await makeTable('EVENT_TIME_ORDERING');
    // id 1: the log's ts 5 loses to the base's ts 10; id 2: ts 20 beats the delete ordered 15;
    // id 3: deleted; id 9: inserted at ts 1, updated at T7 with ts 0 (loses), T4 and T5 never count.
    expect(await read(store)).toEqual({ 1: '10:a1', 2: '20:b2', 9: '1:z2' });
    // Streaming the base file one row at a time merges the same way.
    expect(await read(store, { batchSize: 1 })).toEqual({ 1: '10:a1', 2: '20:b2', 9: '1:z2' });
  });

  it('commit-time ordering: the later write wins', async () => {
    const store = await makeTable('COMMIT_TIME_ORDERING');
    expect(await read(store)).toEqual({ 1: '5:a2', 9: '0:z7' });
    expect(await read(store, { batchSize: 1 })).toEqual({ 1: '5:a2', 9: '0:z7' });
    const t = await openTable(store);
    const sizes = [];
    for await (const b of t.read({ batchSize: 1 })) sizes.push(b.numRows);
    expect(sizes).toEqual([1, 1]);
  });

  it('time travel sees only the blocks at or before the instant', async () => {
    const store = await makeTable('COMMIT_TIME_ORDERING');
    expect(await read(store, { asOf: T(1) })).toEqual({ 1: '10:a1', 2: '10:b1', 3: '10:c1' });
    expect(await read(store, { asOf: T(2) })).toEqual({ 1: '5:a2', 2: '20:b2', 3: '10:c1', 9: '1:z2' });
    expect(await read(store, { readOptimized: true })).toEqual({ 1: '10:a1', 2: '10:b1', 3: '10:c1' });
  });

  it('incremental reads return the latest version of keys written in the range', async () => {
    const store = await makeTable('COMMIT_TIME_ORDERING');
    const t = await openTable(store);
    const inc = async (start?: string, end?: string) =>
      (await t.readIncremental({ start, end, columns: ['id', 'name'] }).collect()).toArray().map((r) => `${String(r.toJSON().id)}:${String(r.toJSON().name)}`).sort();
    expect(await inc(T(1), T(2))).toEqual(['1:a2', '2:b2', '9:z2']);
    expect(await inc(T(2), T(3))).toEqual([]);
    expect(await inc(T(3))).toEqual(['9:z7']);
    expect(await inc()).toEqual(['1:a2', '9:z7']);
  });
});

describe('combineVersions', () => {
  const v = (ordering: unknown, deleted = false, source = 0) => ({ source, row: 0, ordering, deleted });
  it('orders numbers of different widths exactly', () => {
    expect(combineVersions('EVENT_TIME_ORDERING', v(2n ** 60n + 1n), v(2n ** 60n, false, 1)).source).toBe(0);
    expect(combineVersions('EVENT_TIME_ORDERING', v(3), v(3n, false, 1)).source).toBe(1);
    expect(combineVersions('EVENT_TIME_ORDERING', v('b'), v('a', false, 1)).source).toBe(0);
    expect(combineVersions('EVENT_TIME_ORDERING', v(null), v(-5, false, 1)).source).toBe(1);
  });
});

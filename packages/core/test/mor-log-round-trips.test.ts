// A merge-on-read slice with many log files is read in a few round trips, each log file fetched
// once, and merges to what a plain Map says: random sequences of 40 log files (Avro and Parquet
// data blocks, delete blocks, rollback command blocks, torn blocks of failed writes, damaged
// blocks of completed writes) on one base file, against a model that applies the records that
// count in order, then merges the base rows under the same rule, as Hudi's merged log scanner
// does. Requests go through a LatencyStore without delay, so the counts are deterministic.

import avro from 'avsc';
import fc from 'fast-check';
import { Int32, Int64, RecordBatch, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FaultyStore, LatencyStore, MemoryStore } from '@lake/storage';
import { writeParquet } from '@lake/parquet';

import { openTable, readFileSlice, rowsToJson } from '../src/format.js';
import { projectSchema } from '../src/read/conform.js';
import { BlockType, HeaderKey } from '../src/log/log-format.js';
import { deleteBlock, encodeLogBlock, logFileBytes, parquetDataBlock, rollbackBlock } from '../src/log/log-writer.js';

const LOG_FILES = 40;
const BASE_KEYS = 12;
const enc = new TextEncoder();

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
const SCHEMA_JSON = JSON.stringify(AVRO_SCHEMA);
const avroType = avro.Type.forSchema(AVRO_SCHEMA as avro.Schema, { wrapUnions: false });

interface Rec {
  id: number;
  ts: number;
  name: string;
}

type Op =
  | { kind: 'upsert'; format: 'avro' | 'parquet'; rows: Rec[] }
  | { kind: 'delete'; keys: { id: number; ordering: number }[] }
  /** A completed write, then the block of a write that never completed, maybe rolled back. */
  | { kind: 'failed'; rows: Rec[]; failedRows: Rec[]; rollback: boolean }
  /** A completed write, then a rollback command block undoing the write of an earlier log file. */
  | { kind: 'rollback'; rows: Rec[]; target: number }
  /** A completed write followed by the torn tail of a write that never completed. */
  | { kind: 'torn'; rows: Rec[] }
  /** A completed write whose block was damaged: its records are lost, and reported. */
  | { kind: 'damaged'; rows: Rec[] };

const T = (n: number): string => `2025010100${String(n).padStart(7, '0')}`;
const logPath = (i: number): string => `.fg1-0_${T(i)}.log.1_0-1-1`;
/** Instants of writes that never completed, and of rollbacks, after every completed one. */
const FAILED = (i: number): string => T(100 + i);
const ROLLBACK = (i: number): string => T(200 + i);
const BASE_FILE = `fg1-0_0-1-1_${T(1)}.parquet`;

function arrowRows(instant: string, recs: Rec[]): Table {
  const s = (xs: string[]) => vectorFromArray(xs, new Utf8());
  return new Table({
    _hoodie_commit_time: s(recs.map(() => instant)),
    _hoodie_commit_seqno: s(recs.map((r, k) => `${instant}_0_${k}`)),
    _hoodie_record_key: s(recs.map((r) => String(r.id))),
    _hoodie_partition_path: s(recs.map(() => '')),
    _hoodie_file_name: s(recs.map(() => 'fg1-0')),
    id: vectorFromArray(recs.map((r) => r.id), new Int32()),
    ts: vectorFromArray(recs.map((r) => BigInt(r.ts)), new Int64()),
    name: s(recs.map((r) => r.name)),
  });
}

function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, false);
  return b;
}

function avroBlock(instant: string, recs: Rec[]): Uint8Array {
  const encoded = recs.map((r, k) =>
    new Uint8Array(avroType.toBuffer({
      _hoodie_commit_time: instant,
      _hoodie_commit_seqno: `${instant}_0_${k}`,
      _hoodie_record_key: String(r.id),
      _hoodie_partition_path: '',
      _hoodie_file_name: 'fg1-0',
      id: r.id,
      ts: r.ts,
      name: r.name,
    })),
  );
  const content = logFileBytes([int32(3), int32(recs.length), ...encoded.flatMap((b) => [int32(b.length), b])]);
  return encodeLogBlock({ type: BlockType.AVRO_DATA, header: new Map([[HeaderKey.INSTANT_TIME, instant], [HeaderKey.SCHEMA, SCHEMA_JSON]]), content });
}

function parquetBlock(instant: string, recs: Rec[]): Uint8Array {
  const batch = arrowRows(instant, recs).batches[0] as RecordBatch;
  return parquetDataBlock(batch, SCHEMA_JSON, instant, 'none');
}

type Mode = 'EVENT_TIME_ORDERING' | 'COMMIT_TIME_ORDERING';

/** Writes the table: base file at T(1), log file i (0-based) holding op i at instant T(i + 2). */
async function writeTable(store: MemoryStore, mode: Mode, ops: Op[]): Promise<void> {
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
      `hoodie.record.merge.mode=${mode}`,
      `hoodie.table.create.schema=${SCHEMA_JSON.replace(/:/g, '\\:')}`,
    ].join('\n'),
  );
  const completed = async (instant: string, file: string, size: number) =>
    put(
      `.hoodie/timeline/${instant}_${instant}1.deltacommit`,
      JSON.stringify({ partitionToWriteStats: { '': [{ fileId: 'fg1-0', path: file, fileSizeInBytes: size, totalWriteBytes: size }] } }),
    );
  await put('.hoodie_partition_metadata', '');
  const base = Array.from({ length: BASE_KEYS }, (_, id) => ({ id, ts: 10, name: `base${id}` }));
  const baseBytes = writeParquet(arrowRows(T(1), base), { compression: 'none' });
  await put(BASE_FILE, baseBytes);
  await completed(T(1), BASE_FILE, baseBytes.length);
  for (const [i, op] of ops.entries()) {
    const instant = T(i + 2);
    const path = logPath(i + 2);
    let bytes: Uint8Array;
    let committedBytes: number | undefined;
    switch (op.kind) {
      case 'upsert':
        bytes = op.format === 'avro' ? avroBlock(instant, op.rows) : parquetBlock(instant, op.rows);
        break;
      case 'delete':
        bytes = deleteBlock(op.keys.map((k) => ({ recordKey: String(k.id), partitionPath: '', orderingValue: k.ordering })), SCHEMA_JSON, instant);
        break;
      case 'failed':
        // As a writer appends to the file group's latest log file, and a rollback after it.
        await put(`.hoodie/timeline/${FAILED(i)}.deltacommit.inflight`, '');
        bytes = logFileBytes([avroBlock(instant, op.rows), avroBlock(FAILED(i), op.failedRows), ...(op.rollback ? [rollbackBlock(ROLLBACK(i), FAILED(i))] : [])]);
        break;
      case 'rollback':
        bytes = logFileBytes([avroBlock(instant, op.rows), rollbackBlock(ROLLBACK(i), T(op.target + 2))]);
        break;
      case 'torn': {
        // The completed block, then the first half of a block of a write that never completed.
        const done = avroBlock(instant, op.rows);
        const torn = avroBlock(FAILED(i), op.rows);
        bytes = logFileBytes([done, torn.subarray(0, Math.floor(torn.length / 2))]);
        committedBytes = done.length;
        break;
      }
      case 'damaged': {
        bytes = avroBlock(instant, op.rows).slice();
        bytes[bytes.length - 1] ^= 0xff; // the trailing length no longer matches
        break;
      }
    }
    await put(path, bytes);
    await completed(instant, path, committedBytes ?? bytes.length);
  }
}

type Version = { deleted: false; ts: number; name: string } | { deleted: true; ordering: number };

/** Whether `newer` survives `older` under `mode` (the table's merge rule, stated over the model). */
function newerWins(mode: Mode, older: Version, newer: Version): boolean {
  if (mode === 'COMMIT_TIME_ORDERING') return true;
  const orderOf = (v: Version) => (v.deleted ? v.ordering : v.ts);
  if (newer.deleted && newer.ordering === 0) return true;
  if (older.deleted && older.ordering === 0) return true;
  return orderOf(older) <= orderOf(newer);
}

/** The rows a snapshot read should return, as `id -> "ts:name"`. */
function model(mode: Mode, ops: Op[]): Record<number, string> {
  const undone = new Set(ops.flatMap((op) => (op.kind === 'rollback' ? [op.target] : [])));
  const logs = new Map<number, Version>();
  const apply = (id: number, v: Version) => {
    const prev = logs.get(id);
    if (!prev || newerWins(mode, prev, v)) logs.set(id, v);
  };
  for (const [i, op] of ops.entries()) {
    if (undone.has(i)) continue;
    // A damaged block's records are lost; every other data block's completed records count.
    if (op.kind !== 'delete' && op.kind !== 'damaged') for (const r of op.rows) apply(r.id, { deleted: false, ts: r.ts, name: r.name });
    if (op.kind === 'delete') for (const k of op.keys) apply(k.id, { deleted: true, ordering: k.ordering });
  }
  const out = new Map<number, Version>();
  for (let id = 0; id < BASE_KEYS; id++) out.set(id, { deleted: false, ts: 10, name: `base${id}` });
  for (const [id, v] of logs) {
    const base = out.get(id);
    if (!base || newerWins(mode, base, v)) out.set(id, v);
  }
  const rows: Record<number, string> = {};
  for (const [id, v] of out) if (!v.deleted) rows[id] = `${v.ts}:${v.name}`;
  return rows;
}

const idArb = fc.integer({ min: 0, max: BASE_KEYS + 6 });
// Unique keys per block: a writer de-duplicates a batch before logging it.
const recsArb = fc.uniqueArray(fc.record({ id: idArb, ts: fc.integer({ min: 0, max: 20 }), name: fc.constantFrom('a', 'b', 'c') }), {
  minLength: 1,
  maxLength: 4,
  selector: (r) => r.id,
});

function opsArb(): fc.Arbitrary<Op[]> {
  const op = (i: number): fc.Arbitrary<Op> =>
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('upsert' as const), format: fc.constantFrom('avro' as const, 'parquet' as const), rows: recsArb }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('delete' as const),
          keys: fc.uniqueArray(fc.record({ id: idArb, ordering: fc.constantFrom(0, 5, 15) }), { minLength: 1, maxLength: 3, selector: (k) => k.id }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('failed' as const), rows: recsArb, failedRows: recsArb, rollback: fc.boolean() }) },
      ...(i > 0 ? [{ weight: 1, arbitrary: fc.record({ kind: fc.constant('rollback' as const), rows: recsArb, target: fc.integer({ min: 0, max: i - 1 }) }) }] : []),
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('torn' as const), rows: recsArb }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('damaged' as const), rows: recsArb }) },
    );
  return fc.tuple(...Array.from({ length: LOG_FILES }, (_, i) => op(i)));
}

let counter = 0;

function completedInstants(ops: Op[]): Set<string> {
  return new Set([T(1), ...ops.map((_, i) => T(i + 2))]);
}

function rowsOf(batches: RecordBatch[]): Record<number, string> {
  const rows: Record<number, string> = {};
  for (const b of batches) for (const r of rowsToJson(b)) rows[Number(r.id)] = `${String(r.ts)}:${String(r.name)}`;
  return rows;
}

/**
 * Reads the table (rows and the corrupt blocks it reports), then reads its one file slice alone
 * through a LatencyStore, counting the slice read's requests, round trips and log file fetches.
 */
async function readAll(mode: Mode, ops: Op[]) {
  const memory = new MemoryStore(`mor-round-trips-${process.pid}-${++counter}`);
  await writeTable(memory, mode, ops);
  const logGets = new Map<string, number>();
  const counted = new FaultyStore(memory, {
    failOn: (op, key) => {
      if (op === 'get' && key.includes('.log.')) logGets.set(key, (logGets.get(key) ?? 0) + 1);
      return false;
    },
  });
  const store = new LatencyStore(counted, { latencyMs: 0 });
  const table = await openTable(store);
  const stream = table.read({ columns: ['id', 'ts', 'name'] });
  const batches: RecordBatch[] = [];
  for await (const b of stream) batches.push(b);

  const [slice] = await table.fileSlices();
  const schema = await table.schema();
  const completed = completedInstants(ops);
  const plan = { store, config: table.config, mergeMode: table.mergeMode, isValidInstant: (t: string) => completed.has(t), table: schema, output: projectSchema(schema, new Set(['id', 'ts', 'name'])) };
  logGets.clear();
  store.mark();
  const sliceBatches: RecordBatch[] = [];
  for await (const b of readFileSlice(plan, slice)) sliceBatches.push(b);
  return { rows: rowsOf(batches), sliceRows: rowsOf(sliceBatches), slice, trips: store.mark(), logGets, corrupt: stream.corruptLogBlocks };
}

describe('merge-on-read slices with many log files', () => {
  it('read each log file once, in a few round trips, and merge as the model says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Mode>('EVENT_TIME_ORDERING', 'COMMIT_TIME_ORDERING'), opsArb(), async (mode, ops) => {
        const { rows, sliceRows, slice, trips, logGets, corrupt } = await readAll(mode, ops);
        expect(rows).toEqual(model(mode, ops));
        expect(sliceRows).toEqual(rows);
        // Every log file of the slice fetched exactly once, in far fewer round trips than files
        // (16 at a time: at most 3 for 40 files, and the base file's footer and data).
        expect(slice.logFiles).toHaveLength(LOG_FILES);
        expect([...logGets.keys()].sort()).toEqual(slice.logFiles.map((f) => f.path).sort());
        expect([...logGets.values()].every((n) => n === 1)).toBe(true);
        expect(trips.requests).toBeLessThanOrEqual(slice.logFiles.length + 2);
        expect(trips.roundTrips).toBeLessThanOrEqual(5);
        // Damaged blocks of completed writes are reported as such; torn tails of failed writes,
        // and damaged blocks of writes a rollback undid, as belonging to no completed write.
        const undone = new Set(ops.flatMap((op) => (op.kind === 'rollback' ? [op.target] : [])));
        const paths = (keep: (op: Op, i: number) => boolean) => ops.flatMap((op, i) => (keep(op, i) ? [logPath(i + 2)] : [])).sort();
        expect(corrupt.filter((c) => c.committed).map((c) => c.path).sort()).toEqual(paths((op, i) => op.kind === 'damaged' && !undone.has(i)));
        expect(corrupt.filter((c) => !c.committed).map((c) => c.path).sort()).toEqual(paths((op, i) => op.kind === 'torn' || (op.kind === 'damaged' && undone.has(i))));
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('counts one round trip per batch of concurrent log fetches, not one per log file', async () => {
    const ops: Op[] = Array.from({ length: LOG_FILES }, (_, i) => ({ kind: 'upsert', format: i % 2 ? 'avro' : 'parquet', rows: [{ id: i % 15, ts: i, name: 'a' }] }));
    const { rows, slice, trips, logGets } = await readAll('EVENT_TIME_ORDERING', ops);
    expect(rows).toEqual(model('EVENT_TIME_ORDERING', ops));
    expect(slice.logFiles).toHaveLength(LOG_FILES);
    expect(logGets.size).toBe(LOG_FILES);
    // 40 log files 16 at a time take 3 round trips; the small base file is read in one request
    // (its footer read covers it) after them.
    expect(trips).toEqual({ requests: LOG_FILES + 1, roundTrips: 4, maxInFlight: 16 });
  });
});

// Micro benchmarks (tinybench) of the building blocks writes and reads spend their time in:
// record-key bloom filters, the key index, log blocks, Arrow -> Avro, Parquet encode/decode.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { HudiTable } from '@lake/core';
import {
  arrowSchemaToAvro,
  createBloomFilter,
  avroDataBlock,
  decodeAvroDataBlock,
  decodeParquetDataBlock,
  encodeAvroRecords,
  logFileBytes,
  parquetDataBlock,
  existingRecordRows,
  parseBloomFilter,
  readLogBlocks,
  BlockType,
  type AvroJsonRecord,
} from '@lake/core/format';
import { readParquet, readParquetMetadata, writeParquet } from '@lake/parquet';
import { parquetMetadata } from 'hyparquet';
import { Bench } from 'tinybench';

import type { BenchConfig } from './config.js';
import { eventBatch, impressionId, upsertTable } from './data.js';
import type { MicroResult } from './results.js';

const KEYS = 10_000;

/** An Avro log file from the Spark-written fixtures, when they are unpacked on this machine. */
function fixtureAvroLog(): Uint8Array | undefined {
  const roots = [process.env.LAKE_FIXTURES_DIR, '/tmp/fx'].filter((r): r is string => !!r && existsSync(r));
  for (const root of roots) {
    for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
      if (e.isFile() && /\.log\.\d+_/.test(e.name) && e.parentPath.includes('avro')) {
        const bytes = readFileSync(join(e.parentPath, e.name));
        if (readLogBlocks(bytes).blocks.some((b) => b.type === BlockType.AVRO_DATA)) return bytes;
      }
    }
  }
  return undefined;
}

export async function micro(cfg: BenchConfig, table: HudiTable, tableRows: number): Promise<{ results: MicroResult[]; notes: string[] }> {
  const notes: string[] = [];
  const bench = new Bench({ time: cfg.microTimeMs, iterations: cfg.microIterations, warmupTime: 50, warmupIterations: 2 });
  const keys = Array.from({ length: KEYS }, (_, i) => impressionId(i * 7));
  const filled = createBloomFilter();
  for (const k of keys) filled.add(k);
  const serialized = filled.serialize();
  const probes = Array.from({ length: KEYS }, (_, i) => impressionId(i * 7 + 3));

  bench.add(`bloom add ${KEYS} keys (key hashing)`, () => {
    const f = createBloomFilter();
    for (const k of keys) f.add(k);
  });
  bench.add(`bloom mightContain ${KEYS} keys`, () => {
    let n = 0;
    for (const k of probes) if (filled.mightContain(k)) n++;
    return n;
  });
  bench.add('bloom parse footer filter', () => {
    parseBloomFilter(serialized, 'DYNAMIC_V0');
  });
  const lookup = upsertTable(tableRows, 1000, 9);
  bench.add(`index lookup 1k keys in a ${tableRows}-row table`, async () => {
    await existingRecordRows(table, lookup);
  });

  const batch = eventBatch({ start: 0, count: KEYS, seed: 5 });
  const avroSchema = arrowSchemaToAvro(batch.schema, { tableName: 'ad_events' });
  bench.add(`arrow -> avro ${KEYS} rows`, () => {
    encodeAvroRecords(batch, avroSchema as unknown as AvroJsonRecord);
  });
  const schemaJson = JSON.stringify(avroSchema);
  const parquetBlock = logFileBytes([parquetDataBlock(batch, schemaJson, '20261124000000000')]);
  const avroBlock = logFileBytes([avroDataBlock(batch, avroSchema as unknown as AvroJsonRecord, '20261124000000000')]);
  bench.add(`log block encode ${KEYS} rows (parquet)`, () => {
    parquetDataBlock(batch, schemaJson, '20261124000000000');
  });
  bench.add(`log block encode ${KEYS} rows (avro)`, () => {
    avroDataBlock(batch, avroSchema as unknown as AvroJsonRecord, '20261124000000000');
  });
  bench.add(`log block decode ${KEYS} rows (parquet)`, () => {
    for (const b of readLogBlocks(parquetBlock).blocks) decodeParquetDataBlock(b);
  });
  bench.add(`log block decode ${KEYS} rows (avro)`, () => {
    for (const b of readLogBlocks(avroBlock).blocks) decodeAvroDataBlock(b);
  });
  const log = fixtureAvroLog();
  if (log) {
    bench.add(`log blocks decode (Spark fixture, ${log.length} bytes)`, () => {
      for (const b of readLogBlocks(log).blocks) if (b.type === BlockType.AVRO_DATA) decodeAvroDataBlock(b);
    });
  }

  const { Table } = await import('arrow21');
  const arrowTable = new Table(batch.schema, [batch]);
  const parquet = writeParquet(arrowTable, { compression: 'snappy' });
  bench.add(`parquet encode ${KEYS} rows (@lake/parquet, snappy)`, () => {
    writeParquet(arrowTable, { compression: 'snappy' });
  });
  bench.add(`parquet encode ${KEYS} rows (@lake/parquet, zstd)`, () => {
    writeParquet(arrowTable, { compression: 'zstd' });
  });
  bench.add(`parquet decode ${KEYS} rows (@lake/parquet, snappy)`, () => {
    readParquet(parquet);
  });

  // A micro-batch's small base file carries a full-size record-key filter (~430 KB of Base64):
  // written as text it goes through a string into the encoder; as bytes it is spliced into the
  // footer. Parsing such a footer used to decode the filter into a string (hyparquet's full parse).
  const small = new Table(batch.schema, [batch.slice(0, 200)]);
  const footerFilter = createBloomFilter();
  for (const k of keys.slice(0, 200)) footerFilter.add(k);
  const smallFile = writeParquet(small, { compression: 'snappy', metadata: { 'org.apache.hudi.bloomfilter': footerFilter.serializeBytes() } });
  bench.add('base file of 200 rows with its record-key filter, filter as text', () => {
    writeParquet(small, { compression: 'snappy', metadata: { 'org.apache.hudi.bloomfilter': footerFilter.serialize() } });
  });
  bench.add('base file of 200 rows with its record-key filter, filter as bytes', () => {
    writeParquet(small, { compression: 'snappy', metadata: { 'org.apache.hudi.bloomfilter': footerFilter.serializeBytes() } });
  });
  bench.add('footer with a record-key filter: full parse (hyparquet)', () => {
    parquetMetadata(smallFile);
  });
  bench.add('footer with a record-key filter: parse, filter decoded when read', () => {
    readParquetMetadata(smallFile);
  });

  await bench.run();
  const results: MicroResult[] = [];
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') {
      notes.push(`${task.name}: ${r.state}${'error' in r ? ` (${String(r.error)})` : ''}`);
      continue;
    }
    results.push({
      name: task.name,
      opsPerSec: r.throughput.mean,
      meanUs: r.latency.mean * 1000,
      p99Us: r.latency.p99 * 1000,
      samples: r.latency.samplesCount,
    });
  }
  return { results, notes };
}

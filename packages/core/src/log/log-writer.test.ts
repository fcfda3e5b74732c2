// Log blocks lake encodes decode back through the reader: framing, headers, every block kind.

import { Table, tableFromArrays, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readParquetMetadata } from '@lake/parquet';
import { parquetMetadata } from 'hyparquet';

import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import type { AvroJsonRecord } from '../avro/avro-schema.js';
import { decodeAvroDataBlock, decodeDeleteBlock, decodeParquetDataBlock } from './data-block.js';
import { BlockType, CommandType, HeaderKey } from './log-format.js';
import { readLogBlocks } from './log-reader.js';
import { avroDataBlock, deleteBlock, logFileBytes, parquetDataBlock, parquetDataBlockAsync, rollbackBlock } from './log-writer.js';

const batch = tableFromArrays({ id: ['a', 'b', 'c'], n: Float64Array.from([1.5, -2, 3]) }).batches[0];
const schema = arrowSchemaToAvro(batch.schema, { tableName: 't' }) as unknown as AvroJsonRecord;

describe('log blocks', () => {
  it('encodes a Parquet data block to the same bytes on a worker or the calling thread, several at once', async () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => `key-${i}`);
    const batch = tableFromArrays({ id: ids, n: Float64Array.from(ids, (_, i) => i * 1.5) }).batches[0];
    const schema = JSON.stringify(arrowSchemaToAvro(batch.schema, { tableName: 't' }));
    // parquet-wasm writes several footer keys in a hash map's order, which differs between calls:
    // the blocks are compared by header, footer keys and rows, not byte for byte.
    const view = (bytes: Uint8Array) => {
      const [block] = readLogBlocks(bytes).blocks;
      const meta = readParquetMetadata(block.content);
      return { header: [...block.header], keys: meta.keyValueMetadata, rows: decodeParquetDataBlock(block).toArray().map((r) => r.toJSON()) };
    };
    const sync = view(parquetDataBlock(batch, schema, '20240101000000001'));
    const blocks = await Promise.all(Array.from({ length: 3 }, () => parquetDataBlockAsync(batch, schema, '20240101000000001')));
    for (const b of blocks) expect(view(b)).toEqual(sync);
  });

  it('writes the record keys and sequence numbers of a Parquet block without a dictionary, other columns with one', () => {
    const keys = ['k1', 'k2', 'k3'];
    const block = tableFromArrays({ _hoodie_commit_seqno: keys.map((k) => `s-${k}`), _hoodie_record_key: keys, country: ['US', 'US', 'DE'] }).batches[0];
    const [decoded] = readLogBlocks(parquetDataBlock(block, JSON.stringify(schema), '20240101000000001')).blocks;
    const content = decoded.content;
    const meta = parquetMetadata(content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer);
    const dictionary = Object.fromEntries(meta.row_groups[0].columns.map((c) => [c.meta_data!.path_in_schema.join('.'), c.meta_data!.dictionary_page_offset !== undefined]));
    expect(dictionary).toEqual({ _hoodie_commit_seqno: false, _hoodie_record_key: false, country: true });
    expect(decodeParquetDataBlock(decoded).getChild('_hoodie_record_key')?.toArray()).toEqual(keys);
  });

  it('writes data columns of mostly distinct values without a dictionary, repetitive ones with one', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `id-${i}`);
    const text = (values: string[]) => vectorFromArray(values, new Utf8());
    const block = new Table({ id: text(ids), country: text(ids.map((_, i) => ['US', 'DE'][i % 2])), n: vectorFromArray(Float64Array.from(ids, (_, i) => i / 3)) }).batches[0];
    const [decoded] = readLogBlocks(parquetDataBlock(block, JSON.stringify(schema), '20240101000000001')).blocks;
    const content = decoded.content;
    const meta = parquetMetadata(content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer);
    const dictionary = Object.fromEntries(meta.row_groups[0].columns.map((c) => [c.meta_data!.path_in_schema.join('.'), c.meta_data!.dictionary_page_offset !== undefined]));
    expect(dictionary).toEqual({ id: false, country: true, n: false });
    expect(decodeParquetDataBlock(decoded).toArray().map((r) => r.toJSON())).toEqual(block.toArray().map((r) => r.toJSON()));
  });

  it('frames several blocks into one file the reader splits again', () => {
    const bytes = logFileBytes([
      parquetDataBlock(batch, JSON.stringify(schema), '20240101000000001'),
      avroDataBlock(batch, schema, '20240101000000002'),
      deleteBlock([{ recordKey: 'a', partitionPath: 'p' }], JSON.stringify(schema), '20240101000000003'),
      rollbackBlock('20240101000000004', '20240101000000002'),
    ]);
    const scan = readLogBlocks(bytes);
    expect(scan.corrupt).toEqual([]);
    expect(scan.blocks.map((b) => b.type)).toEqual([BlockType.PARQUET_DATA, BlockType.AVRO_DATA, BlockType.DELETE, BlockType.COMMAND]);
    expect(scan.blocks.map((b) => b.header.get(HeaderKey.INSTANT_TIME))).toEqual(['20240101000000001', '20240101000000002', '20240101000000003', '20240101000000004']);
    const [parquet, avro, del, command] = scan.blocks;
    expect(decodeParquetDataBlock(parquet).toArray().map((r) => r.toJSON())).toEqual([
      { id: 'a', n: 1.5 },
      { id: 'b', n: -2 },
      { id: 'c', n: 3 },
    ]);
    expect(decodeAvroDataBlock(avro).records).toEqual([
      { id: 'a', n: 1.5 },
      { id: 'b', n: -2 },
      { id: 'c', n: 3 },
    ]);
    expect(decodeDeleteBlock(del)).toEqual([{ recordKey: 'a', partitionPath: 'p', orderingValue: 0 }]);
    expect(command.header.get(HeaderKey.COMMAND_BLOCK_TYPE)).toBe(String(CommandType.ROLLBACK_BLOCK));
    expect(command.header.get(HeaderKey.TARGET_INSTANT_TIME)).toBe('20240101000000002');
  });

  it('keeps the ordering value a delete carries, in the union branch of its type', () => {
    const block = deleteBlock(
      [
        { recordKey: 'i', partitionPath: '', orderingValue: 7 },
        { recordKey: 'l', partitionPath: '', orderingValue: 1n << 40n },
        { recordKey: 'big', partitionPath: '', orderingValue: 2 ** 40 },
        { recordKey: 'd', partitionPath: '', orderingValue: 0.25 },
        { recordKey: 's', partitionPath: '', orderingValue: '2024-01-01' },
      ],
      '{}',
      '20240101000000001',
    );
    const [b] = readLogBlocks(block).blocks;
    expect(decodeDeleteBlock(b).map((d) => d.orderingValue)).toEqual([7, 1n << 40n, 1n << 40n, 0.25, '2024-01-01']);
  });

  it('encodes an empty delete list', () => {
    const [b] = readLogBlocks(deleteBlock([], '{}', '20240101000000001')).blocks;
    expect(decodeDeleteBlock(b)).toEqual([]);
  });
});

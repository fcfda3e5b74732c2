// Arrow Table <-> Parquet bytes through parquet-wasm, with Arrow IPC as the hand-over format.

import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import * as wasm from 'parquet-wasm';

export type Compression = 'zstd' | 'snappy' | 'gzip' | 'none';

export interface WriteOptions {
  compression?: Compression;
  /** Maximum rows per row group. */
  rowGroupSize?: number;
  /** Footer key-value metadata. */
  metadata?: Record<string, string>;
}

export interface ReadOptions {
  /** Top-level column names to read; all when omitted. */
  columns?: string[];
  /** Row group indexes to read; all when omitted. */
  rowGroups?: number[];
}

const codecs: Record<Compression, wasm.Compression> = {
  zstd: wasm.Compression.ZSTD,
  snappy: wasm.Compression.SNAPPY,
  gzip: wasm.Compression.GZIP,
  none: wasm.Compression.UNCOMPRESSED,
};

export function writeParquet(table: Table, options: WriteOptions = {}): Uint8Array {
  let builder = new wasm.WriterPropertiesBuilder().setCompression(codecs[options.compression ?? 'zstd']);
  if (options.rowGroupSize !== undefined) builder = builder.setMaxRowGroupSize(options.rowGroupSize);
  if (options.metadata) builder = builder.setKeyValueMetadata(new Map(Object.entries(options.metadata)));
  const wasmTable = wasm.Table.fromIPCStream(tableToIPC(table, 'stream'));
  return wasm.writeParquet(wasmTable, builder.build());
}

export function readParquet(bytes: Uint8Array, options: ReadOptions = {}): Table {
  const wasmTable = wasm.readParquet(bytes, {
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.rowGroups ? { rowGroups: options.rowGroups } : {}),
  });
  return tableFromIPC(wasmTable.intoIPCStream());
}

// The only place that calls parquet-wasm. Arrow IPC is the hand-over format in both directions.
// Only the synchronous entry points are used: a Rust panic inside them surfaces as a catchable
// WebAssembly.RuntimeError, while a panic inside parquet-wasm's async reader is thrown from a
// promise job and takes the whole process down.

import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import * as wasm from 'parquet-wasm';
import { corruptError, describeCause, ParquetError } from './errors.js';

export type Compression = 'zstd' | 'snappy' | 'gzip' | 'none';

export const COMPRESSIONS: Record<Compression, wasm.Compression> = {
  zstd: wasm.Compression.ZSTD,
  snappy: wasm.Compression.SNAPPY,
  gzip: wasm.Compression.GZIP,
  none: wasm.Compression.UNCOMPRESSED,
};

export interface EncodeSettings {
  compression: Compression;
  rowGroupSize?: number;
  keyValueMetadata?: Record<string, string>;
  /** Leaf column paths (dot-joined) written without statistics. */
  withoutStatistics?: string[];
  /** Column paths (dot-joined) written without a dictionary. */
  withoutDictionary?: string[];
}

/** The Arrow IPC stream parquet-wasm takes in. */
export function encodeInput(table: Table): Uint8Array {
  try {
    return tableToIPC(table, 'stream');
  } catch (e) {
    throw new ParquetError('PARQUET_WRITE_FAILED', `Cannot serialize the Arrow table for writing: ${describeCause(e)}.`, { cause: e });
  }
}

export function writeFailed(cause: unknown): ParquetError {
  return new ParquetError(
    'PARQUET_WRITE_FAILED',
    `Cannot write the table as Parquet: ${describeCause(cause)}. Check that every column has a type Parquet can store.`,
    { cause },
  );
}

/** Parquet bytes of an Arrow IPC stream (see encodeInput). */
export function encodeIPC(ipc: Uint8Array, settings: EncodeSettings): Uint8Array {
  try {
    let builder = new wasm.WriterPropertiesBuilder().setCompression(COMPRESSIONS[settings.compression]);
    if (settings.rowGroupSize !== undefined) builder = builder.setMaxRowGroupSize(settings.rowGroupSize);
    if (settings.keyValueMetadata && Object.keys(settings.keyValueMetadata).length > 0) {
      builder = builder.setKeyValueMetadata(new Map(Object.entries(settings.keyValueMetadata)));
    }
    for (const column of settings.withoutStatistics ?? []) builder = builder.setColumnStatisticsEnabled(column, wasm.EnabledStatistics.None);
    for (const column of settings.withoutDictionary ?? []) builder = builder.setColumnDictionaryEnabled(column, false);
    const properties = builder.build();
    const wasmTable = wasm.Table.fromIPCStream(ipc);
    return wasm.writeParquet(wasmTable, properties);
  } catch (e) {
    throw writeFailed(e);
  }
}

export function encode(table: Table, settings: EncodeSettings): Uint8Array {
  return encodeIPC(encodeInput(table), settings);
}

export interface DecodeSettings {
  /** Rows per decoded record batch. */
  batchSize?: number;
}

/**
 * Decodes every column of every row group of a Parquet file held in memory (projection and
 * row-group selection happen before, by compacting the file).
 */
export function decode(file: Uint8Array, settings: DecodeSettings, what: string): Table {
  let ipc: Uint8Array;
  try {
    const table = wasm.readParquet(file, settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {});
    ipc = table.intoIPCStream();
  } catch (e) {
    throw corruptError(what, e);
  }
  return tableFromIPC(ipc);
}

/**
 * Loads the WebAssembly module where that is asynchronous. Under Node the module is loaded
 * synchronously on import and this does nothing; in browsers and workers (parquet-wasm's ESM
 * build) call it once before any read or write, optionally with the .wasm URL, bytes or module.
 */
export async function initParquet(wasmSource?: unknown): Promise<void> {
  const init = (wasm as unknown as { default?: unknown }).default;
  if (typeof init === 'function') {
    await (init as (input?: { module_or_path: unknown }) => Promise<unknown>)(
      wasmSource === undefined ? undefined : { module_or_path: wasmSource },
    );
  }
}

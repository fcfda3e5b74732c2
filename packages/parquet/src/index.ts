// @lake/parquet public API: Arrow <-> Parquet, footer metadata, column statistics, range reads.
export { writeParquet, writeParquetAsync, type AsyncWriteOptions, type WriteOptions, type Compression } from './write.js';
export { parquetStreamWriter, type ParquetStreamWriter, type StreamWriteOptions } from './stream-write.js';
export { closeParquetWorkers, parquetWorkerCount, parquetWorkersRunning, warmParquetWorkers } from './encode-pool.js';
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
export { type BloomFilterColumn } from './bloom-write.js';
export { loadColumnBloomFilters, bloomProbe, type ColumnBloomFilters } from './bloom-read.js';
export { bloomFilterBytes, DEFAULT_BLOOM_FPP, type SplitBlockBloom } from './split-block-bloom.js';
export {
  readParquet,
  readParquetMetadata,
  readParquetMetadataFrom,
  readParquetBatches,
  openParquet,
  type ReadOptions,
  type BatchReadOptions,
  type OpenOptions,
  type ParquetFileReader,
  type ParquetBatchStream,
} from './read.js';
export { openParquetBytes, type ParquetBytesReader } from './flat-read.js';
export { type ByteSource, type ReadStats, byteSourceFromBytes, byteSourceFromStore } from './byte-source.js';
export type {
  ParquetFileMetadata,
  ParquetColumn,
  ParquetRowGroup,
  ParquetColumnChunk,
  PhysicalType,
  LogicalType,
  TimeUnit,
  Repetition,
} from './file-metadata.js';
export { columnStatistics, type ColumnStatistics } from './column-statistics.js';
export { mostlyDistinctColumns, type DistinctColumnOptions } from './distinct-columns.js';
export {
  compareStatValues,
  decimalToString,
  type ColumnChunkStatistics,
  type StatValue,
  type Decimal,
} from './statistics.js';
export { ParquetError, type ParquetErrorCode } from './errors.js';
export { initParquet } from './wasm-codec.js';
export { encodeBase64, encodeBase64AsciiBytes, decodeBase64, decodeBase64Ascii, decodeBase64Forgiving } from './base64.js';
export { readFooterKeyValues } from './footer-key-values.js';
export { float16FromBits } from './float16.js';
export { xxhash64Seeded } from './xxhash64.js';

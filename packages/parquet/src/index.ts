// @lake/parquet public API: Arrow <-> Parquet, footer metadata, column statistics, range reads.
export { writeParquet, type WriteOptions, type Compression } from './write.js';
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
export {
  columnStatistics,
  compareStatValues,
  decimalToString,
  type ColumnStatistics,
  type ColumnChunkStatistics,
  type StatValue,
  type Decimal,
} from './statistics.js';
export { ParquetError, type ParquetErrorCode } from './errors.js';
export { initParquet } from './wasm-codec.js';

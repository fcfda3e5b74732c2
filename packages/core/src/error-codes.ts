// Every `code` a LakeError thrown by @lake/core (or by the storage and Parquet layers beneath it)
// can carry, so callers can switch over them exhaustively.

export const LAKE_ERROR_CODES = [
  // @lake/storage
  'NOT_FOUND',
  'STORE_ERROR',
  'INVALID_URI',
  'INVALID_KEY',
  'INVALID_RANGE',
  // @lake/parquet
  'PARQUET_CORRUPT',
  'PARQUET_UNSUPPORTED',
  'PARQUET_COLUMN_NOT_FOUND',
  'PARQUET_INVALID_ARGUMENT',
  'PARQUET_WRITE_FAILED',
  // @lake/core
  'TABLE_NOT_FOUND',
  'TABLE_EXISTS',
  'UNSUPPORTED_TABLE_VERSION',
  'INVALID_TABLE_CONFIG',
  'CORRUPT_TIMELINE',
  'INVALID_FILE_NAME',
  'MISSING_BASE_FILE',
  'LOG_FORMAT',
  'SCHEMA',
  'SCHEMA_MISMATCH',
  'AVRO_DECODE',
  'AVRO_ENCODE',
  'INVALID_READ_OPTION',
  'INVALID_WRITE',
  'WRITE_CONFLICT',
  'INVALID_BLOOM_FILTER',
  'INVALID_BLOOM_KEY',
  'BLOOM_FILTER_CONFIG',
  'NULL_RECORD_KEY',
  'KEYGEN_CONFIG',
  'PARTITION_PATH',
  'INVALID_INSTANT_TIME',
  'UNSUPPORTED_ARROW_TYPE',
  'UNSUPPORTED_FEATURE',
  'INSTANT_CLEANED',
  'INSTANT_ERASED',
] as const;

export type LakeErrorCode = (typeof LAKE_ERROR_CODES)[number];

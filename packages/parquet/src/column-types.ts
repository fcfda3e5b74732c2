// The leaf columns of a Parquet schema as lake describes them: physical and logical types,
// repetition and levels. Shared by the footer model and the statistics decoder.

export type PhysicalType =
  | 'BOOLEAN'
  | 'INT32'
  | 'INT64'
  | 'INT96'
  | 'FLOAT'
  | 'DOUBLE'
  | 'BYTE_ARRAY'
  | 'FIXED_LEN_BYTE_ARRAY';

export type TimeUnit = 'MILLIS' | 'MICROS' | 'NANOS';

/**
 * The annotation that says how to interpret a physical type. Files that only carry the legacy
 * converted type get the equivalent logical type here, so callers look in one place.
 */
export type LogicalType =
  | { type: 'STRING' }
  | { type: 'ENUM' }
  | { type: 'JSON' }
  | { type: 'BSON' }
  | { type: 'UUID' }
  | { type: 'FLOAT16' }
  | { type: 'DATE' }
  | { type: 'INTERVAL' }
  | { type: 'NULL' }
  | { type: 'DECIMAL'; precision: number; scale: number }
  | { type: 'TIME'; isAdjustedToUTC: boolean; unit: TimeUnit }
  | { type: 'TIMESTAMP'; isAdjustedToUTC: boolean; unit: TimeUnit }
  | { type: 'INTEGER'; bitWidth: number; isSigned: boolean }
  | { type: 'OTHER'; name: string };

export type Repetition = 'REQUIRED' | 'OPTIONAL' | 'REPEATED';

/** One leaf (primitive) column of the file schema. */
export interface ParquetColumn {
  /** Position among the leaves, the index of its chunk in every row group. */
  index: number;
  /** Path from the root, e.g. ['mapField', 'key_value', 'key']. */
  path: string[];
  /** The path joined with '.'. */
  name: string;
  physicalType: PhysicalType;
  logicalType?: LogicalType;
  /** Byte width of FIXED_LEN_BYTE_ARRAY values. */
  typeLength?: number;
  repetition: Repetition;
  maxDefinitionLevel: number;
  maxRepetitionLevel: number;
}

// The catalog tables Hudi's Glue sync registers for a Hudi table, as Glue TableInputs: one table
// for copy-on-write; for merge-on-read a read-optimized `_ro` table (base files only) and a
// real-time `_rt` table (base files merged with log files). Both point at the table's base path,
// read Parquet through Hudi's input formats, and carry the Spark data-source properties.

import type { Schema } from 'apache-arrow';
import type { Column, StorageDescriptor, TableInput } from '@aws-sdk/client-glue';
import type { TableConfig } from '@lake/core';

import { hiveType, sparkSchemaJson } from './hive-types.js';
import { catalogName, type GlueSyncOptions } from './sync-config.js';

export const HOODIE_INPUT_FORMAT = 'org.apache.hudi.hadoop.HoodieParquetInputFormat';
export const HOODIE_REALTIME_INPUT_FORMAT = 'org.apache.hudi.hadoop.realtime.HoodieParquetRealtimeInputFormat';
export const PARQUET_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat';
export const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';

/** Table parameters through which Hudi's sync remembers the last commit it synced. */
export const LAST_COMMIT_TIME_SYNC = 'last_commit_time_sync';
export const LAST_COMMIT_COMPLETION_TIME_SYNC = 'last_commit_completion_time_sync';

const DEFAULT_SCHEMA_LENGTH_THRESHOLD = 4000;

export interface CatalogTable {
  name: string;
  /** Merge-on-read real-time view (`_rt`): log files merged at read time. */
  realtime: boolean;
  input: TableInput;
}

/** Glue wants `s3://`; Hadoop-style `s3a://` locations name the same objects. */
export function catalogLocation(uri: string): string {
  const trimmed = uri.endsWith('/') ? uri.slice(0, -1) : uri;
  return trimmed.replace(/^s3[an]:\/\//, 's3://');
}

function columns(schema: Schema, exclude: ReadonlySet<string>, options: GlueSyncOptions): Column[] {
  return schema.fields
    .filter((f) => !exclude.has(f.name))
    .map((f) => ({ Name: f.name, Type: hiveType(f.type, f.name, options), Comment: '' }));
}

function partitionKeys(schema: Schema, partitionFields: readonly string[], options: GlueSyncOptions): Column[] {
  return partitionFields.map((name) => {
    const field = schema.fields.find((f) => f.name === name);
    // A partition value taken from a field the data no longer holds is a string, as in Hudi.
    return { Name: name, Type: field ? hiveType(field.type, name, options) : 'string', Comment: '' };
  });
}

/** The Spark data-source properties: provider, schema JSON in pieces, partition columns. */
export function sparkTableParameters(schema: Schema, partitionFields: readonly string[], threshold: number): Record<string, string> {
  const json = sparkSchemaJson(schema, partitionFields);
  const parts = Math.max(1, Math.ceil(json.length / threshold));
  const out: Record<string, string> = {
    'spark.sql.sources.provider': 'hudi',
    'spark.sql.sources.schema.numParts': String(parts),
  };
  for (let i = 0; i < parts; i++) out[`spark.sql.sources.schema.part.${i}`] = json.slice(i * threshold, (i + 1) * threshold);
  if (partitionFields.length > 0) {
    out['spark.sql.sources.schema.numPartCols'] = String(partitionFields.length);
    partitionFields.forEach((name, i) => (out[`spark.sql.sources.schema.partCol.${i}`] = name));
  }
  return out;
}

/** The catalog tables (one, or `_ro` and `_rt`) a sync keeps for this table. */
export function catalogTables(config: TableConfig, schema: Schema, basePath: string, options: GlueSyncOptions): CatalogTable[] {
  const base = catalogName('table', options.table ?? config.name);
  const partitionFields = config.partitionFields.map((f) => f.name);
  const location = catalogLocation(basePath);
  const dataColumns = columns(schema, new Set(partitionFields), options);
  const keys = partitionKeys(schema, partitionFields, options);
  const spark = sparkTableParameters(schema, partitionFields, options.schemaLengthThreshold ?? DEFAULT_SCHEMA_LENGTH_THRESHOLD);
  const make = (name: string, realtime: boolean, readOptimized: boolean): CatalogTable => {
    const sd: StorageDescriptor = {
      Columns: dataColumns,
      Location: location,
      InputFormat: realtime ? HOODIE_REALTIME_INPUT_FORMAT : HOODIE_INPUT_FORMAT,
      OutputFormat: PARQUET_OUTPUT_FORMAT,
      SerdeInfo: {
        SerializationLibrary: PARQUET_SERDE,
        Parameters: { 'hoodie.query.as.ro.table': String(readOptimized), path: location, 'serialization.format': '1' },
      },
    };
    const input: TableInput = {
      Name: name,
      TableType: 'EXTERNAL_TABLE',
      Parameters: { EXTERNAL: 'TRUE', 'hudi.metadata-listing-enabled': 'FALSE', ...spark },
      PartitionKeys: keys,
      StorageDescriptor: sd,
    };
    return { name, realtime, input };
  };
  if (config.type === 'COPY_ON_WRITE') return [make(base, false, false)];
  return [make(options.skipRoSuffix ? base : `${base}_ro`, false, true), make(`${base}_rt`, true, false)];
}

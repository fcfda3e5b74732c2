// Creating a table: writes `.hoodie/hoodie.properties` for a Hudi table version 6 (timeline
// layout 1), the way Hudi 0.14/0.15 does, so Spark, Trino and Athena recognise it.

import { openStore, type ObjectStore } from '@lake/storage';
import type { Schema } from 'apache-arrow';

import { formatTableProperties, newTableProperties, type TableType } from '../config/table-config.js';
import { InvalidTableConfigError, TableExistsError } from '../errors.js';
import { inferKeyGeneratorType, keyGeneratorTableProperties, type KeyGeneratorType } from '../keygen/key-generator.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import { bloomFilterTableProperties, type BloomFilterColumn } from '../write/column-bloom-filters.js';
import { bucketIndexProperties } from '../index/bucket-layout.js';
import { HOODIE_PROPERTIES, HudiTable, openTable } from './table.js';

/**
 * Hudi's simple bucket index: each partition holds `buckets` file groups and a record key's hash
 * picks its file group, so upserts and deletes read nothing to find records.
 */
export interface BucketIndexOptions {
  kind: 'bucket';
  /** Buckets (file groups) per partition; fixed for the table's life. */
  buckets: number;
  /** Record key field(s) to hash (`hoodie.bucket.index.hash.field`); default: all record key fields. */
  hashField?: string | string[];
}

export interface CreateTableOptions {
  /** `hoodie.table.name`; defaults to the last segment of the location. */
  name?: string;
  /** Record key field(s). */
  recordKey: string[];
  /** Partition field(s); none for a non-partitioned table. */
  partitionBy?: string[];
  /** Precombine / ordering field: of two versions of a record, the greater value wins. */
  orderingField?: string;
  /** `col=value` partition folders (Hive style) rather than plain `value`. */
  hiveStylePartitioning?: boolean;
  /** URL-encode partition values. */
  urlEncodePartitioning?: boolean;
  /** `cow` (COPY_ON_WRITE, default) or `mor` (MERGE_ON_READ). */
  type?: 'cow' | 'mor';
  /** Schema of the data columns; otherwise the first write decides it. */
  schema?: Schema;
  /** Key generator; inferred from the key and partition fields when omitted. */
  keyGenerator?: KeyGeneratorType;
  /**
   * Columns whose Parquet files carry a split-block bloom filter in every row group (stored as
   * parquet-mr's `parquet.bloom.filter.*#<column>` table properties).
   */
  bloomFilters?: (string | BloomFilterColumn)[];
  /** More `hoodie.*` table properties. */
  properties?: Record<string, string>;
  /** Record index; by default lake's bloom index (footers and key columns). */
  index?: BucketIndexOptions;
}

function defaultName(store: ObjectStore): string {
  const segments = store.uri.replace(/\/+$/, '').split('/');
  const last = segments[segments.length - 1] || 'lake_table';
  return last.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Creates an empty table at `location` and opens it. Fails if a table is already there. */
export async function createTable(location: string | ObjectStore, options: CreateTableOptions): Promise<HudiTable> {
  const store = typeof location === 'string' ? await openStore(location) : location;
  const name = options.name ?? defaultName(store);
  const partitionBy = options.partitionBy ?? [];
  const type: TableType = options.type === 'mor' ? 'MERGE_ON_READ' : 'COPY_ON_WRITE';
  if (options.recordKey.length === 0) throw new InvalidTableConfigError('recordKey needs at least one field');
  if (options.schema) {
    const known = new Set(options.schema.fields.map((f) => f.name));
    const roles: [string, string[]][] = [
      ['record key', options.recordKey],
      ['partition', partitionBy],
      ['ordering', options.orderingField ? [options.orderingField] : []],
      ['bloom filter', (options.bloomFilters ?? []).map((c) => (typeof c === 'string' ? c : c.column))],
    ];
    for (const [role, fields] of roles) {
      for (const f of fields) {
        if (!known.has(f)) throw new InvalidTableConfigError(`${role} field "${f}" is not a column of the schema (${[...known].join(', ')})`);
      }
    }
  }
  const hashField = options.index?.hashField;
  const indexProps = options.index
    ? bucketIndexProperties(options.index.buckets, options.recordKey, typeof hashField === 'string' ? hashField.split(',').map((f) => f.trim()) : hashField)
    : {};
  const keyGenType = options.keyGenerator ?? inferKeyGeneratorType(options.recordKey, partitionBy);
  const keyProps = keyGeneratorTableProperties({
    type: keyGenType,
    recordKeyFields: options.recordKey,
    partitionPathFields: partitionBy,
    hiveStylePartitioning: options.hiveStylePartitioning ?? false,
    urlEncodePartitionPath: options.urlEncodePartitioning ?? false,
  });
  const props = newTableProperties({
    name,
    type,
    recordKeyFields: options.recordKey,
    partitionFields: partitionBy,
    orderingFields: options.orderingField ? [options.orderingField] : [],
    hiveStylePartitioning: options.hiveStylePartitioning ?? false,
    urlEncodePartitioning: options.urlEncodePartitioning ?? false,
    keyGeneratorClass: keyProps['hoodie.table.keygenerator.class'],
    // With an ordering field, the stored record wins over an incoming one with a smaller value,
    // for Spark writers too.
    payloadClass: options.orderingField ? 'org.apache.hudi.common.model.DefaultHoodieRecordPayload' : undefined,
    createSchema: options.schema ? JSON.stringify(arrowSchemaToAvro(options.schema, { tableName: name })) : undefined,
    extra: {
      'hoodie.table.base.file.format': 'PARQUET',
      'hoodie.table.timeline.timezone': 'UTC',
      ...bloomFilterTableProperties(options.bloomFilters ?? []),
      ...indexProps,
      ...options.properties,
    },
  });
  const text = formatTableProperties(props, new Date());
  if (!(await store.putIfAbsent(HOODIE_PROPERTIES, new TextEncoder().encode(text)))) {
    throw new TableExistsError(store.uri);
  }
  return openTable(store);
}

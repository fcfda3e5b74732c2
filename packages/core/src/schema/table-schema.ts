// The table's schema at an instant, found where Hudi looks: the writer schema in the latest
// completed commit's metadata, else the create schema in hoodie.properties, else a base file's
// `parquet.avro.schema` footer entry or its Parquet schema. Meta columns come first.

import { Field, Schema, Utf8 } from 'apache-arrow';

import type { TableConfig } from '../config/table-config.js';
import { SchemaError } from '../errors.js';
import type { Timeline } from '../timeline/timeline.js';
import { parseAvroSchema, type AvroType } from '../avro/avro-schema.js';
import { avroToArrowSchema } from './avro-to-arrow.js';

/** Hudi's meta columns, in file order. */
export const META = {
  commitTime: '_hoodie_commit_time',
  commitSeqno: '_hoodie_commit_seqno',
  recordKey: '_hoodie_record_key',
  partitionPath: '_hoodie_partition_path',
  fileName: '_hoodie_file_name',
} as const;

export const META_FIELD_NAMES: readonly string[] = Object.values(META);
const META_SET = new Set(META_FIELD_NAMES);

export function isMetaField(name: string): boolean {
  return META_SET.has(name) || name === '_hoodie_operation';
}

export interface TableSchema {
  arrow: Schema;
  /** The Avro record schema of the data columns, when one was found. */
  avro?: AvroType;
  /** Where the schema came from. */
  source: 'commit' | 'create-schema' | 'base-file' | 'none';
}

/** The five meta columns followed by the data columns (base-file layout). */
export function prependMetaFields(dataSchema: Schema): Schema {
  const data = dataSchema.fields.filter((f) => !META_SET.has(f.name));
  const meta = META_FIELD_NAMES.map((n) => new Field(n, new Utf8(), true));
  return new Schema([...meta, ...data], dataSchema.metadata);
}

/** Meta columns (when the table populates them) followed by the data columns. */
export function withMetaFields(dataSchema: Schema, config: TableConfig): Schema {
  if (!config.populateMetaFields) return new Schema(dataSchema.fields.filter((f) => !META_SET.has(f.name)), dataSchema.metadata);
  return prependMetaFields(dataSchema);
}

function fromAvroText(text: string, where: string): { arrow: Schema; avro: AvroType } {
  let avro: AvroType;
  try {
    avro = parseAvroSchema(text);
  } catch (e) {
    throw new SchemaError(`The table schema in ${where} is not valid Avro: ${(e as Error).message}`, { cause: e });
  }
  return { avro, arrow: avroToArrowSchema(avro) };
}

/**
 * Resolves the schema as of an instant. `baseFileSchema` is called only when neither commits
 * nor hoodie.properties carry one; it returns a base file's Arrow schema (footer metadata kept).
 */
export async function resolveTableSchema(
  timeline: Timeline,
  config: TableConfig,
  validInstants: ReadonlySet<string>,
  baseFileSchema: () => Promise<Schema | undefined>,
  asOf?: string,
): Promise<TableSchema> {
  const writes = timeline.completedWrites(asOf).filter((i) => validInstants.has(i.time));
  for (let k = writes.length - 1; k >= 0; k--) {
    const meta = await timeline.commitMetadata(writes[k]);
    const text = meta.extraMetadata.get('schema');
    if (text && text.trim() !== '') {
      const s = fromAvroText(text, timeline.instantPath(writes[k]));
      return { ...s, arrow: withMetaFields(s.arrow, config), source: 'commit' };
    }
  }
  if (config.createSchema) {
    const s = fromAvroText(config.createSchema, 'hoodie.properties (hoodie.table.create.schema)');
    return { ...s, arrow: withMetaFields(s.arrow, config), source: 'create-schema' };
  }
  const fileSchema = await baseFileSchema();
  if (fileSchema) {
    const footer = fileSchema.metadata.get('parquet.avro.schema');
    if (footer) {
      const s = fromAvroText(footer, 'a base file footer');
      return { ...s, arrow: withMetaFields(s.arrow, config), source: 'base-file' };
    }
    return { arrow: withMetaFields(new Schema(fileSchema.fields), config), source: 'base-file' };
  }
  return { arrow: withMetaFields(new Schema([]), config), source: 'none' };
}

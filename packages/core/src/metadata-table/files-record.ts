// Records of the metadata table's `files` partition (HoodieMetadataRecord, Avro): the key is a
// partition path, or `__all_partitions__` for the list of partitions; `filesystemMetadata` maps a
// file (or partition) name to its size and a deletion flag. Later records of a key merge into
// earlier ones: a deletion drops the name, anything else keeps the larger size.

import { AvroDecodeError, CorruptMetadataTableError } from '../errors.js';
import { AvroReader, readDatum, type AvroRecord } from '../avro/avro-decoder.js';
import { parseAvroSchema, type AvroType } from '../avro/avro-schema.js';

/** Key of the record listing every partition of the data table. */
export const ALL_PARTITIONS_KEY = '__all_partitions__';

/** How the metadata table names the partition of a non-partitioned table. */
export const NON_PARTITIONED_NAME = '.';

/** HoodieMetadataRecord.type values of the `files` partition. */
export const FilesRecordType = { ALL_PARTITIONS: 1, FILE_LIST: 2 } as const;

interface FileEntry {
  size: number;
  isDeleted: boolean;
}

export interface FilesRecord {
  key: string;
  type: number;
  /** Names in the order the record lists them. */
  files: Map<string, FileEntry>;
}

const schemaCache = new Map<string, AvroType>();

/** The writer schema of a block or file, parsed once per distinct text. */
export function metadataSchema(json: string, path: string | undefined): AvroType {
  let schema = schemaCache.get(json);
  if (!schema) {
    try {
      schema = parseAvroSchema(json);
    } catch (e) {
      throw new CorruptMetadataTableError(`the Avro schema of the records does not parse: ${(e as Error).message}`, { path, cause: e });
    }
    if (schemaCache.size > 16) schemaCache.clear();
    schemaCache.set(json, schema);
  }
  return schema;
}

function toNumber(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return NaN;
}

/** A decoded HoodieMetadataRecord (from Avro or from an Arrow row) as a files record. */
export function filesRecordOf(key: string, rec: AvroRecord, path: string | undefined): FilesRecord {
  const type = Number(rec.type);
  if (type !== FilesRecordType.ALL_PARTITIONS && type !== FilesRecordType.FILE_LIST) {
    throw new CorruptMetadataTableError(`record "${key}" of the files partition has type ${String(rec.type)}, expected 1 or 2`, { path });
  }
  const files = new Map<string, FileEntry>();
  const meta = rec.filesystemMetadata;
  const entries: Iterable<[string, unknown]> =
    meta === null || meta === undefined ? [] : Array.isArray(meta) ? (meta as [string, unknown][]) : meta instanceof Map ? (meta as Map<string, unknown>) : [];
  for (const [name, info] of entries) {
    const i = info as AvroRecord | null;
    const size = toNumber(i?.size);
    if (!i || !Number.isFinite(size) || typeof i.isDeleted !== 'boolean') {
      throw new CorruptMetadataTableError(`record "${key}" lists "${name}" without a size and deletion flag`, { path });
    }
    files.set(name, { size, isDeleted: i.isDeleted });
  }
  return { key, type, files };
}

/**
 * Decodes one Avro-encoded HoodieMetadataRecord value; a value that does not decode, or holds
 * bytes past the record, is a CorruptMetadataTableError naming the record (`where`: which
 * partition, with a trailing space, or empty).
 */
export function decodeMetadataRecord(key: string, where: string, value: Uint8Array, schema: AvroType, path: string | undefined): AvroRecord {
  try {
    const r = new AvroReader(value);
    const rec = readDatum(schema, r) as AvroRecord;
    if (r.pos !== value.length) throw new AvroDecodeError(`the value decodes to ${r.pos} bytes, it holds ${value.length}`);
    return rec;
  } catch (e) {
    if (e instanceof AvroDecodeError) throw new CorruptMetadataTableError(`record "${key}" ${where}does not decode: ${e.message}`, { path, cause: e });
    throw e;
  }
}

/** Decodes one Avro-encoded HoodieMetadataRecord value whose key is `key`. */
export function decodeFilesRecord(key: string, value: Uint8Array, schema: AvroType, path: string | undefined): FilesRecord {
  return filesRecordOf(key, decodeMetadataRecord(key, '', value, schema, path), path);
}

/**
 * Merges a later record of a key into the earlier one. A deletion of a name the earlier record
 * lists removes it; a deletion of an unknown name stays as a tombstone (it may cancel a name
 * from an older file merged later); otherwise the larger size wins, since file sizes only grow.
 */
export function mergeFilesRecords(older: FilesRecord, newer: FilesRecord): FilesRecord {
  const files = new Map(older.files);
  for (const [name, entry] of newer.files) {
    const prev = files.get(name);
    if (!prev) files.set(name, entry);
    else if (entry.isDeleted) {
      if (prev.isDeleted) files.set(name, entry);
      else files.delete(name);
    } else files.set(name, { size: Math.max(prev.size, entry.size), isDeleted: false });
  }
  return { key: newer.key, type: newer.type, files };
}

// Records of the metadata table's `record_index` partition (HoodieMetadataRecord of type 5 with a
// HoodieRecordIndexInfo): the row key is a data-table record key, the record names the data
// partition and file group holding it. A file id is stored either as the two halves of a UUID
// plus a file index (encoding 0: `<uuid>-<index>`, no suffix when the index is -1) or as the raw
// string (encoding 1). Deleted keys come as delete blocks, never as records, so a later record
// of a key simply replaces an earlier one.

import type { AvroRecord } from '../avro/avro-decoder.js';
import type { AvroType } from '../avro/avro-schema.js';
import { CorruptMetadataTableError } from '../errors.js';
import { decodeMetadataRecord } from './files-record.js';

/** Where the record index says a record key lives. */
export interface RecordLocation {
  /** The data partition's path ('' when the table is not partitioned). */
  partition: string;
  fileId: string;
}

export interface RecordIndexRecord extends RecordLocation {
  key: string;
}

/** HoodieMetadataRecord.type of record index entries. */
const RECORD_INDEX_TYPE = 5;
/** HoodieRecordIndexInfo.fileIndex of a file id without a file index (old file names). */
const NO_FILE_INDEX = -1;

function toBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return undefined;
}

/** java.util.UUID(high, low).toString(): lower-case hex of the 128 bits in 8-4-4-4-12 groups. */
export function uuidOfBits(high: bigint, low: bigint): string {
  const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');
  const h = hex(high);
  const l = hex(low);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${l.slice(0, 4)}-${l.slice(4, 16)}`;
}

/** A decoded HoodieMetadataRecord of the record_index partition. */
export function recordIndexRecordOf(key: string, rec: AvroRecord, path: string | undefined): RecordIndexRecord {
  const info = rec.recordIndexMetadata as AvroRecord | null | undefined;
  if (Number(rec.type) !== RECORD_INDEX_TYPE || !info || typeof info !== 'object') {
    throw new CorruptMetadataTableError(`record "${key}" of the record_index partition has type ${String(rec.type)} and no record location`, { path });
  }
  const partition = info.partitionName;
  if (typeof partition !== 'string') throw new CorruptMetadataTableError(`record "${key}" of the record_index partition names no data partition`, { path });
  // Hudi 0.14 wrote no encoding field: its file ids were always the UUID form
  const encoding = info.fileIdEncoding === undefined || info.fileIdEncoding === null ? 0 : Number(info.fileIdEncoding);
  let fileId: string;
  if (encoding === 0) {
    const high = toBigInt(info.fileIdHighBits);
    const low = toBigInt(info.fileIdLowBits);
    const index = Number(info.fileIndex);
    if (high === undefined || low === undefined || !Number.isInteger(index) || index < NO_FILE_INDEX) {
      throw new CorruptMetadataTableError(`record "${key}" of the record_index partition has no valid UUID bits and file index for its file id`, { path });
    }
    fileId = uuidOfBits(high, low) + (index === NO_FILE_INDEX ? '' : `-${index}`);
  } else if (encoding === 1) {
    if (typeof info.fileId !== 'string' || info.fileId === '') {
      throw new CorruptMetadataTableError(`record "${key}" of the record_index partition has raw file id encoding but no file id`, { path });
    }
    fileId = info.fileId;
  } else {
    throw new CorruptMetadataTableError(`record "${key}" of the record_index partition has file id encoding ${encoding}, expected 0 or 1`, { path });
  }
  return { key, partition, fileId };
}

/** Decodes one Avro-encoded HoodieMetadataRecord value of the record_index partition. */
export function decodeRecordIndexRecord(key: string, value: Uint8Array, schema: AvroType, path: string | undefined): RecordIndexRecord {
  return recordIndexRecordOf(key, decodeMetadataRecord(key, 'of the record_index partition ', value, schema, path), path);
}

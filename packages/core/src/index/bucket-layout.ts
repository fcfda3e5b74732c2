// How a bucket-indexed table is laid out: its settings (kept in hoodie.properties under Hudi's
// write-config names) and the file ids of its buckets. Hudi names a bucket's file group by its
// bucket number, zero-padded to 8 digits, in place of the first 8 characters of a random UUID;
// the bucket of a file group is read back from those 8 characters, so the file-system view alone
// says where a key lives.

import type { TableConfig } from '../config/table-config.js';
import { BucketLayoutError, InvalidTableConfigError, UnsupportedFeatureError } from '../errors.js';
import type { FileSlice } from '../file-group/file-slice.js';

export const BucketProps = {
  indexType: 'hoodie.index.type',
  engine: 'hoodie.index.bucket.engine',
  numBuckets: 'hoodie.bucket.index.num.buckets',
  hashField: 'hoodie.bucket.index.hash.field',
} as const;

export interface BucketIndexSpec {
  numBuckets: number;
  /** Fields whose values are hashed; Hudi's default is the record key fields. */
  hashFields: string[];
}

/** The properties recording a simple bucket index, for a new table. */
export function bucketIndexProperties(numBuckets: number, recordKeyFields: readonly string[], hashField?: readonly string[]): Record<string, string> {
  if (!Number.isInteger(numBuckets) || numBuckets < 1 || numBuckets > 99_999_999) {
    throw new InvalidTableConfigError(`bucket count ${numBuckets} must be a whole number from 1 to 99999999 (bucket numbers take 8 digits)`);
  }
  const fields = hashField && hashField.length > 0 ? [...hashField] : [...recordKeyFields];
  const outside = fields.filter((f) => !recordKeyFields.includes(f));
  if (outside.length > 0) {
    throw new InvalidTableConfigError(
      `bucket hash field(s) ${outside.join(', ')} are not record key fields (${recordKeyFields.join(', ')}); a key must always hash to the same bucket, so hash fields must be part of it`,
    );
  }
  return {
    [BucketProps.indexType]: 'BUCKET',
    [BucketProps.engine]: 'SIMPLE',
    [BucketProps.numBuckets]: String(numBuckets),
    [BucketProps.hashField]: fields.join(','),
  };
}

/** The table's bucket index, or undefined when it has none. */
export function bucketIndexOf(config: TableConfig): BucketIndexSpec | undefined {
  const type = config.raw.get(BucketProps.indexType)?.trim().toUpperCase();
  if (type !== 'BUCKET') return undefined;
  const engine = (config.raw.get(BucketProps.engine) ?? 'SIMPLE').trim().toUpperCase();
  if (engine !== 'SIMPLE') {
    throw new UnsupportedFeatureError(`bucket index engine ${engine}: lake writes only the SIMPLE bucket engine (fixed bucket count); write this table with Spark or Flink`);
  }
  const text = config.raw.get(BucketProps.numBuckets)?.trim() ?? '256';
  const numBuckets = Number(text);
  if (!Number.isInteger(numBuckets) || numBuckets < 1 || numBuckets > 99_999_999) {
    throw new InvalidTableConfigError(`${BucketProps.numBuckets}=${text} is not a bucket count from 1 to 99999999`);
  }
  const hashFields = (config.raw.get(BucketProps.hashField) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return { numBuckets, hashFields: hashFields.length > 0 ? hashFields : [...config.recordKeyFields] };
}

/** Bucket number as Hudi writes it into file ids: 8 digits, zero-padded. */
export function bucketIdStr(bucket: number): string {
  return String(bucket).padStart(8, '0');
}

/** A new file id for `bucket`: the bucket number replaces the first 8 characters of a fresh id. */
export function bucketFileId(bucket: number, freshFileId: string): string {
  return bucketIdStr(bucket) + freshFileId.slice(8);
}

/** The bucket a file id names, or undefined when it does not start with 8 digits. */
export function bucketOfFileId(fileId: string): number | undefined {
  return /^[0-9]{8}/.test(fileId) ? Number(fileId.slice(0, 8)) : undefined;
}

/**
 * The file group of each bucket in one partition. Refuses a layout the bucket index cannot
 * route through: a file group that is not a bucket, a bucket number out of range, or two file
 * groups of one bucket (a key could then live in either, and writing one would leave a stale
 * copy in the other).
 */
export function bucketSlices(partition: string, slices: readonly FileSlice[], spec: BucketIndexSpec): Map<number, FileSlice> {
  const out = new Map<number, FileSlice>();
  for (const slice of slices) {
    const bucket = bucketOfFileId(slice.fileId);
    if (bucket === undefined) throw new BucketLayoutError(partition, slice.fileId, 'its file id does not start with an 8-digit bucket number');
    if (bucket >= spec.numBuckets) {
      throw new BucketLayoutError(partition, slice.fileId, `bucket ${bucket} is not below the table's ${spec.numBuckets} buckets`);
    }
    const other = out.get(bucket);
    if (other) throw new BucketLayoutError(partition, slice.fileId, `bucket ${bucket} already has file group ${other.fileId}`);
    out.set(bucket, slice);
  }
  return out;
}

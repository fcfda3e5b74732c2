// Routing a write through the bucket index: every row goes to the file group of its key's bucket,
// found by bucket number in the partition's latest file slices, or a new file group named after
// the bucket. Nothing is read: no footer, no key column. Whether a key is already stored does not
// matter: an existing bucket takes updates and new keys alike (a merge or a log block), a new
// bucket takes inserts, as Hudi's bucket index does.

import { InvalidRecordKeyError } from '../errors.js';
import type { FileSlice } from '../file-group/file-slice.js';
import { BucketHashKeyProblem, bucketIdOf } from './bucket-hash.js';
import { bucketFileId, bucketSlices, type BucketIndexSpec } from './bucket-layout.js';

export interface BucketRoute {
  fileId: string;
  /** The bucket's latest slice; undefined for a bucket this write creates. */
  slice?: FileSlice;
  /** Rows (indexes into the write's records) that fall into this bucket. */
  rows: number[];
}

/** Splits one partition's rows by bucket. `newFileId` gives a fresh file id (uuid-based). */
export function routeToBuckets(
  spec: BucketIndexSpec,
  partition: string,
  slices: readonly FileSlice[],
  rows: readonly number[],
  keys: readonly string[],
  newFileId: () => string,
): BucketRoute[] {
  const existing = bucketSlices(partition, slices, spec);
  const routes = new Map<number, BucketRoute>();
  for (const i of rows) {
    let bucket: number;
    try {
      bucket = bucketIdOf(keys[i], spec.hashFields, spec.numBuckets);
    } catch (e) {
      if (e instanceof BucketHashKeyProblem) throw new InvalidRecordKeyError('', i, `"${keys[i]}" cannot be hashed to a bucket: ${e.message}`);
      throw e;
    }
    let route = routes.get(bucket);
    if (!route) {
      const slice = existing.get(bucket);
      route = { fileId: slice ? slice.fileId : bucketFileId(bucket, newFileId()), slice, rows: [] };
      routes.set(bucket, route);
    }
    route.rows.push(i);
  }
  return [...routes.values()];
}

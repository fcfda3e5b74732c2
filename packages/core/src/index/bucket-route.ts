// Routing a write through the bucket index: every row goes to the file group of its key's bucket,
// found by bucket number in the partition's latest file slices, or a new file group named after
// the bucket. Nothing is read: no footer, no key column. Whether a key is already stored does not
// matter: an existing bucket takes updates and new keys alike (a merge or a log block), a new
// bucket takes inserts, as Hudi's bucket index does.

import { InvalidRecordKeyError } from '../errors.js';
import type { FileSlice } from '../file-group/file-slice.js';
import { BucketHashKeyProblem, bucketIdOf, bucketIdOfHashed } from './bucket-hash.js';
import { bucketFileId, bucketSlices, type BucketIndexSpec } from './bucket-layout.js';

export interface BucketRoute {
  fileId: string;
  /** The bucket's latest slice; undefined for a bucket this write creates. */
  slice?: FileSlice;
  /** Rows (indexes into the write's records) that fall into this bucket. */
  rows: number[];
}

/**
 * Splits one partition's rows by bucket. `newFileId` gives a fresh file id (uuid-based);
 * `keyHashes`, when given, holds each key's `javaStringHashCode` (see javaStringHashCodes).
 */
export function routeToBuckets(
  spec: BucketIndexSpec,
  partition: string,
  slices: readonly FileSlice[],
  rows: readonly number[],
  keys: readonly string[],
  newFileId: () => string,
  keyHashes?: Int32Array,
): BucketRoute[] {
  const existing = bucketSlices(partition, slices, spec);
  // by bucket number, and in the order the buckets first appear
  const byBucket: (BucketRoute | undefined)[] = [];
  const routes: BucketRoute[] = [];
  for (const i of rows) {
    let bucket: number;
    try {
      bucket = keyHashes ? bucketIdOfHashed(keys[i], keyHashes[i], spec.hashFields, spec.numBuckets) : bucketIdOf(keys[i], spec.hashFields, spec.numBuckets);
    } catch (e) {
      if (e instanceof BucketHashKeyProblem) throw new InvalidRecordKeyError('', i, `"${keys[i]}" cannot be hashed to a bucket: ${e.message}`);
      throw e;
    }
    let route = byBucket[bucket];
    if (!route) {
      const slice = existing.get(bucket);
      route = { fileId: slice ? slice.fileId : bucketFileId(bucket, newFileId()), slice, rows: [] };
      byBucket[bucket] = route;
      routes.push(route);
    }
    route.rows.push(i);
  }
  return routes;
}

/**
 * Deletes by record key alone on a bucket table: each key is named in every partition whose
 * file group for the key's bucket exists. The key's records may live only in log files there (a
 * bucket takes new keys as log blocks), so no base file could tell where they are.
 */
export function bucketKeyTargets(spec: BucketIndexSpec, slices: readonly FileSlice[], keys: readonly string[]): { keys: string[]; partitions: string[] } {
  const byPartition = new Map<string, FileSlice[]>();
  for (const s of slices) {
    const list = byPartition.get(s.partitionPath) ?? [];
    list.push(s);
    byPartition.set(s.partitionPath, list);
  }
  const out = { keys: [] as string[], partitions: [] as string[] };
  const bucketOfKey = keys.map((k, i) => {
    try {
      return bucketIdOf(k, spec.hashFields, spec.numBuckets);
    } catch (e) {
      if (e instanceof BucketHashKeyProblem) throw new InvalidRecordKeyError('', i, `"${k}" cannot be hashed to a bucket: ${e.message}`);
      throw e;
    }
  });
  for (const [partition, list] of byPartition) {
    const buckets = bucketSlices(partition, list, spec);
    keys.forEach((k, i) => {
      if (!buckets.has(bucketOfKey[i])) return;
      out.keys.push(k);
      out.partitions.push(partition);
    });
  }
  return out;
}

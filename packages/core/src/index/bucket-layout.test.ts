import { describe, expect, it } from 'vitest';

import type { FileSlice } from '../file-group/file-slice.js';
import { BucketLayoutError } from '../errors.js';
import { bucketFileId, bucketIdStr, bucketIndexProperties, bucketOfFileId, bucketSlices } from './bucket-layout.js';

const slice = (fileId: string): FileSlice => ({ partitionPath: 'p', fileId, baseInstantTime: '20260101000000000', logFiles: [] });
const spec = { numBuckets: 4, hashFields: ['id'] };

describe('bucket file ids', () => {
  it('put the 8-digit bucket number in place of the first 8 characters', () => {
    expect(bucketIdStr(3)).toBe('00000003');
    expect(bucketIdStr(12345678)).toBe('12345678');
    expect(bucketFileId(3, 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d-0')).toBe('00000003-e5f6-4a7b-8c9d-0e1f2a3b4c5d-0');
    expect(bucketOfFileId('00000003-e5f6-4a7b-8c9d-0e1f2a3b4c5d-0')).toBe(3);
    expect(bucketOfFileId('a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d-0')).toBeUndefined();
  });

  it('record Hudi write-config names', () => {
    expect(bucketIndexProperties(4, ['id'])).toEqual({
      'hoodie.index.type': 'BUCKET',
      'hoodie.index.bucket.engine': 'SIMPLE',
      'hoodie.bucket.index.num.buckets': '4',
      'hoodie.bucket.index.hash.field': 'id',
    });
    expect(bucketIndexProperties(2, ['id', 'dt'], ['dt'])['hoodie.bucket.index.hash.field']).toBe('dt');
    expect(() => bucketIndexProperties(0, ['id'])).toThrow(/bucket count/);
    expect(() => bucketIndexProperties(4, ['id'], ['name'])).toThrow(/not record key fields/);
  });
});

describe('bucket layout of a partition', () => {
  it('maps buckets to their file groups', () => {
    const m = bucketSlices('p', [slice('00000000-x-0'), slice('00000003-y-0')], spec);
    expect([...m.keys()].sort()).toEqual([0, 3]);
    expect(m.get(3)?.fileId).toBe('00000003-y-0');
  });

  it('refuses file groups that are not buckets, out of range, or twice the same bucket', () => {
    expect(() => bucketSlices('p', [slice('a1b2c3d4-x-0')], spec)).toThrow(BucketLayoutError);
    expect(() => bucketSlices('p', [slice('00000004-x-0')], spec)).toThrow(/not below the table's 4 buckets/);
    try {
      bucketSlices('p', [slice('00000001-x-0'), slice('00000001-y-0')], spec);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BucketLayoutError);
      expect((e as BucketLayoutError).code).toBe('BUCKET_LAYOUT');
      expect((e as BucketLayoutError).message).toMatch(/bucket 1 already has file group 00000001-x-0/);
    }
  });
});

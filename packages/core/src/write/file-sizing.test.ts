import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { averageRecordSize, defaultFileSizing, planInsertBuckets, writeSizing } from './file-sizing.js';

const sizing = { maxFileSizeBytes: 1000, smallFileLimitBytes: 600, recordSizeEstimate: 10, mergeOnReadSmallFileCandidates: 1 };

describe('planInsertBuckets', () => {
  it('tops up small files before opening new file groups', () => {
    const buckets = planInsertBuckets(250, [
      { fileId: 'big', sizeBytes: 900 },
      { fileId: 'small', sizeBytes: 500 },
      { fileId: 'tiny', sizeBytes: 100 },
    ], sizing);
    expect(buckets).toEqual([
      { fileId: 'tiny', records: 90 },
      { fileId: 'small', records: 50 },
      // 110 left, at most 100 per new file: two even files rather than 100 + 10.
      { records: 55 },
      { records: 55 },
    ]);
  });

  it('tops up at most the given number of small files, smallest first (merge-on-read)', () => {
    const files = [
      { fileId: 'small', sizeBytes: 500 },
      { fileId: 'tiny', sizeBytes: 100 },
    ];
    expect(planInsertBuckets(150, files, sizing, 10, 1)).toEqual([{ fileId: 'tiny', records: 90 }, { records: 60 }]);
    expect(planInsertBuckets(150, files, sizing, 10, 0)).toEqual([{ records: 75 }, { records: 75 }]);
  });

  it('never loses a record and never overfills a file', () => {
    fc.assert(
      fc.property(
        fc.nat(5000),
        fc.array(fc.record({ fileId: fc.uuid(), sizeBytes: fc.nat(1200) }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 300 }),
        (count, files, recordSize) => {
          const unique = [...new Map(files.map((f) => [f.fileId, f])).values()];
          const buckets = planInsertBuckets(count, unique, sizing, recordSize);
          expect(buckets.reduce((n, b) => n + b.records, 0)).toBe(count);
          for (const b of buckets) {
            expect(b.records).toBeGreaterThan(0);
            const start = b.fileId ? unique.find((f) => f.fileId === b.fileId)!.sizeBytes : 0;
            if (b.fileId || recordSize <= sizing.maxFileSizeBytes) {
              expect(start + b.records * recordSize).toBeLessThanOrEqual(sizing.maxFileSizeBytes);
            }
          }
        },
      ),
    );
  });

  it('estimates record size from history', () => {
    expect(averageRecordSize([{ totalWriteBytes: 1000, numWrites: 10 }, { totalWriteBytes: 0, numWrites: 0 }])).toBe(100);
    expect(averageRecordSize([])).toBeUndefined();
  });
});

describe('writeSizing', () => {
  it('sends inserts to new file groups unless a small-file limit is given; upserts keep the default', () => {
    const candidates = [{ fileId: 'small', sizeBytes: 1000 }];
    expect(planInsertBuckets(10, candidates, writeSizing(true))).toEqual([{ records: 10 }]);
    expect(planInsertBuckets(10, candidates, writeSizing(false))).toEqual([{ fileId: 'small', records: 10 }]);
    expect(writeSizing(true, { smallFileLimitBytes: 5000 }).smallFileLimitBytes).toBe(5000);
    expect(writeSizing(false)).toEqual(defaultFileSizing);
  });
});

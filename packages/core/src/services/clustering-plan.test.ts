// The clustering planner against a model partition that receives small files batch after batch:
// every bin is within the target and the size ratio, and the bytes rewritten stay a logarithmic
// multiple of the bytes ingested, where stitching every small file rewrites the growing file at
// every clustering.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileSlice } from '../file-group/file-slice.js';
import { planClusteringGroups } from './clustering-plan.js';

let next = 0;
function slice(partitionPath: string, size: number, logs = 0): FileSlice {
  const fileId = `f${next++}`;
  const name = `${fileId}_0-1-1_20250101000000000.parquet`;
  return {
    partitionPath,
    fileId,
    baseInstantTime: '20250101000000000',
    baseFile: { path: `${partitionPath}/${name}`, fileName: name, size } as FileSlice['baseFile'],
    logFiles: Array.from({ length: logs }, () => ({}) as FileSlice['logFiles'][number]),
  };
}

const sizes = (groups: ReturnType<typeof planClusteringGroups>) => groups.map((g) => g.slices.map((s) => s.baseFile!.size).sort((a, b) => a! - b!));

/** Runs `rounds` clusterings of one partition that gets `perRound` files of the given sizes before each. */
function simulate(perRound: number[][], sizeRatio: number, target: number): { ingested: number; rewritten: number; files: number[][] } {
  let files: FileSlice[] = [];
  let ingested = 0;
  let rewritten = 0;
  const after: number[][] = [];
  for (const batch of perRound) {
    for (const n of batch) files.push(slice('p', n));
    ingested += batch.reduce((a, b) => a + b, 0);
    const groups = planClusteringGroups(files, { sizeRatio, targetFileSizeBytes: target, smallFileLimitBytes: target });
    for (const g of groups) {
      const total = g.slices.reduce((a, s) => a + s.baseFile!.size!, 0);
      rewritten += total;
      files = files.filter((f) => !g.slices.includes(f));
      files.push(slice('p', total));
    }
    after.push(files.map((f) => f.baseFile!.size!).sort((a, b) => a - b));
  }
  return { ingested, rewritten, files: after };
}

describe('planClusteringGroups', () => {
  it('leaves a larger file alone until the smaller ones reach its size', () => {
    const files = [1, 1, 1, 1, 8].map((n) => slice('p', n));
    expect(sizes(planClusteringGroups(files, { sizeRatio: 1 }))).toEqual([[1, 1, 1, 1]]);
    expect(sizes(planClusteringGroups([...files, slice('p', 4)], { sizeRatio: 1 }))).toEqual([[1, 1, 1, 1, 4, 8]]);
    // Hudi's own planner stitches every small file
    expect(sizes(planClusteringGroups(files, { sizeRatio: Number.POSITIVE_INFINITY }))).toEqual([[1, 1, 1, 1, 8]]);
  });

  it('skips files with log files, files at the small-file limit, single files and other partitions', () => {
    const files = [slice('a', 1), slice('a', 1, 2), slice('a', 100), slice('b', 1), slice('c', 1), slice('c', 1)];
    const groups = planClusteringGroups(files, { sizeRatio: 1, smallFileLimitBytes: 100, partitions: ['a', 'c'] });
    expect(groups.map((g) => [g.partitionPath, g.slices.length])).toEqual([['c', 2]]);
    expect(() => planClusteringGroups(files, { sizeRatio: 0 })).toThrow(RangeError);
  });

  it('keeps every bin within the target and the ratio, each file in one bin at most (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ p: fc.constantFrom('a', 'b'), size: fc.integer({ min: 1, max: 200 }), logs: fc.nat(1) }), { maxLength: 40 }),
        fc.constantFrom(0.5, 1, 2, Number.POSITIVE_INFINITY),
        (specs, ratio) => {
          const files = specs.map((s) => slice(s.p, s.size, s.logs));
          const groups = planClusteringGroups(files, { sizeRatio: ratio, targetFileSizeBytes: 300, smallFileLimitBytes: 150 });
          const used = new Set<FileSlice>();
          for (const g of groups) {
            expect(g.slices.length).toBeGreaterThanOrEqual(2);
            let total = 0;
            for (const s of g.slices) {
              expect(used.has(s)).toBe(false);
              used.add(s);
              expect(s.partitionPath).toBe(g.partitionPath);
              expect(s.logFiles).toHaveLength(0);
              expect(s.baseFile!.size).toBeLessThan(150);
              total += s.baseFile!.size!;
            }
            expect(total).toBeLessThanOrEqual(300);
          }
          // a partition whose small files fit one target-size file is left with four files at most
          for (const p of ['a', 'b']) {
            const small = files.filter((f) => f.partitionPath === p && f.logFiles.length === 0 && f.baseFile!.size! < 150);
            const left = small.filter((f) => !used.has(f)).length + groups.filter((g) => g.partitionPath === p).length;
            if (small.reduce((a, f) => a + f.baseFile!.size!, 0) <= 300) expect(left).toBeLessThanOrEqual(4);
          }
        },
      ),
    );
  });

  it('rewrites each ingested byte a logarithmic number of times, not once per clustering (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 50, max: 150 }), { minLength: 1, maxLength: 6 }), { minLength: 16, maxLength: 80 }), (rounds) => {
        const target = 1_000_000;
        for (const ratio of [1, 2]) {
          const tiered = simulate(rounds, ratio, target);
          // at most about log2(rounds) + 2 rewrites per byte, and few files left per partition
          expect(tiered.rewritten / tiered.ingested).toBeLessThanOrEqual(Math.log2(rounds.length) + 2);
          for (const files of tiered.files) expect(files.length).toBeLessThanOrEqual(5);
        }
      }),
      { numRuns: 50 },
    );
    // stitching every small file rewrites the growing file at each clustering: quadratic
    const rounds = Array.from({ length: 64 }, () => [100, 100, 100, 100]);
    const all = simulate(rounds, Number.POSITIVE_INFINITY, 1_000_000);
    const tiered = simulate(rounds, 2, 1_000_000);
    expect(all.rewritten / all.ingested).toBeGreaterThan(30);
    expect(tiered.rewritten / tiered.ingested).toBeLessThan(8);
  });
});

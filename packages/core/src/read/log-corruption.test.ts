// Which damaged log bytes a completed write owns. A log file holds blocks of two completed writes
// and the tail of a write that never completed; cut anywhere, the damaged stretch is committed
// exactly when the cut falls inside a completed write's block, whether or not its header survived.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { deleteBlock } from '../log/log-writer.js';
import { readLogBlocks } from '../log/log-reader.js';
import { classifyCorruptRegions } from './log-corruption.js';

const schema = '{"type":"record","name":"r","fields":[]}';
const completed = new Set(['20240101000000001', '20240101000000002']);
const blocks = ['20240101000000001', '20240101000000002', '20240101000000003'].map((t, i) =>
  deleteBlock([{ recordKey: `k${i}`, partitionPath: '' }], schema, t),
);
const file = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
const ends: number[] = [];
let at = 0;
for (const b of blocks) {
  file.set(b, at);
  at += b.length;
  ends.push(at);
}
/** What the commit metadata says completed writes wrote: the file's size after the second block. */
const committedSize = ends[1];

describe('classifyCorruptRegions', () => {
  it('a cut inside a completed block is committed; inside the uncompleted tail it is not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: file.length - 1 }), fc.boolean(), async (cut, knowsExtent) => {
        const scan = readLogBlocks(file.subarray(0, cut));
        const regions = scan.corrupt.map((c) => ({ path: 'p/.f_1.log.1_0-1-0', ...c }));
        const judged = await classifyCorruptRegions(regions, (t) => completed.has(t), knowsExtent ? async () => committedSize : undefined);
        const boundary = ends.includes(cut);
        if (boundary) {
          expect(judged).toEqual([]);
          return;
        }
        expect(judged).toHaveLength(1);
        const insideCompleted = cut < committedSize;
        // Without the extents and without a header, unknown bytes count as committed (never lose data).
        const headerKnown = judged[0].instantTime !== undefined;
        expect(judged[0].committed).toBe(insideCompleted || (!headerKnown && !knowsExtent));
        expect(judged[0].offset).toBe(cut <= ends[0] ? 0 : cut <= ends[1] ? ends[0] : ends[1]);
      }),
      { numRuns: 300 },
    );
  });
});

// Model test: whatever interleaving of commits deferring their lifts, next writes taking them and
// event-loop turns, every lift runs exactly once, and none is left once a turn has passed.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { liftAfterAck, liftPending } from './after-ack.js';

type Op = { kind: 'defer'; owner: number } | { kind: 'next-write'; owner: number } | { kind: 'turn' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('defer' as const), owner: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('next-write' as const), owner: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('turn' as const) }),
);

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('lifts after the acknowledgement', () => {
  it('run each exactly once, by the next write of their table or on the next turn', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const owners = [{}, {}, {}];
        const runs: number[] = [];
        let made = 0;
        for (const o of ops) {
          if (o.kind === 'defer') {
            const id = made++;
            runs.push(0);
            liftAfterAck(owners[o.owner], async () => {
              runs[id]++;
            });
          } else if (o.kind === 'next-write') {
            await liftPending(owners[o.owner]);
          } else {
            await turn();
          }
          expect(runs.every((n) => n <= 1)).toBe(true);
        }
        await turn();
        expect(runs.every((n) => n === 1)).toBe(true);
        for (const owner of owners) await liftPending(owner);
        expect(runs.every((n) => n === 1)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('lets the next write wait for a lift that failed without failing it', async () => {
    const owner = {};
    liftAfterAck(owner, () => Promise.reject(new Error('store down')));
    await expect(liftPending(owner)).resolves.toBeUndefined();
  });
});

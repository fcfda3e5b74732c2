import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { byteBudget } from './byte-budget.js';
import { baseWriteBudget } from './write-execute.js';

describe('byte budget', () => {
  it('never holds more than its limit at once (a task larger than it counts as the whole limit); every task runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100 }), fc.array(fc.integer({ min: 0, max: 150 }), { maxLength: 20 }), async (limit, sizes) => {
        const budget = byteBudget(limit);
        let held = 0;
        let peak = 0;
        const done = await Promise.all(
          sizes.map((size, i) =>
            budget.run(size, async () => {
              held += Math.min(size, limit);
              peak = Math.max(peak, held);
              await new Promise((r) => setTimeout(r, (i * 7) % 3));
              held -= Math.min(size, limit);
              return i;
            }),
          ),
        );
        expect(done).toEqual(sizes.map((_, i) => i));
        expect(peak).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 60 },
    );
  });

  it('lets large file groups go no more at a time than there are encoders, one without any', () => {
    const large = 32 * 1024 * 1024;
    expect(baseWriteBudget(0)).toBe(large);
    expect(baseWriteBudget(1)).toBe(large);
    expect(baseWriteBudget(3)).toBe(3 * large);
    expect(baseWriteBudget(16)).toBe(4 * large);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { putGate } from './put-gate.js';

describe('putGate', () => {
  it('opens once every party is ready or done, whatever their order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.infiniteStream(fc.nat()), async (willPut, picks) => {
        const gate = putGate(willPut.length);
        const parties = willPut.map(() => gate.party());
        const passed: boolean[] = willPut.map(() => false);
        const order = [...willPut.keys()];
        // arrive in a random order: a party that puts waits at ready(); one that does not is done
        const it = picks[Symbol.iterator]();
        for (let i = order.length - 1; i > 0; i--) {
          const j = it.next().value % (i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        const waits: Promise<void>[] = [];
        for (const [step, n] of order.entries()) {
          if (willPut[n]) waits.push(parties[n].ready().then(() => void (passed[n] = true)));
          else parties[n].done();
          await Promise.resolve();
          await Promise.resolve();
          // nobody passes before the last party arrived
          if (step < order.length - 1) expect(passed.some(Boolean)).toBe(false);
        }
        await Promise.all(waits);
        expect(passed).toEqual(willPut);
        // done() after ready() does not count twice
        for (const p of parties) p.done();
      }),
      { numRuns: 100 },
    );
  });

  it('is open at once without parties', async () => {
    const gate = putGate(0);
    await expect(gate.party().ready()).resolves.toBeUndefined();
  });
});

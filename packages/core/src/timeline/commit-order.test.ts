// Commit order of the timeline: from layout 2 on (table versions 8 and 9, Hudi 1.x) writes are
// ordered and bounded by completion time, so a write that started early but completed late is
// part of the table only from its completion on; layout 1 keeps instant-time order. A model of
// both rules checks time travel bounds and incremental ranges over random timelines.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { parseTableConfig } from '../config/table-config.js';
import type { Instant } from './instant.js';
import { Timeline } from './timeline.js';

const props = (version: number): string =>
  [`hoodie.table.name=t`, `hoodie.table.version=${version}`, 'hoodie.table.type=COPY_ON_WRITE', 'hoodie.table.recordkey.fields=id'].join('\n');

const t = (n: number): string => `20240101${String(n).padStart(9, '0')}`;

function timeline(version: number, instants: Instant[]): Timeline {
  return new Timeline(new MemoryStore(`order-${version}`), parseTableConfig(props(version)), instants);
}

describe('commit order', () => {
  // A requested at 1, completed at 5; B requested at 2, completed at 3.
  const a: Instant = { time: t(1), action: 'commit', state: 'completed', completionTime: t(5) };
  const b: Instant = { time: t(2), action: 'commit', state: 'completed', completionTime: t(3) };

  it('layout 2: a write that completed later comes later, and is not part of the table before it completed', () => {
    const tl = timeline(9, [a, b]);
    expect(tl.byCompletionTime).toBe(true);
    expect(tl.completedWrites().map((i) => i.time)).toEqual([b.time, a.time]);
    expect(tl.latestCompletedWrite()?.time).toBe(a.time);
    // As of B (its completion, 3): A had not completed yet.
    expect(tl.completedWrites(b.time).map((i) => i.time)).toEqual([b.time]);
    // As of A (its completion, 5): both.
    expect(tl.completedWrites(a.time).map((i) => i.time)).toEqual([b.time, a.time]);
    // As of a moment between: only what completed by then.
    expect(tl.completedWrites(t(4)).map((i) => i.time)).toEqual([b.time]);
    expect(tl.completedWrites(t(0)).map((i) => i.time)).toEqual([]);
    // Incremental (B, A]: A only, though it was requested before B.
    expect(tl.completedWritesBetween(b.time, a.time).map((i) => i.time)).toEqual([a.time]);
    expect(tl.completedWritesBetween(a.time, a.time)).toEqual([]);
  });

  it('layout 1: instant-time order and bounds, as before', () => {
    const tl = timeline(6, [
      { time: a.time, action: 'commit', state: 'completed' },
      { time: b.time, action: 'commit', state: 'completed' },
    ]);
    expect(tl.byCompletionTime).toBe(false);
    expect(tl.completedWrites().map((i) => i.time)).toEqual([a.time, b.time]);
    expect(tl.completedWrites(a.time).map((i) => i.time)).toEqual([a.time]);
    expect(tl.completedWritesBetween(a.time, b.time).map((i) => i.time)).toEqual([b.time]);
  });

  it('matches the model on random layout-2 timelines', () => {
    const arb = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom('commit', 'deltacommit', 'replacecommit', 'clean')), {
      minLength: 1,
      maxLength: 12,
      selector: ([req]) => req,
    });
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (spec, x, y) => {
        const instants: Instant[] = spec.map(([req, took, action]) => ({
          time: t(req),
          action: action as Instant['action'],
          state: 'completed',
          completionTime: t(req + took),
        }));
        const tl = timeline(9, instants);
        const writes = instants.filter((i) => i.action !== 'clean');
        // The bound an "as of" stands for: an instant's completion when it names one, else itself.
        const bound = (asOf: string): string => instants.find((i) => i.time === asOf)?.completionTime ?? asOf;
        const byCompletion = (list: Instant[]): string[] =>
          [...list].sort((p, q) => (p.completionTime! < q.completionTime! ? -1 : p.completionTime! > q.completionTime! ? 1 : p.time < q.time ? -1 : 1)).map((i) => i.time);
        expect(tl.completedWrites().map((i) => i.time)).toEqual(byCompletion(writes));
        // Bounds at instants of the timeline and at arbitrary moments.
        const points = [...instants.map((i) => i.time), t(x), t(y)];
        for (const p of points) {
          expect(tl.completedWrites(p).map((i) => i.time)).toEqual(byCompletion(writes.filter((i) => i.completionTime! <= bound(p))));
        }
        const [lo, hi] = [points[x % points.length]!, points[y % points.length]!];
        const between = writes.filter((i) => i.completionTime! > bound(lo) && i.completionTime! <= bound(hi));
        expect(tl.completedWritesBetween(lo, hi).map((i) => i.time)).toEqual(byCompletion(between));
      }),
    );
  });
});

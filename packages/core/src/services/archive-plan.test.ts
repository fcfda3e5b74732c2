// Properties of the archive selection over random timelines: it only ever takes a prefix of the
// completed writes, never reaches a pending instant, a savepoint or the clean's retention bound,
// leaves at least keep.min writes, and takes every state file of what it archives.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Action, Instant } from '../timeline/instant.js';
import { archiveCandidates, compactionBound, needsArchiving, validateArchiveSettings, withStateFiles } from './archive-plan.js';

const settings = { maxCommits: 6, minCommits: 4, cleanerCommitsRetained: 2 };
const WRITES = new Set(['commit', 'deltacommit', 'replacecommit']);

type Step = { action: Action; done: boolean };
const step = fc.record({
  action: fc.constantFrom<Action>('deltacommit', 'commit', 'replacecommit', 'clean', 'rollback', 'compaction', 'savepoint'),
  done: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
});

function timeline(steps: Step[]): Instant[] {
  const out: Instant[] = [];
  steps.forEach((s, k) => {
    const time = String(20240101000000000n + BigInt(k * 1000));
    out.push({ time, action: s.action, state: 'requested' });
    if (s.action !== 'savepoint') out.push({ time, action: s.action, state: 'inflight' });
    // A compaction completes as a commit.
    if (s.done) out.push({ time, action: s.action === 'compaction' ? 'commit' : s.action, state: 'completed' });
  });
  return out;
}

describe('archive selection', () => {
  it('takes a hole-free prefix of completed writes and respects every bound', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.option(fc.nat(40), { nil: undefined }), (steps, cleanAt) => {
        const instants = timeline(steps);
        const cleanBound = cleanAt === undefined ? undefined : String(20240101000000000n + BigInt(cleanAt * 1000));
        const { completed } = archiveCandidates(instants, settings, [cleanBound === undefined ? undefined : { time: cleanBound, why: 'clean' }]);
        const done = new Set(instants.filter((i) => i.state === 'completed').map((i) => i.time));
        const writes = instants.filter((i) => i.state === 'completed' && WRITES.has(i.action));
        const archivedWrites = completed.filter((i) => WRITES.has(i.action));
        expect(archivedWrites).toEqual(writes.slice(0, archivedWrites.length));
        if (archivedWrites.length > 0) {
          expect(writes.length).toBeGreaterThan(settings.maxCommits);
          expect(writes.length - archivedWrites.length).toBeGreaterThanOrEqual(settings.minCommits);
          const last = archivedWrites.at(-1)!.time;
          const pending = instants.find((i) => !done.has(i.time) && i.action !== 'savepoint');
          if (pending) expect(last < pending.time).toBe(true);
          // The completed write right before the oldest pending instant stays too.
          if (pending) expect(writes.filter((w) => w.time < pending.time).at(-1)!.time > last).toBe(true);
          const savepoint = instants.find((i) => i.action === 'savepoint' && i.state === 'completed');
          if (savepoint) expect(last < savepoint.time).toBe(true);
          if (cleanBound) expect(last < cleanBound).toBe(true);
        }
        for (const action of ['clean', 'rollback']) {
          const all = instants.filter((i) => i.state === 'completed' && i.action === action);
          const taken = completed.filter((i) => i.action === action);
          expect(taken).toEqual(all.length > settings.maxCommits ? all.slice(0, all.length - settings.minCommits) : []);
        }
        if (!needsArchiving(instants, settings)) expect(completed).toEqual([]);
        const files = withStateFiles(instants, completed);
        for (const c of completed) {
          const states = files.filter((f) => f.time === c.time).map((f) => f.state);
          expect(states).toContain('completed');
          expect(states).toContain('requested');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the latest compaction active while fewer than keep.min delta commits followed it', () => {
    const steps = (after: number): Step[] => [
      ...Array.from({ length: 8 }, () => ({ action: 'deltacommit' as Action, done: true })),
      { action: 'compaction', done: true },
      ...Array.from({ length: after }, () => ({ action: 'deltacommit' as Action, done: true })),
    ];
    const few = timeline(steps(3));
    const bound = compactionBound(few, settings);
    expect(bound?.time).toBe(few.find((i) => i.action === 'compaction')!.time);
    const held = archiveCandidates(few, settings, [bound]);
    expect(held.completed.map((i) => i.time)).toEqual(few.filter((i) => i.state === 'completed').slice(0, 8).map((i) => i.time));
    expect(held.completed.every((i) => i.time < bound!.time)).toBe(true);
    expect(compactionBound(timeline(steps(settings.minCommits)), settings)).toBeUndefined();
    expect(compactionBound(timeline(steps(0).slice(0, 8)), settings)).toBeUndefined();
  });

  it('validates the settings as Hudi does', () => {
    expect(() => validateArchiveSettings({ maxCommits: 30, minCommits: 20, cleanerCommitsRetained: 10 })).not.toThrow();
    expect(() => validateArchiveSettings({ maxCommits: 20, minCommits: 20, cleanerCommitsRetained: 10 })).toThrow(/hoodie.keep.max.commits/);
    expect(() => validateArchiveSettings({ maxCommits: 30, minCommits: 10, cleanerCommitsRetained: 10 })).toThrow(/hoodie.cleaner.commits.retained/);
    expect(() => validateArchiveSettings({ maxCommits: 30, minCommits: 0, cleanerCommitsRetained: 10 })).toThrow(/positive integer/);
  });
});

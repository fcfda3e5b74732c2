import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

import { generateEvents, hourPartition, scanEvents } from './events.js';
import { percentile, windowOf, windowSize } from './soak-stats.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

interface Line {
  impression_id: string;
  ts: number;
}

describe('soak events', () => {
  it('counts what it writes: redeliveries repeat an earlier line, every other key is new, partitions add up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'soak-events-'));
    dirs.push(dir);
    const g = await generateEvents(dir, 12_000, 7, { duplicates: 0.05, lateHours: 0.05, lateDays: 0.01 }, 7);
    const lines: string[] = [];
    for (const f of g.files) lines.push(...(await readFile(f, 'utf8')).trimEnd().split('\n'));
    expect(lines).toHaveLength(12_000);
    expect(g.files).toHaveLength(7);
    const seen = new Map<string, string>();
    const perPartition: Record<string, number> = {};
    let repeats = 0;
    for (const line of lines) {
      const e = JSON.parse(line) as Line;
      const before = seen.get(e.impression_id);
      if (before !== undefined) {
        expect(before).toBe(line);
        repeats++;
        continue;
      }
      seen.set(e.impression_id, line);
      const hr = hourPartition(e.ts);
      perPartition[hr] = (perPartition[hr] ?? 0) + 1;
    }
    expect(repeats).toBe(g.duplicates);
    expect(seen.size).toBe(g.distinct);
    expect(g.distinct + g.duplicates).toBe(12_000);
    expect(perPartition).toEqual(g.perPartition);
    expect(g.duplicates).toBeGreaterThan(0);
    expect(g.lateDays).toBeGreaterThan(0);
  });

  it('reads back from the files what the generator counted, and a consumed prefix of them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'soak-events-'));
    dirs.push(dir);
    const g = await generateEvents(dir, 9_000, 6, { duplicates: 0.04, lateHours: 0.04, lateDays: 0.02 }, 11);
    const { files: _g, ...generated } = g;
    const { files: _s, ...scanned } = await scanEvents(dir);
    expect(scanned).toEqual(generated);
    const prefix = await scanEvents(dir, 'part-000002.ndjson', 700);
    expect(prefix.lines).toBe(2 * 1500 + 700);
    expect(prefix.distinct + prefix.duplicates).toBe(prefix.lines);
    expect(Object.values(prefix.perPartition).reduce((a, b) => a + b, 0)).toBe(prefix.distinct);
    expect(prefix.distinct).toBeLessThan(g.distinct);
  });

  it('is deterministic for a seed', async () => {
    const a = await mkdtemp(join(tmpdir(), 'soak-events-'));
    const b = await mkdtemp(join(tmpdir(), 'soak-events-'));
    dirs.push(a, b);
    const ga = await generateEvents(a, 3_000, 3);
    const gb = await generateEvents(b, 3_000, 3);
    expect(await readFile(ga.files[2], 'utf8')).toBe(await readFile(gb.files[2], 'utf8'));
  });
});

describe('soak commit windows', () => {
  it('percentile is the nearest rank of the sorted values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 100 }), (xs, p) => {
        const v = percentile(xs, p);
        const below = xs.filter((x) => x <= v).length;
        const strictlyBelow = xs.filter((x) => x < v).length;
        expect(below / xs.length).toBeGreaterThanOrEqual(p / 100);
        expect(strictlyBelow / xs.length).toBeLessThan(p / 100);
      }),
    );
  });

  it('takes 200 commits of a full run and 10% of smaller ones', () => {
    expect(windowSize(2000)).toBe(200);
    expect(windowSize(50)).toBe(5);
    expect(windowSize(3)).toBe(1);
  });

  it('rates a window by its wall time', () => {
    const w = windowOf([
      { ms: 100, sinceLastMs: 500, requests: 10, roundTrips: 4, written: 900, deduplicated: 100 },
      { ms: 300, sinceLastMs: 1500, requests: 30, roundTrips: 6, written: 1000, deduplicated: 0 },
    ]);
    expect(w.eventsPerSec).toBe(1000);
    expect(w.requestsPerCommit).toBe(20);
    expect(w.roundTripsPerCommit).toBe(5);
    expect(w.maxRequests).toBe(30);
    expect(w.p50Ms).toBe(100);
    expect(w.p99Ms).toBe(300);
    expect(w.kinds).toBeUndefined();
  });

  it('averages requests by kind when every commit recorded them', () => {
    const kinds = (get: number, list: number) => ({ GET: get, PUT: 2, LIST: list, HEAD: 0, DELETE: 1, bytesRead: 0, bytesWritten: 0 });
    const commit = { ms: 1, sinceLastMs: 1, requests: 0, roundTrips: 0, written: 1, deduplicated: 0 };
    const w = windowOf([{ ...commit, byKind: kinds(1, 10) }, { ...commit, byKind: kinds(4, 20) }]);
    expect(w.kinds).toBe('GET 2.5 PUT 2.0 LIST 15.0 HEAD 0.0 DELETE 1.0');
  });
});

// Commit latency and requests over the first and last commits of a soak: 200 commits each in a
// full run, the first and last 10% in smaller ones.

import type { CommitCost } from './soak-types.js';

export interface CommitWindow {
  commits: number;
  p50Ms: number;
  p99Ms: number;
  /** Events per second over the window's wall time (commit to commit). */
  eventsPerSec: number;
  requestsPerCommit: number;
  roundTripsPerCommit: number;
  maxRequests: number;
  /** Mean requests per commit by kind (`GET 12.0 PUT 8.5 ...`), when the run recorded kinds. */
  kinds?: string;
}

const KINDS = ['GET', 'PUT', 'LIST', 'HEAD', 'DELETE'] as const;

function meanKinds(commits: CommitCost[]): string | undefined {
  if (commits.length === 0 || commits.some((c) => !c.byKind)) return undefined;
  return KINDS.map((k) => `${k} ${(commits.reduce((a, c) => a + c.byKind![k], 0) / commits.length).toFixed(1)}`).join(' ');
}

/** The nearest-rank percentile (p in 0..100) of values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function windowSize(commits: number): number {
  return commits >= 2000 ? 200 : Math.max(1, Math.ceil(commits * 0.1));
}

export function windowOf(commits: CommitCost[]): CommitWindow {
  const ms = commits.map((c) => c.ms);
  const wall = commits.reduce((a, c) => a + c.sinceLastMs, 0);
  const events = commits.reduce((a, c) => a + c.written + c.deduplicated, 0);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    commits: commits.length,
    p50Ms: percentile(ms, 50),
    p99Ms: percentile(ms, 99),
    eventsPerSec: wall > 0 ? (events * 1000) / wall : 0,
    requestsPerCommit: mean(commits.map((c) => c.requests)),
    roundTripsPerCommit: mean(commits.map((c) => c.roundTrips)),
    maxRequests: Math.max(0, ...commits.map((c) => c.requests)),
    kinds: meanKinds(commits),
  };
}

export function commitWindows(commits: CommitCost[]): { first: CommitWindow; last: CommitWindow; size: number } {
  const size = windowSize(commits.length);
  return { first: windowOf(commits.slice(0, size)), last: windowOf(commits.slice(-size)), size };
}

/** A commit (1-based) after which the process's peak resident set stood higher than before it. */
export interface PeakRise {
  commit: number;
  mb: number;
  byMb: number;
}

/**
 * The commits that raised the process's peak resident set by at least `minMb` (from the
 * `maxRssMb` each commit recorded), largest first, at most `limit`: what set the peak.
 */
export function peakRises(commits: CommitCost[], minMb: number, limit: number): PeakRise[] {
  const rises: PeakRise[] = [];
  let before = 0;
  commits.forEach((c, i) => {
    if (c.maxRssMb === undefined) return;
    if (before > 0 && c.maxRssMb - before >= minMb) rises.push({ commit: i + 1, mb: c.maxRssMb, byMb: c.maxRssMb - before });
    before = Math.max(before, c.maxRssMb);
  });
  return rises.sort((a, b) => b.byMb - a.byMb).slice(0, limit);
}

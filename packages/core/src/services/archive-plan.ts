// Which instants Hudi's timeline archiver moves out of the active timeline (table version 6):
// completed cleans and rollbacks beyond `hoodie.keep.max.commits` per action, down to
// `hoodie.keep.min.commits`; completed writes the same way, but never at or past the oldest
// pending instant (nor the completed write just before it), a savepoint, or the earliest commit
// the latest clean retains. Each chosen instant goes with all its state files.

import { ArchiveConfigError } from '../errors.js';
import type { Instant } from '../timeline/instant.js';

export interface ArchiveSettings {
  /** `hoodie.keep.max.commits` (default 30): archive once more completed instants than this. */
  maxCommits: number;
  /** `hoodie.keep.min.commits` (default 20): how many stay active after archiving. */
  minCommits: number;
  /** `hoodie.cleaner.commits.retained` (default 10): must stay below minCommits. */
  cleanerCommitsRetained: number;
}

export const DEFAULT_ARCHIVE_SETTINGS: ArchiveSettings = { maxCommits: 30, minCommits: 20, cleanerCommitsRetained: 10 };

/** Hudi's checks on the settings (HoodieWriteConfig validation), with what to change. */
export function validateArchiveSettings(s: ArchiveSettings): void {
  for (const [name, v] of [
    ['hoodie.keep.max.commits', s.maxCommits],
    ['hoodie.keep.min.commits', s.minCommits],
    ['hoodie.cleaner.commits.retained', s.cleanerCommitsRetained],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new ArchiveConfigError(`${name} must be a positive integer, got ${String(v)}.`);
  }
  if (s.maxCommits <= s.minCommits) {
    throw new ArchiveConfigError(`increase hoodie.keep.max.commits (${s.maxCommits}) to be greater than hoodie.keep.min.commits (${s.minCommits}).`);
  }
  if (s.minCommits <= s.cleanerCommitsRetained) {
    throw new ArchiveConfigError(
      `increase hoodie.keep.min.commits (${s.minCommits}) to be greater than hoodie.cleaner.commits.retained (${s.cleanerCommitsRetained}); ` +
        'otherwise incremental reads could miss instants the cleaner still retains.',
    );
  }
}

const WRITE_TIMELINE = new Set(['commit', 'deltacommit', 'replacecommit', 'compaction', 'logcompaction', 'clustering']);
const COMMITS = new Set(['commit', 'deltacommit', 'replacecommit']);

/** Hudi groups an instant's state files under the action its completed file carries. */
function comparableAction(action: string): string {
  if (action === 'compaction') return 'commit';
  if (action === 'logcompaction') return 'deltacommit';
  if (action === 'clustering') return 'replacecommit';
  return action;
}

/** Whether the timeline has grown past keep.max in any archived action: the cheap pre-check. */
export function needsArchiving(instants: readonly Instant[], s: ArchiveSettings): boolean {
  let commits = 0;
  let cleans = 0;
  let rollbacks = 0;
  for (const i of instants) {
    if (i.state !== 'completed') continue;
    if (COMMITS.has(i.action)) commits++;
    else if (i.action === 'clean') cleans++;
    else if (i.action === 'rollback') rollbacks++;
  }
  return commits > s.maxCommits || cleans > s.maxCommits || rollbacks > s.maxCommits;
}

export interface ArchiveCandidates {
  /** Completed instants to archive, oldest first (cleans and rollbacks, then writes). */
  completed: Instant[];
  /** Why writes stop where they do, when a rule (not keep.min) holds them back. */
  heldBackBy?: string;
}

/** An instant time writes must stay at or after, and why (shown in ArchiveResult.heldBackBy). */
export interface ArchiveBound {
  time: string;
  why: string;
}

/**
 * Merge-on-read: the latest completed compaction stays active while fewer than keep.min delta
 * commits followed it, so "delta commits since the last compaction" (the inline compaction
 * trigger) still counts right after archiving, as Hudi retains for its NUM_COMMITS trigger.
 */
export function compactionBound(instants: readonly Instant[], s: ArchiveSettings): ArchiveBound | undefined {
  const planned = new Set(instants.filter((i) => i.action === 'compaction').map((i) => i.time));
  const done = instants.filter((i) => i.state === 'completed');
  const latest = done.filter((i) => i.action === 'commit' && planned.has(i.time)).at(-1);
  if (!latest) return undefined;
  const since = done.filter((i) => i.action === 'deltacommit' && i.time > latest.time).length;
  return since < s.minCommits ? { time: latest.time, why: `the latest compaction ${latest.time} (the inline compaction trigger counts delta commits since it)` } : undefined;
}

/**
 * The completed instants to archive. `bounds` are instant times writes must stay at or after
 * (the earliest commit the latest clean retains, the latest compaction on merge-on-read).
 */
export function archiveCandidates(instants: readonly Instant[], s: ArchiveSettings, bounds: readonly (ArchiveBound | undefined)[] = []): ArchiveCandidates {
  const completedTimes = new Set(instants.filter((i) => i.state === 'completed').map((i) => i.time));
  const completed = instants.filter((i) => i.state === 'completed');
  const out: Instant[] = [];
  for (const action of ['clean', 'rollback']) {
    const list = completed.filter((i) => i.action === action);
    if (list.length > s.maxCommits) out.push(...list.slice(0, list.length - s.minCommits));
  }
  const commits = completed.filter((i) => COMMITS.has(i.action));
  if (commits.length <= s.maxCommits) return { completed: out };

  let bound: string | undefined;
  let heldBackBy: string | undefined;
  const lower = (t: string, why: string): void => {
    if (bound === undefined || t < bound) {
      bound = t;
      heldBackBy = why;
    }
  };
  // The oldest instant still pending (any action: a pending clean or rollback may already have
  // removed files readers of older instants would need to know about), and the completed write
  // just before it, stay active so the timeline has no hole where the pending one sits.
  const oldestPending = instants.find((i) => !completedTimes.has(i.time) && (WRITE_TIMELINE.has(i.action) || i.action === 'clean' || i.action === 'rollback'));
  if (oldestPending) {
    const before = commits.filter((c) => c.time < oldestPending.time).at(-1);
    lower(before ? before.time : oldestPending.time, `pending ${oldestPending.action} ${oldestPending.time}`);
  }
  const savepoint = completed.find((i) => i.action === 'savepoint');
  if (savepoint) lower(savepoint.time, `savepoint ${savepoint.time}`);
  for (const b of bounds) if (b) lower(b.time, b.why);

  const eligible = commits.filter((c) => bound === undefined || c.time < bound);
  const limit = commits.length - s.minCommits;
  out.push(...eligible.slice(0, limit));
  return { completed: out, heldBackBy: eligible.length < limit ? heldBackBy : undefined };
}

/** Every state file (requested, inflight, completed) of the chosen instants, as Hudi archives them. */
export function withStateFiles(instants: readonly Instant[], chosen: readonly Instant[]): Instant[] {
  const keys = new Set(chosen.map((i) => `${i.time}|${comparableAction(i.action)}`));
  return instants.filter((i) => keys.has(`${i.time}|${comparableAction(i.action)}`));
}

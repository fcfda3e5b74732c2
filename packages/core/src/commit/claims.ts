// Serializes commits of concurrent lake writers without a lock service. Before publishing, a
// writer claims the next sequence number under `.hoodie/.aux/lake/claims/` with a conditional
// create, recording the file groups it changes. A writer that loses a sequence number checks the
// winner's file groups against its own: disjoint -> it claims the next number and commits too;
// overlapping -> ConflictError. A claim also carries fingerprints of the keys it inserts as new
// records: two writers inserting one new key into file groups of their own conflict too.
//
// A claim is made a moment before its commit is published, so a writer can start between the two:
// the claim is older than its starting point and the commit is not in its snapshot. To close that
// gap every write first records the claim's content as its intent (under its instant's key in
// `.hoodie/.aux/lake/instants/`, kept for a hold after the commit, see intent-retention.ts), and
// a writer reads the intents of commits missing from its snapshot right after its starting point;
// an overlapping one is settled through that write's commit fence (see checkIntents). Exactly one of two conflicting writers wins, and claims are
// checked in claim order, so no interleaving lets both through. Only as strong as the store's
// conditional create (see ObjectStore.conditionalPutEnforced).

import { listObjectKeys, mapLimit, type DirectoryListing, type ObjectStore } from '@lake/storage';
import { ConflictError, CorruptTimelineError } from '../errors.js';
import { KEPT_NEWEST_CLAIMS } from './claim-retention.js';
import { intentTiming, withinIntentWindow } from './intent-retention.js';
import { decodeNewKeys, sharedFingerprints } from './new-key-fingerprints.js';
import { WRITE_ACTIONS, type Action } from '../timeline/instant.js';
import { CLAIMS_FOLDER, claimKey, instantClaimKey } from './paths.js';

const intentsPrefix = instantClaimKey('');

/** Claims read at once when checking the ones made since a write started. */
const CLAIM_READ_CONCURRENCY = 16;

export interface CommitClaim {
  instant: string;
  action: string;
  /** `partitionPath/fileId` of every file group the commit changes (not ones it creates). */
  fileGroups: string[];
  /** Fingerprints of the keys the commit inserts as new records (`encodeNewKeys`). */
  newKeys?: string;
  /**
   * In an intent only: the newest claim when its write started. Claims after it are the ones
   * that write still has to check, so pruners keep them while it lives (see claim-retention.ts).
   */
  start?: number;
}

async function claimSequences(store: ObjectStore): Promise<number[]> {
  const seqs: number[] = [];
  for (const key of await listObjectKeys(store, CLAIMS_FOLDER)) {
    const match = /(\d{20})\.json$/.exec(key);
    if (match) seqs.push(Number(match[1]));
  }
  return seqs.sort((a, b) => a - b);
}

/** The newest claim sequence number; a writer records it when it starts. */
export async function latestClaim(store: ObjectStore): Promise<number> {
  const seqs = await claimSequences(store);
  return seqs.length > 0 ? seqs[seqs.length - 1] : 0;
}

async function readClaim(store: ObjectStore, seq: number): Promise<CommitClaim> {
  const key = claimKey(seq);
  const text = new TextDecoder().decode(await store.get(key));
  try {
    return JSON.parse(text) as CommitClaim;
  } catch (cause) {
    throw new CorruptTimelineError(key, 'a commit claim is not valid JSON', { cause });
  }
}

/**
 * Claims a sequence number for `claim`, checking every claim made since `sinceSeq` (the writer's
 * starting point) for overlapping file groups, except those of `vetoed` writes (whose fences this
 * writer took: they can never publish). Returns the claimed sequence number.
 */
export async function claimCommit(store: ObjectStore, sinceSeq: number, claim: CommitClaim, listed?: number, vetoed?: ReadonlySet<string>): Promise<number> {
  const body = new TextEncoder().encode(JSON.stringify(claim));
  let checked = sinceSeq;
  // `listed`: the newest claim, listed by the caller once this write's intent was being recorded.
  let known = listed;
  for (;;) {
    const latest = known ?? (await latestClaim(store));
    known = undefined;
    // Independent reads, fetched together; checked in claim order.
    const seqs = Array.from({ length: Math.max(0, latest - checked) }, (_, n) => checked + 1 + n);
    const others = await mapLimit(seqs, CLAIM_READ_CONCURRENCY, (seq) => readClaimIfPresent(store, seq));
    seqs.forEach((seq, n) => {
      const other = others[n];
      // Claims are numbered without gaps and removed only by pruning: a missing one is a commit
      // this write can no longer check, so it must not commit on the assumption that it was
      // harmless (a claim with nothing to check, see hasIntent, conflicts with nothing).
      if (!other) {
        if (hasIntent(claim)) throw prunedClaimConflict(claim.instant, seq);
        return;
      }
      if (!vetoed?.has(other.instant)) checkOverlap(claim, other, claimKey(seq));
    });
    checked = Math.max(checked, latest);
    const next = latest + 1;
    if (await store.putIfAbsent(claimKey(next), body)) return next;
  }
}

/**
 * Claims `sinceSeq + 1` for `claim` when no one claimed since the writer's start (the common case):
 * there is then nothing to check, and the claim costs one round trip, shared with the listing
 * that serves `claimCommit` when the number was taken (undefined is returned then). A number won
 * at least KEPT_NEWEST_CLAIMS below the newest claim was pruned and made again (pruners always
 * keep that many newest): the claims made since were never checked against this one.
 */
export async function claimIfNoneSince(store: ObjectStore, sinceSeq: number, claim: CommitClaim): Promise<{ seq?: number; latest: number }> {
  const seq = sinceSeq + 1;
  const [won, seqs] = await Promise.all([store.putIfAbsent(claimKey(seq), new TextEncoder().encode(JSON.stringify(claim))), claimSequences(store)]);
  const latest = seqs.length > 0 ? seqs[seqs.length - 1] : 0;
  if (!won) return { latest };
  if (latest >= seq + KEPT_NEWEST_CLAIMS) throw prunedClaimConflict(claim.instant, seq + 1);
  return { seq, latest };
}

/** Fails with ConflictError when `other` (read from `where`) changes what `claim` changes. */
function checkOverlap(claim: CommitClaim, other: CommitClaim, where: string): void {
  if (other.instant === claim.instant) return;
  const mine = new Set(claim.fileGroups);
  const overlap = other.fileGroups.filter((g) => mine.has(g));
  if (overlap.length > 0) throw new ConflictError(claim.instant, other.instant, overlap);
  if (claim.newKeys === undefined || other.newKeys === undefined) return;
  const ours = decodeNewKeys(claim.newKeys);
  const theirs = decodeNewKeys(other.newKeys);
  if (!ours || !theirs) throw new CorruptTimelineError(where, 'a commit claim holds malformed new-key fingerprints');
  const shared = sharedFingerprints(ours, theirs);
  if (shared === 0) return;
  throw new ConflictError(
    claim.instant,
    other.instant,
    [],
    `Write ${claim.instant} conflicts with ${other.instant}, which inserted ${shared} of the same new record key(s) first; ` +
      `committing both would store those keys twice. Nothing of ${claim.instant} is visible; retry the write: it will see the other commit.`,
  );
}

function prunedClaimConflict(instant: string, seq: number): ConflictError {
  return new ConflictError(
    instant,
    `claim ${seq}`,
    [],
    `Write ${instant} could not check commit claim ${seq}: it was pruned while this write ran (pruners keep the claims of writers whose ` +
      `heartbeat they see, so this write was paused or did not show its start in time). Nothing of ${instant} is visible; retry the write.`,
  );
}

async function readClaimIfPresent(store: ObjectStore, seq: number): Promise<CommitClaim | undefined> {
  try {
    return await readClaim(store, seq);
  } catch (error) {
    // Pruned by another writer (see prunedClaimConflict).
    if ((error as { code?: string }).code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/** Whether a claim can conflict with anything (insert-only writes to new file groups cannot), so records an intent. */
export function hasIntent(claim: CommitClaim): boolean {
  return claim.fileGroups.length > 0 || claim.newKeys !== undefined;
}

/**
 * Intents of commits that may be missing from a writer's snapshot (see the top of this file);
 * `slowMs` when they were read too late after the snapshot to be trusted (see readIntents).
 */
export type Intents = Promise<{ intents: CommitClaim[]; slowMs?: number }>;

/** Where a writer's intents are read from: its snapshot's timeline and the moment its listing was issued. */
export interface IntentsStart {
  /** Whether an instant is known from the snapshot (see notPendingIn). */
  known: (instant: string) => boolean;
  /** The clock (intentTiming) just before the snapshot's timeline listing was issued. */
  listedAt: number;
  /** Lists the timeline afresh, for a start that took longer than the hold. */
  relist?: () => Promise<StartTimeline>;
  /** An earlier read of the same start's intents, if any (see earlyIntents): used when it was in time and this one is not. */
  earlier?: () => Intents | undefined;
  /**
   * The writer inserts new keys (its claim carries fingerprints): commits completed since its
   * snapshot may have inserted them too, which only their intents tell.
   */
  insertsNewKeys?: boolean;
  /** The intents folder listed right now (see listIntentKeys), shared with a pruning pass: the first read uses it. */
  listing?: Promise<DirectoryListing>;
}

/** One listing of the intents folder, for a write's first read of intents and its pruning pass alike. */
export function listIntentKeys(store: ObjectStore): Promise<DirectoryListing> {
  return store.listDirectory(intentsPrefix);
}

/**
 * Reads the intents present now of commits not in the writer's snapshot (`known` tells the
 * instants completed in it, archived ones included). Call it right after `latestClaim`, not
 * before: a claim older than the starting point then either is in the snapshot or has its intent
 * read here. Intents read later than the hold after the snapshot's listing may have been removed
 * already (see intent-retention.ts); the timeline and the intents are then listed again, and the
 * new listing stands for the snapshot: a commit completed in between is checked by the commit's
 * timeline check (file groups), but not for new keys, so a writer inserting new keys fails then
 * (`slowMs`, a ConflictError at checkIntents) unless no write completed in between.
 */
export function readIntents(store: ObjectStore, start: IntentsStart): Intents {
  const intents = (async () => {
    let { known, listedAt } = start;
    let read = await listIntents(store, known, start.listing);
    const earlier = withinIntentWindow(listedAt) ? undefined : start.earlier?.();
    if (earlier) {
      // A failed early read leaves it to the listing again below.
      const early = await earlier.catch(() => undefined);
      if (early && early.slowMs === undefined) return early;
    }
    while (!withinIntentWindow(listedAt)) {
      const slowMs = intentTiming.now() - listedAt;
      if (!start.relist) return { intents: read, slowMs };
      listedAt = intentTiming.now();
      const [timeline, again] = await Promise.all([start.relist(), listIntents(store, () => false)]);
      const before = known;
      if (start.insertsNewKeys && timeline.completed().some((i) => WRITE_ACTIONS.has(i.action as Action) && !before(i.time))) return { intents: read, slowMs };
      known = notPendingIn(timeline);
      read = again.filter((i) => !known(i.instant));
    }
    return { intents: read };
  })();
  // Awaited only at commit time; a failure before then must not go unhandled meanwhile.
  intents.catch(() => undefined);
  return intents;
}

/**
 * A read of the intents of a start made half a hold after its listing, if the caller has not read
 * them by then (a write still planning): its long planning then does not push the read past the
 * hold. `take()` stops the timer and hands the read over, if it was made.
 */
export function earlyIntents(store: ObjectStore, known: (instant: string) => boolean, listedAt: number): { take(): Intents | undefined } {
  let read: Intents | undefined;
  const timer = setTimeout(() => (read = readIntents(store, { known, listedAt })), Math.max(0, listedAt + intentTiming.holdMs / 2 - intentTiming.now()));
  timer.unref?.();
  return {
    take() {
      clearTimeout(timer);
      return read;
    },
  };
}

async function listIntents(store: ObjectStore, known: (instant: string) => boolean, listing = listIntentKeys(store)): Promise<CommitClaim[]> {
  const { objects } = await listing;
  const out: CommitClaim[] = [];
  await Promise.all(
    objects
      .filter((o) => o.size > 0 && !known(o.key.slice(intentsPrefix.length)))
      .map(async (o) => {
        let bytes: Uint8Array;
        try {
          bytes = await store.get(o.key);
        } catch (error) {
          // Abandoned or rolled back meanwhile (it never commits), or removed after its hold,
          // which the window check covers.
          if ((error as { code?: string }).code === 'NOT_FOUND') return;
          throw error;
        }
        try {
          out.push(JSON.parse(new TextDecoder().decode(bytes)) as CommitClaim);
        } catch (cause) {
          throw new CorruptTimelineError(o.key, 'a commit intent is not valid JSON', { cause });
        }
      }),
  );
  return out;
}

/** What `readIntents` needs of the timeline a write or table service started from. */
interface StartTimeline {
  readonly instants: readonly { time: string }[];
  completed(): { time: string; action: string }[];
}

/**
 * For `readIntents`: whether an instant's commit is known from `start` (completed in it), or
 * older than its active timeline (archived: long done).
 */
export function notPendingIn(start: StartTimeline): (instant: string) => boolean {
  const completed = new Set(start.completed().map((i) => i.time));
  const activeStart = start.instants[0]?.time;
  return (t) => completed.has(t) || (activeStart !== undefined && t < activeStart);
}

/**
 * Records a write's intent before it claims: a writer starting from here on reads it even before
 * the claim exists. Only writes that publish through a fence record one (see checkIntents).
 * `start` (the write's claims start) tells pruners which claims it still has to check.
 */
export async function recordIntent(store: ObjectStore, claim: CommitClaim, start: number): Promise<void> {
  if (hasIntent(claim)) await store.put(instantClaimKey(claim.instant), new TextEncoder().encode(JSON.stringify({ ...claim, start })));
}

function slowStartConflict(instant: string, ms: number): ConflictError {
  return new ConflictError(
    instant,
    'intents',
    [],
    `Write ${instant} took ${(ms / 1000).toFixed(1)} s from listing the timeline to reading the intents of other writes (at most ` +
      `${intentTiming.holdMs / 1000} s: intents of commits published since may be gone by then), so it cannot tell whether it ` +
      'overlaps them. Nothing of it is visible; retry the write (the process was paused, or the store was very slow).',
  );
}

/**
 * What became of the write behind an intent once asked to stand back: 'vetoed' (it can no
 * longer publish), or 'committing' (it decided to publish, or already did).
 */
export type IntentOutcome = 'vetoed' | 'committing';

/**
 * Settles every intent read at the start that changes what `claim` changes. Its write may be
 * alive between its claim and its publish, or dead (killed, or failed without cleaning up), and
 * the two look alike; so `settle` takes that write's commit fence from it. Won: the other write
 * can never publish, and this one goes on. Lost to a committing fence: ConflictError.
 */
export async function checkIntents(claim: CommitClaim, intents: Intents, settle: (other: CommitClaim) => Promise<IntentOutcome>): Promise<void> {
  const read = await intents;
  if (read.slowMs !== undefined) throw slowStartConflict(claim.instant, read.slowMs);
  for (const other of read.intents) {
    try {
      checkOverlap(claim, other, instantClaimKey(other.instant));
    } catch (conflict) {
      if (!(conflict instanceof ConflictError) || (await settle(other)) === 'committing') throw conflict;
    }
  }
}

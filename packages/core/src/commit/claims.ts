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
// `.hoodie/.aux/lake/instants/`, kept for minutes after the commit), and a writer reads the
// intents of commits missing from its snapshot right after its starting point; an overlapping
// one is settled through that write's commit fence (see checkIntents). Exactly one of two conflicting writers wins, and claims are
// checked in claim order, so no interleaving lets both through. Only as strong as the store's
// conditional create (see ObjectStore.conditionalPutEnforced).

import { mapLimit, type ObjectStore } from '@lake/storage';
import { ConflictError, CorruptTimelineError } from '../errors.js';
import { decodeNewKeys, sharedFingerprints } from './new-key-fingerprints.js';
import { CLAIMS_FOLDER, claimKey, instantClaimKey } from './paths.js';

const intentsPrefix = instantClaimKey('');

/** Claims read at once when checking the ones made since a write started. */
const CLAIM_READ_CONCURRENCY = 16;

/** How many claims to keep: far more than writers can overlap in time. */
const retainedClaims = 500;

export interface CommitClaim {
  instant: string;
  action: string;
  /** `partitionPath/fileId` of every file group the commit changes (not ones it creates). */
  fileGroups: string[];
  /** Fingerprints of the keys the commit inserts as new records (`encodeNewKeys`). */
  newKeys?: string;
}

async function claimSequences(store: ObjectStore): Promise<number[]> {
  const { objects } = await store.listDirectory(CLAIMS_FOLDER);
  const seqs: number[] = [];
  for (const o of objects) {
    const match = /(\d{20})\.json$/.exec(o.key);
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
      // this write can no longer check, so it must not commit on the assumption that it was harmless.
      if (!other) throw prunedClaimConflict(claim.instant, seq);
      if (!vetoed?.has(other.instant)) checkOverlap(claim, other, claimKey(seq));
    });
    checked = Math.max(checked, latest);
    const next = latest + 1;
    if (await store.putIfAbsent(claimKey(next), body)) {
      await pruneClaims(store, next);
      return next;
    }
  }
}

/**
 * Claims `sinceSeq + 1` for `claim` when no one claimed since the writer's start (the common case):
 * there is then nothing to check, and the claim costs one round trip, shared with the listing
 * that serves `claimCommit` when the number was taken (undefined is returned then). A number won
 * below the newest claims by `retainedClaims` was pruned and made again: the claims made since
 * were never checked against this one.
 */
export async function claimIfNoneSince(store: ObjectStore, sinceSeq: number, claim: CommitClaim): Promise<{ seq?: number; latest: number }> {
  const seq = sinceSeq + 1;
  const [won, seqs] = await Promise.all([store.putIfAbsent(claimKey(seq), new TextEncoder().encode(JSON.stringify(claim))), claimSequences(store)]);
  const latest = seqs.length > 0 ? seqs[seqs.length - 1] : 0;
  if (!won) return { latest };
  if (latest >= seq + retainedClaims) throw prunedClaimConflict(claim.instant, seq + 1);
  await pruneClaims(store, seq);
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
    `Write ${instant} ran while more than ${retainedClaims} other commits were made, and the record of commit claim ${seq} was pruned ` +
      `before it could be checked against it. Nothing of ${instant} is visible; retry the write.`,
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

async function pruneClaims(store: ObjectStore, newest: number): Promise<void> {
  if (newest % 50 !== 0) return;
  const stale = (await claimSequences(store)).filter((seq) => seq <= newest - retainedClaims);
  await store.deleteMany(stale.map(claimKey));
  await pruneIntents(store);
}

/** Whether a claim can conflict with anything (insert-only writes to new file groups cannot), so records an intent. */
export function hasIntent(claim: CommitClaim): boolean {
  return claim.fileGroups.length > 0 || claim.newKeys !== undefined;
}

/** Intents of commits that may be missing from a writer's snapshot (see the top of this file). */
export type Intents = Promise<CommitClaim[]>;

/** How long an intent outlives its commit: far longer than a writer takes from snapshot to reading intents. */
const INTENT_RETENTION_MS = 10 * 60_000;

/**
 * Reads the intents present now of commits not in the writer's snapshot (`known` tells the
 * instants completed in it, archived ones included). Call it right after `latestClaim`, not before: a claim older than the starting
 * point then either is in the snapshot or has its intent read here.
 */
export function readIntents(store: ObjectStore, known: (instant: string) => boolean): Intents {
  const intents = (async () => {
    const { objects } = await store.listDirectory(intentsPrefix);
    const out: CommitClaim[] = [];
    await Promise.all(
      objects
        .filter((o) => o.size > 0 && !known(o.key.slice(intentsPrefix.length)))
        .map(async (o) => {
          let bytes: Uint8Array;
          try {
            bytes = await store.get(o.key);
          } catch (error) {
            // Abandoned or rolled back meanwhile: it never commits.
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
  })();
  // Awaited only at commit time; a failure before then must not go unhandled meanwhile.
  intents.catch(() => undefined);
  return intents;
}

/** What `readIntents` needs of the timeline a write or table service started from. */
interface StartTimeline {
  readonly instants: readonly { time: string }[];
  completed(): { time: string }[];
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
 */
export async function recordIntent(store: ObjectStore, claim: CommitClaim): Promise<void> {
  if (hasIntent(claim)) await store.put(instantClaimKey(claim.instant), new TextEncoder().encode(JSON.stringify(claim)));
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
  for (const other of await intents) {
    try {
      checkOverlap(claim, other, instantClaimKey(other.instant));
    } catch (conflict) {
      if (!(conflict instanceof ConflictError) || (await settle(other)) === 'committing') throw conflict;
    }
  }
}

/** Removes intents older than their retention: every writer that could need them has read them. */
async function pruneIntents(store: ObjectStore): Promise<void> {
  const { objects } = await store.listDirectory(intentsPrefix);
  const bound = Date.now() - INTENT_RETENTION_MS;
  const stale = objects.filter((o) => o.size > 0 && o.lastModified !== undefined && o.lastModified.getTime() < bound);
  await store.deleteMany(stale.map((o) => o.key));
}

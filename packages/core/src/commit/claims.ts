// Serializes commits of concurrent lake writers without a lock service. Before publishing, a
// writer claims the next sequence number under `.hoodie/.aux/lake/claims/` with a conditional
// create, recording the file groups it changes. A writer that loses a sequence number checks the
// winner's file groups against its own: disjoint -> it claims the next number and commits too;
// overlapping -> ConflictError. A claim also carries fingerprints of the keys it inserts as new
// records: two writers inserting one new key into file groups of their own conflict too. Exactly one of two conflicting writers wins, and claims are
// checked in claim order, so no interleaving lets both through. Only as strong as the store's
// conditional create (see ObjectStore.conditionalPutEnforced).

import type { ObjectStore } from '@lake/storage';
import { ConflictError, CorruptTimelineError } from '../errors.js';
import { decodeNewKeys, sharedFingerprints } from './new-key-fingerprints.js';
import { CLAIMS_FOLDER, claimKey } from './paths.js';

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
 * starting point) for overlapping file groups. Returns the claimed sequence number.
 */
export async function claimCommit(store: ObjectStore, sinceSeq: number, claim: CommitClaim): Promise<number> {
  const mine = new Set(claim.fileGroups);
  const myNewKeys = claim.newKeys === undefined ? undefined : decodeNewKeys(claim.newKeys);
  const body = new TextEncoder().encode(JSON.stringify(claim));
  let checked = sinceSeq;
  for (;;) {
    const latest = await latestClaim(store);
    for (let seq = checked + 1; seq <= latest; seq++) {
      const other = await readClaimIfPresent(store, seq);
      if (!other || other.instant === claim.instant) continue;
      const overlap = other.fileGroups.filter((g) => mine.has(g));
      if (overlap.length > 0) throw new ConflictError(claim.instant, other.instant, overlap);
      if (myNewKeys && other.newKeys !== undefined) checkNewKeys(claim.instant, myNewKeys, other, seq);
    }
    checked = Math.max(checked, latest);
    const next = latest + 1;
    if (await store.putIfAbsent(claimKey(next), body)) {
      await pruneClaims(store, next);
      return next;
    }
  }
}

function checkNewKeys(instant: string, mine: BigUint64Array, other: CommitClaim, seq: number): void {
  const theirs = decodeNewKeys(other.newKeys ?? '');
  if (!theirs) throw new CorruptTimelineError(claimKey(seq), 'a commit claim holds malformed new-key fingerprints');
  const shared = sharedFingerprints(mine, theirs);
  if (shared === 0) return;
  throw new ConflictError(
    instant,
    other.instant,
    [],
    `Write ${instant} conflicts with ${other.instant}, which inserted ${shared} of the same new record key(s) first; ` +
      `committing both would store those keys twice. Nothing of ${instant} is visible; retry the write: it will see the other commit.`,
  );
}

async function readClaimIfPresent(store: ObjectStore, seq: number): Promise<CommitClaim | undefined> {
  try {
    return await readClaim(store, seq);
  } catch (error) {
    // Pruned by another writer: it was older than any writer still running could need.
    if ((error as { code?: string }).code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

async function pruneClaims(store: ObjectStore, newest: number): Promise<void> {
  if (newest % 50 !== 0) return;
  const stale = (await claimSequences(store)).filter((seq) => seq <= newest - retainedClaims);
  await store.deleteMany(stale.map(claimKey));
}

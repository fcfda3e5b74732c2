// Committing an executed write through commit/: conflict checks against what completed
// meanwhile, a commit claim, the fence that decides commit against rollback, and the publish of
// the completed instant. A failed attempt is undone here too, as far as it is safe to undo.

import type { Schema } from 'apache-arrow';

import { checkIntents, claimCommit, claimIfNoneSince, hasIntent, type CommitClaim, type Intents } from '../commit/claims.js';
import { settleAll } from '../util/settle-all.js';
import { checkIntentsSettled } from '../commit/settle-intent.js';
import { checkCompactionConflicts, checkTimelineConflicts } from '../commit/conflicts.js';
import { fenceCommit } from '../commit/fence.js';
import { abandonInstant } from '../commit/instant-lifecycle.js';
import { encodeNewKeys } from '../commit/new-key-fingerprints.js';
import { fenceKey, instantClaimKey, instantFileKey } from '../commit/paths.js';
import { publishCompleted } from '../commit/publish.js';
import { ConflictError, InvalidWriteError } from '../errors.js';
import { fileGroupKey } from '../file-group/file-slice.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import type { Action } from '../timeline/instant.js';
import { rememberCommitMetadata } from '../timeline/timeline.js';
import { commitMetadataJson } from './commit-metadata-json.js';
import type { GroupPlan, Incoming } from './file-group-rewrite.js';
import type { ExecutedWrites, WriteAttempt } from './write-execute.js';
import { operationTypes, type WriteContext, type WriteOperation } from './write-options.js';
import type { WritePlan } from './write-plan.js';

/** An attempt, and what its failure leaves for whom. */
export interface CommitAttempt extends WriteAttempt {
  /** Whether the commit may have landed: nothing may be deleted. */
  uncertain: boolean;
  /** Whether a rollback by another process took the instant: its rollback owns the instant files. */
  rolledBack: boolean;
}

export interface WriteCommit {
  instant: string;
  action: Action;
  operation: WriteOperation;
  /** The latest commit claim when the write took its snapshot. */
  claimStart: number;
  /** Instants completed when the write took its snapshot. */
  knownCompleted: ReadonlySet<string>;
  /** Intents of commits missing from the snapshot, read right after `claimStart`. */
  intents: Intents;
  plan: WritePlan;
  /** What the write claims (see commitClaim); its intent was recorded before its data files. */
  claim: CommitClaim;
  executed: ExecutedWrites;
  dataSchema: Schema;
  extraMetadata?: Record<string, string>;
}

/**
 * Publishes the write, or throws with `attempt` telling what may be undone. Returns what the
 * published commit no longer needs (its fence, the instant's key), for the caller to delete
 * together with its heartbeat; its markers are deleted with the publish.
 */
export async function commitWrite(ctx: WriteContext, c: WriteCommit, attempt: CommitAttempt): Promise<string[]> {
  const { store, config } = ctx;
  const { instant, action, operation, plan, claim } = c;
  const changed = new Set(claim.fileGroups.map(groupKeyOf));
  // Another writer may have committed while this one worked: Hudi writers (seen on the timeline;
  // both conflict checks read one listing of it) and lake writers (seen through commit claims
  // and intents) alike. This write's intent is in place already (written with its data files).
  let overlapping = false;
  await checkIntents(claim, c.intents, async () => {
    overlapping = true;
    return 'vetoed';
  });
  const now = ctx.timeline();
  const fresh = { timeline: () => now };
  const checked = (async () => {
    await checkTimelineConflicts(fresh, c.knownCompleted, instant, changed);
    if (c.executed.appended.size > 0) await checkCompactionConflicts(fresh, instant, c.executed.appended);
  })();
  checked.catch(() => undefined);
  if (overlapping) {
    // Another write's intent overlaps: it is stood back (or found committing) before claiming,
    // and its claim, if it made one meanwhile, is then no reason to fail.
    const vetoed = new Set<string>();
    await settleAll([checked, checkIntentsSettled(store, config, claim, c.intents, vetoed)]);
    await claimCommit(store, c.claimStart, claim, undefined, vetoed);
  } else {
    // The claim goes with the timeline listing: in the common case (no claim since the write
    // started) it is one round trip. If the timeline then shows a conflict, the write fails
    // with its claim made; writers that overlap it and claim later fail once too, and their
    // retry (past this claim) goes through.
    const claiming = (async () => {
      const tried = await claimIfNoneSince(store, c.claimStart, claim);
      if (tried.seq === undefined) await claimCommit(store, c.claimStart, claim, tried.latest);
    })();
    await settleAll([checked, claiming]);
  }

  const body = commitMetadataJson({
    stats: c.executed.stats,
    // A delete before any write knows no columns; an empty record schema would hide the real
    // one from readers that take the schema of the latest commit.
    schema: c.dataSchema.fields.length > 0 ? JSON.stringify(arrowSchemaToAvro(c.dataSchema, { tableName: config.name })) : undefined,
    operationType: operationTypes[operation],
    extraMetadata: c.extraMetadata,
    replaced: plan.overwrite ? plan.replaced : undefined,
  });
  // The commit point is the fence: from here no rollback may undo this instant (and if one
  // already took it, because this writer paused past its heartbeat's expiry, nothing commits).
  const fenced = await fenceCommit(store, instant, body);
  if (fenced.outcome === 'unknown') {
    attempt.uncertain = true;
    throw fenced.error;
  }
  // No fence was set: nothing is decided, and this write is abandoned like any failed one.
  if (fenced.outcome === 'failed') throw fenced.error;
  if (fenced.outcome === 'lost') {
    attempt.rolledBack = true;
    throw new ConflictError(instant, 'rollback', [], rolledBackMessage(instant));
  }
  const completedKey = instantFileKey(config, { time: instant, action, state: 'completed' });
  // The fence decided commit: a rollback now rolls the write forward and never reads its
  // markers, so they go in the publish's round trip.
  const [published] = await Promise.all([publishCompleted(store, completedKey, body), store.deleteMany(attempt.markers).catch(() => undefined)]);
  if (published.outcome === 'unknown') {
    // Whether the commit landed cannot be told now: nothing may be deleted. The instant is
    // either complete or left pending for a rollback once this writer's heartbeat is gone.
    attempt.uncertain = true;
    throw published.error;
  }
  if (published.outcome === 'taken' || published.outcome === 'failed') {
    // A lost answer may hide our own failure (the object missing); either way not committed.
    throw published.error ?? new InvalidWriteError(`Instant ${instant} was completed by someone else; retry the write.`);
  }
  rememberCommitMetadata(store, config, { time: instant, action, state: 'completed' }, body);
  // The instant's key stays if it holds an intent: writers started meanwhile may still need it.
  return [...(hasIntent(claim) ? [] : [instantClaimKey(instant)]), fenceKey(instant)];
}

/**
 * Nothing was published: removes what this attempt wrote, so nothing of it lingers. Rolled back
 * by someone else: its rollback owns the instant files; only files this writer may have written
 * after the rollback listed them are removed here.
 */
export async function abandonWrite(ctx: WriteContext, instant: string, action: Action, attempt: CommitAttempt): Promise<void> {
  if (attempt.rolledBack) await ctx.store.deleteMany([...attempt.written, ...attempt.markers]).catch(() => undefined);
  else if (!attempt.uncertain) await abandonInstant(ctx, instant, action, [...attempt.written, ...attempt.markers]);
}

function rolledBackMessage(instant: string): string {
  return (
    `Write ${instant} lost a conflict with a rollback of it by another process: its heartbeat had expired before ` +
    'it could commit (the writer was paused or too slow to renew it). Nothing of it is visible; retry the write.'
  );
}

/**
 * The claim (and intent) of a planned write: the file groups it changes (not ones it creates) and
 * the fingerprints of the keys an upsert inserts as new records.
 */
export function commitClaim(instant: string, action: Action, operation: WriteOperation, plan: WritePlan, incoming: Incoming): CommitClaim {
  const changed = [...plan.groups.values()].filter((g) => g.slice).map((g) => fileGroupKey(g.partition, g.fileId));
  for (const [p, ids] of plan.replaced) for (const id of ids) changed.push(fileGroupKey(p, id));
  return { instant, action, fileGroups: changed.map((k) => k.replace('\u0000', '/')), newKeys: newRecordKeys(operation, incoming, plan.groups.values()) };
}

/** The file group key (see fileGroupKey) of a claim's `partition/fileId`. */
function groupKeyOf(name: string): string {
  const slash = name.lastIndexOf('/');
  return fileGroupKey(name.slice(0, Math.max(0, slash)), name.slice(slash + 1));
}

/**
 * Fingerprints of the keys an upsert inserts as new records, for the commit claim; undefined for
 * operations that do not keep keys unique (insert, bulk insert) and for ones that insert nothing.
 */
function newRecordKeys(operation: WriteOperation, incoming: Incoming, plans: Iterable<GroupPlan>): string | undefined {
  if (operation !== 'upsert') return undefined;
  const rows: number[] = [];
  for (const plan of plans) for (const i of plan.inserts) rows.push(i);
  return rows.length === 0 ? undefined : encodeNewKeys(incoming.partitions, incoming.keys, rows);
}

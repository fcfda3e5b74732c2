// The write operations of a table: each takes an Arrow table (or plain rows), runs as one
// atomic commit and reports what it did.

import { randomUuid } from '../util/random-uuid.js';
import { Table as ArrowTable, type RecordBatch, type Schema } from 'apache-arrow';

import { rowsToTable, type Row } from '../arrow/from-rows.js';
import { rowsToJson } from '../arrow/to-json.js';
import { createInstantTimeGenerator, type InstantTimeGenerator } from '../timeline/instant-time.js';
import { resolveTableSchema } from '../schema/table-schema.js';
import { buildFileSystemView, latestFileSlices } from '../table/fs-view.js';
import { META } from '../schema/table-schema.js';
import { baseSlicesByPartition, locateInPartitions, type LocatedKeys } from '../index/partition-keys.js';
import { bucketIndexOf } from '../index/bucket-layout.js';
import { bucketKeyTargets } from '../index/bucket-route.js';
import type { TableContext } from '../table/table-context.js';
import type { TableConfig } from '../config/table-config.js';
import type { Timeline } from '../timeline/timeline.js';
import { withoutMetaFields } from './meta-columns.js';
import { InvalidRecordKeyError, PartitionPathError } from '../errors.js';
import { keyFieldProblems, unencodableProblem } from '../keygen/key-checks.js';
import { earlyIntents, latestClaim, notPendingIn, type Intents } from '../commit/claims.js';
import { holdInstant, releaseInstant, type HeldInstant } from '../commit/instant-lifecycle.js';
import { liftAfterAck } from '../commit/after-ack.js';
import { intentTiming } from '../commit/intent-retention.js';
import { writerSnapshots } from '../table/writer-snapshot.js';
import { readBaseFilesOnce } from '../file-group/written-base-files.js';
import { readSmallBaseFilesWhole } from './small-base-files.js';
import { liveKeyRows } from '../index/existing-keys.js';
import type { WriteSnapshot } from './write-options.js';
import { executeWrite, type KeyedDeletes, type WriteContext, type WriteOperation, type WriteOptions, type WriteResult } from './write-client.js';

export type WriteInput = ArrowTable | readonly Row[];

export interface WriterIds {
  /** Instant times; injected for deterministic tests. */
  instants?: InstantTimeGenerator;
  /** New file ids (Hudi's `<uuid>-<n>`). */
  newFileId?: () => string;
}

const generators = new WeakMap<TableContext, InstantTimeGenerator>();

function instantsFor(table: TableContext, ids?: WriterIds): InstantTimeGenerator {
  if (ids?.instants) return ids.instants;
  let g = generators.get(table);
  if (!g) {
    g = createInstantTimeGenerator({ timezone: table.config.timelineTimezone });
    generators.set(table, g);
  }
  return g;
}

// What a write's start needs, loaded just before it (by the lazy rollback of failed writes,
// together with the newest commit claim and a held instant time), handed to that write instead of
// listing again. Consumed once; later timeline loads (the conflict checks) always list afresh.
interface PrimedStart {
  timeline?: Timeline;
  /** The clock just before `timeline`'s listing was issued (see WriteContext.startListedAt). */
  listedAt?: number;
  claimStart?: number;
  /** Taken by the write's context; one left untaken when the write ends is released. */
  held?: HeldInstant;
}
const primedStarts = new WeakMap<TableContext, PrimedStart>();

/**
 * Holds an instant time for the next write of `table` (see holdInstant): done in the write's first
 * round trip, beside the timeline listing, with the instant generator that write will use.
 */
export function holdWriteInstant(table: TableContext, ids?: WriterIds): Promise<HeldInstant> {
  return holdInstant({ store: table.store, config: table.config, instants: instantsFor(table, ids) });
}

/** Runs `write` with what its first round trip loaded as its write context's starting point. */
export async function withPrimedTimeline<T>(table: TableContext, start: PrimedStart, write: () => Promise<T>): Promise<T> {
  const primed: PrimedStart = { ...start };
  primedStarts.set(table, primed);
  try {
    return await write();
  } finally {
    if (primedStarts.get(table) === primed) primedStarts.delete(table);
    const untaken = primed.held;
    primed.held = undefined;
    if (untaken) await releaseInstant(table.store, untaken);
  }
}

export function writeContext(table: TableContext, ids?: WriterIds): WriteContext {
  const primed = primedStarts.get(table);
  primedStarts.delete(table);
  // A primed timeline serves only with the time its listing was issued.
  let primedTimeline = primed?.listedAt !== undefined ? primed.timeline : undefined;
  let primedListedAt = primed?.listedAt;
  const takeHeld = () => {
    const held = primed?.held;
    if (primed) primed.held = undefined;
    return held;
  };
  const primedClaim = primed?.claimStart;
  let claimStart: Promise<number> | undefined;
  const loadClaim = () => (claimStart ??= primedClaim !== undefined ? Promise.resolve(primedClaim) : latestClaim(table.store));
  // The early read of intents (see earlyIntents), scheduled once the start is known.
  let early: { take(): Intents | undefined } | undefined;
  let earlyTaken = false;
  let startTimeline: Promise<Timeline> | undefined;
  let startListedAt: number | undefined;
  let snapshot: Promise<WriteSnapshot> | undefined;
  const timeline = (): Promise<Timeline> => {
    const t = primedTimeline;
    primedTimeline = undefined;
    return t ? Promise.resolve(t) : table.timeline();
  };
  const loadStart = (): Promise<Timeline> => {
    if (!startTimeline) {
      const at = primedTimeline ? primedListedAt : intentTiming.now();
      startListedAt = at;
      primedListedAt = undefined;
      startTimeline = timeline();
      void Promise.all([startTimeline, loadClaim()]).then(([tl]) => {
        if (!earlyTaken && at !== undefined) early = earlyIntents(table.store, notPendingIn(tl), at);
      }, () => undefined);
    }
    return startTimeline;
  };
  // Sizes of the base files in the write's snapshot, as listed: small ones are read whole once.
  const baseFileSizes = new Map<string, number>();
  // Base files the write reads twice (index, then merge) or wrote last time come from memory.
  const store = readBaseFilesOnce(readSmallBaseFilesWhole(table.store, (key) => baseFileSizes.get(key)), (key) => baseFileSizes.get(key));
  return {
    store,
    config: table.config,
    timeline,
    startTimeline: loadStart,
    startListedAt() {
      if (startListedAt === undefined) throw new Error('startListedAt() is called once the start timeline is loaded');
      return startListedAt;
    },
    snapshot() {
      snapshot ??= (async () => {
        const tl = await loadStart();
        const seen = await writerSnapshots.view(table, table.store, tl);
        for (const slice of latestFileSlices(seen.view)) if (slice.baseFile?.size !== undefined) baseFileSizes.set(slice.baseFile.path, slice.baseFile.size);
        return { timeline: tl, ...seen };
      })();
      return snapshot;
    },
    claimStart: loadClaim,
    earlyIntents() {
      earlyTaken = true;
      return early?.take();
    },
    async dataSchema(timeline, built) {
      const view = built ?? (await buildFileSystemView(table.store, timeline, {}));
      const schema = await resolveTableSchema(timeline, table.config, view.validInstants, async () => undefined);
      if (schema.source === 'none') return undefined;
      return withoutMetaFields(schema.arrow);
    },
    instants: instantsFor(table, ids),
    heldInstant: takeHeld,
    afterAck: (lift) => liftAfterAck(table, lift),
    newFileId: ids?.newFileId ?? (() => `${randomUuid()}-0`),
    liveKeyRows: (view, keys, partitions) => liveKeyRows(table, view, keys, partitions, store),
  };
}

async function toArrow(table: TableContext, ctx: WriteContext, input: WriteInput): Promise<ArrowTable> {
  if (input instanceof ArrowTable) return input;
  assertRowKeys(table.config, input);
  const { timeline, view } = await ctx.snapshot();
  const schema: Schema | undefined = await ctx.dataSchema(timeline, view);
  return rowsToTable(input, schema && schema.fields.length > 0 ? schema : undefined);
}

/**
 * Refuses plain rows whose record key or partition values Arrow could not hold as given (lone
 * surrogates), before any I/O; callers converting rows to Arrow themselves run it first.
 */
export function assertRowKeys(config: TableConfig, rows: readonly Row[]): void {
  const keyFields = config.recordKeyFields;
  const partitionFields = config.partitionFields.map((f) => f.name);
  rows.forEach((row, i) => {
    const [problem] = keyFieldProblems(row, keyFields, partitionFields);
    if (!problem) return;
    if (problem.kind === 'record key') throw new InvalidRecordKeyError(problem.field, i, problem.why);
    throw new PartitionPathError(problem.field, i, problem.why);
  });
}

export async function writeRows(
  table: TableContext,
  operation: WriteOperation,
  input: WriteInput,
  options: WriteOptions & { ids?: WriterIds } = {},
): Promise<WriteResult> {
  const ctx = writeContext(table, options.ids);
  return executeWrite(ctx, operation, await toArrow(table, ctx, input), options);
}

/**
 * Deletes records by record key alone, in whichever partitions hold them: every partition's
 * base files are checked through the key index (footer ranges and bloom filters), a few
 * partitions at once, once for the whole write.
 */
export async function deleteKeys(table: TableContext, keys: readonly string[], options: WriteOptions & { ids?: WriterIds } = {}): Promise<WriteResult> {
  keys.forEach((key, i) => {
    // Such a key was never stored as given (it became U+FFFD), so deleting it would silently do nothing.
    const bad = unencodableProblem(key);
    if (bad) throw new InvalidRecordKeyError('', i, bad);
  });
  const ctx = writeContext(table, options.ids);
  const { view } = await ctx.snapshot();
  const bucketIndex = bucketIndexOf(table.config);
  if (bucketIndex) return executeWrite(ctx, 'delete', bucketKeyTargets(bucketIndex, latestFileSlices(view), keys), options);
  // One lookup serves the delete twice: it finds the partitions holding each key, and the plan
  // routes the keys to their file groups from the same answer (see partition-keys.ts).
  const wanted = [...new Set(keys)];
  const stats = { filesConsidered: 0, filesRead: 0 };
  const found = await locateInPartitions(ctx.store, baseSlicesByPartition(latestFileSlices(view)), () => wanted, { isValidInstant: view.isVisible, check: 'ambiguous' }, stats);
  const targets: KeyedDeletes = { keys: [], partitions: [] };
  for (const [partition, located] of found) {
    for (const key of located.keys()) {
      targets.keys.push(key);
      targets.partitions.push(partition);
    }
  }
  const located: LocatedKeys = { view, keys: new Set(wanted), found, stats };
  return executeWrite({ ...ctx, located }, 'delete', targets, options);
}

/**
 * Deletes every record of the latest snapshot (`snapshot`, read with meta columns) for which
 * `predicate` returns true.
 */
export async function deleteWhere(
  table: TableContext,
  snapshot: AsyncIterable<RecordBatch>,
  predicate: (row: Row) => boolean,
  options: WriteOptions & { ids?: WriterIds } = {},
): Promise<WriteResult> {
  const targets: KeyedDeletes = { keys: [], partitions: [] };
  for await (const batch of snapshot) {
    for (const plain of rowsToJson(batch)) {
      if (!predicate(plain)) continue;
      targets.keys.push(String(plain[META.recordKey]));
      targets.partitions.push(String(plain[META.partitionPath]));
    }
  }
  return executeWrite(writeContext(table, options.ids), 'delete', targets, options);
}

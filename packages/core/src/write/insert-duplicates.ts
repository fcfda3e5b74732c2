// Hudi's insert duplicate policy (`hoodie.datasource.insert.dup.policy`): an insert may leave out,
// or refuse, records whose key the table already holds. Looked up in the write's own snapshot, so
// a micro-batch writer needs no listing of its own before the write.

import { DuplicateRecordKeyError, InvalidWriteError } from '../errors.js';
import type { FileSystemView } from '../table/fs-view.js';
import type { Incoming } from './file-group-rewrite.js';
import { takeIncoming } from './write-input.js';
import type { InsertDuplicatePolicy, WriteContext, WriteOperation } from './write-options.js';

const POLICIES: readonly InsertDuplicatePolicy[] = ['none', 'drop', 'fail'];

/** Refuses a policy that is not one of Hudi's, before anything is read. */
export function checkDuplicatePolicy(policy: unknown): void {
  if (policy !== undefined && !POLICIES.includes(policy as InsertDuplicatePolicy)) {
    throw new InvalidWriteError(`duplicates must be one of ${POLICIES.map((p) => `'${p}'`).join(', ')}, not ${JSON.stringify(policy)}.`);
  }
}

/** The insert's rows under its duplicate policy, and how many it left out. */
export async function applyDuplicatePolicy(
  ctx: WriteContext,
  operation: WriteOperation,
  policy: InsertDuplicatePolicy | undefined,
  incoming: Incoming,
  view: FileSystemView,
): Promise<{ incoming: Incoming; dropped: number }> {
  if (operation !== 'insert' || policy === undefined || policy === 'none' || incoming.keys.length === 0) return { incoming, dropped: 0 };
  if (!ctx.liveKeyRows) throw new InvalidWriteError(`This write cannot look up stored keys, so duplicates: '${policy}' cannot be applied.`);
  const live = await ctx.liveKeyRows(view, incoming.keys, incoming.partitions);
  if (live.size === 0) return { incoming, dropped: 0 };
  if (policy === 'fail') {
    const first = [...live].sort((a, b) => a - b).slice(0, 100);
    throw new DuplicateRecordKeyError(first.map((i) => incoming.keys[i]), live.size);
  }
  const keep: number[] = [];
  for (let i = 0; i < incoming.keys.length; i++) if (!live.has(i)) keep.push(i);
  return { incoming: takeIncoming(incoming, keep), dropped: live.size };
}

// A fence stays after the write it decided: a writer lifts its own once it has published, but the
// fence a rollback (or a writer settling another's intent) takes is a veto that must outlive the
// vetoed writer, and nothing else ever removes it. Left alone they would pile up under
// `.hoodie/.aux/lake/fences/`, one per rolled-back or stood-back write, for the life of the table.
// The cleaner removes those that can no longer matter: older than a day, of an instant no longer
// pending. The vetoed writer cannot come back after that: a writer checks that its own heartbeat
// was renewed within the expiry before it tries to fence (commit/heartbeat.ts heartbeatLapsed).

import { FENCES_FOLDER } from '../commit/paths.js';
import type { TableContext } from '../table/table-context.js';

/** How old a fence must be before the cleaner removes it (default one day). */
const FENCE_RETENTION_MS = 24 * 60 * 60_000;

/** Removes fences older than `olderThanMs` whose instants are not pending; returns how many. */
export async function removeSettledFences(table: TableContext, options: { olderThanMs?: number; now?: Date } = {}): Promise<number> {
  const store = table.store;
  const { objects } = await store.listDirectory(FENCES_FOLDER);
  const bound = (options.now ?? new Date()).getTime() - (options.olderThanMs ?? FENCE_RETENTION_MS);
  const old = objects.filter((o) => o.lastModified !== undefined && o.lastModified.getTime() < bound);
  if (old.length === 0) return 0;
  // read after listing the fences: an instant pending now was pending when its fence was listed
  const pending = new Set((await table.timeline()).pending().map((i) => i.time));
  const settled = old.filter((o) => !pending.has(o.key.slice(FENCES_FOLDER.length)));
  await store.deleteMany(settled.map((o) => o.key));
  return settled.length;
}

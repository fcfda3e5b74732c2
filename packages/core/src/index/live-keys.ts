// Which file group holds the live version of each key. The bloom index looks at base files
// only; on a merge-on-read table a key deleted through one group's log is still in that base
// file until compaction, so after the key is inserted again it sits in two base files and only
// one of them is live. Routing an upsert to the dead one would bring the key back there too:
// the same record twice. Logs are read only where that matters (or everywhere, when the caller
// must know whether a key exists at all).

import type { ObjectStore } from '@lake/storage';

import type { FileSlice } from '../file-group/file-slice.js';
import { locateKeyHolders, type IndexLookupStats } from './key-index.js';
import { keysDeletedInLogs } from '../write/log-deletes.js';

export interface LiveKeyOptions {
  /** Instants whose log blocks count (completed, not rolled back). */
  isValidInstant: (instant: string) => boolean;
  /**
   * 'ambiguous' (writers): logs are read only for keys held by several groups; a key held by one
   * group is routed there even if its log deleted it (the writer then rewrites the group).
   * 'all' (existence checks): every holder with logs is checked, and a key deleted everywhere is
   * reported absent.
   */
  check: 'ambiguous' | 'all';
}

/**
 * The file group each existing key should be written to, among one partition's latest slices;
 * keys not in the result are new (or, with check 'all', deleted).
 */
export async function locateLiveKeys(
  store: ObjectStore,
  slices: readonly FileSlice[],
  keys: readonly string[],
  options: LiveKeyOptions,
  stats?: IndexLookupStats,
): Promise<Map<string, string>> {
  const files = slices.filter((s) => s.baseFile).map((s) => ({ fileId: s.fileId, baseFile: s.baseFile! }));
  const holders = await locateKeyHolders(store, files, keys, stats);
  const sliceById = new Map(slices.map((s) => [s.fileId, s]));
  // Per slice with logs, the keys whose liveness there has to be known.
  const toCheck = new Map<string, Set<string>>();
  for (const [key, ids] of holders) {
    if (options.check === 'ambiguous' && ids.length < 2) continue;
    for (const id of ids) {
      if ((sliceById.get(id)?.logFiles.length ?? 0) === 0) continue;
      const wanted = toCheck.get(id) ?? new Set<string>();
      wanted.add(key);
      toCheck.set(id, wanted);
    }
  }
  const deletedIn = new Map<string, Set<string>>();
  for (const [id, wanted] of toCheck) deletedIn.set(id, await keysDeletedInLogs(store, sliceById.get(id)!, options.isValidInstant, wanted));
  const out = new Map<string, string>();
  for (const [key, ids] of holders) {
    const live = ids.find((id) => !deletedIn.get(id)?.has(key));
    if (live !== undefined) out.set(key, live);
    else if (options.check === 'ambiguous') out.set(key, ids[0]);
  }
  return out;
}

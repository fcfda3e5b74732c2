// A completed write can be undone only while the file versions it replaced still exist. A clean
// that kept fewer versions than that (e.g. `retain: 1`) removed them, and deleting the write's
// files would then leave its file groups with no version at all: the rows committed before the
// write would be gone. Such a rollback is refused before anything changes.

import type { ObjectStore } from '@lake/storage';

import { parseBaseFileName } from '../file-group/base-file.js';
import { parseLogFileName } from '../file-group/log-file.js';
import type { CommitMetadata } from '../timeline/commit-metadata.js';

/**
 * File groups the write at `time` replaced (a new base file over an earlier version, or a
 * replace commit's replaced groups) that have no data file older than `time` left, as
 * `partition/fileId`.
 */
export async function groupsWithCleanedHistory(store: ObjectStore, meta: CommitMetadata, time: string): Promise<string[]> {
  const needed = new Map<string, Set<string>>();
  const need = (partition: string, fileId: string) => {
    const ids = needed.get(partition) ?? new Set<string>();
    ids.add(fileId);
    needed.set(partition, ids);
  };
  for (const [partition, stats] of meta.partitionToWriteStats) {
    for (const s of stats) {
      const name = s.path?.slice(s.path.lastIndexOf('/') + 1);
      const base = name ? parseBaseFileName(name) : undefined;
      // A new file group (no previous commit) has nothing to go back to.
      if (!base || s.prevCommit === undefined || s.prevCommit === 'null' || s.prevCommit === '') continue;
      need(partition, base.fileId);
    }
  }
  for (const [partition, ids] of meta.partitionToReplaceFileIds) for (const id of ids) need(partition, id);
  const lost: string[] = [];
  for (const [partition, ids] of needed) {
    const listing = await store.listDirectory(partition === '' ? '' : `${partition}/`);
    const older = new Set<string>();
    for (const o of listing.objects) {
      const name = o.key.slice(o.key.lastIndexOf('/') + 1);
      // A base file, or a log file of a slice (log-only groups of merge-on-read tables), from before the write.
      const file = parseBaseFileName(name) ?? parseLogFileName(name);
      if (file && file.instantTime < time) older.add(file.fileId);
    }
    for (const id of ids) if (!older.has(id)) lost.push(partition === '' ? id : `${partition}/${id}`);
  }
  return lost;
}

// What a long-running writer knows of its table between commits: the partition listing its
// file-system view is built from, and the instants that listing reflects. Each write lists the
// timeline afresh (one LIST of `.hoodie/`), then brings the listing up to date from the commit
// metadata of the writes completed since — their write stats name every file they added, with
// its size — and of the cleans completed since, which name every file they deleted, instead of
// listing every partition again. Anything else that completed meanwhile (a rollback, a restore)
// falls back to a full listing, as does a commit whose stats do not name their files.

import { mapLimit, type ObjectStore } from '@lake/storage';

import { WRITE_ACTIONS, type Instant } from '../timeline/instant.js';
import type { CommitMetadata } from '../timeline/commit-metadata.js';
import type { Timeline } from '../timeline/timeline.js';
import { cleanedFiles } from '../timeline/clean-metadata.js';
import { buildFileSystemView, type FileSystemView } from './fs-view.js';
import { listPartitions, PARTITION_METADATA_PREFIX, type PartitionListing } from './partition.js';

interface KnownListing {
  /** Completed instants the listing reflects. */
  completed: Set<string>;
  listing: PartitionListing[];
}

/** The newest commits whose metadata a write reads (as many as fs-view's base-file check). */
const PREFETCHED_COMMITS = 50;

/** Commit metadata read at once when catching up with other writers' commits. */
const METADATA_CONCURRENCY = 16;

/**
 * A writer's view of the table at `timeline`, kept for `owner` (the table object) across its
 * writes. The first call lists every partition; later calls only read the metadata of writes
 * completed since (none at all for the writer's own commits, whose metadata it remembers).
 */
class WriterSnapshots {
  private readonly known = new WeakMap<object, KnownListing>();

  async view(owner: object, store: ObjectStore, timeline: Timeline): Promise<{ view: FileSystemView; partitionsWithMetadata: Set<string> }> {
    // The newest commits' metadata (the schema, the base-file check and file sizing read it) is
    // fetched while the partitions are listed; cached, a later read of it costs nothing.
    const writes = timeline.completedWrites().slice(-PREFETCHED_COMMITS);
    const prefetch = mapLimit(writes, PREFETCHED_COMMITS, (i) => timeline.commitMetadata(i).catch(() => undefined));
    const [listing] = await Promise.all([this.listing(owner, store, timeline), prefetch]);
    // Partitions known to hold Hudi's partition metadata: a write into them need not check for it.
    const partitionsWithMetadata = new Set(listing.filter((p) => p.files.some((f) => f.name.startsWith(PARTITION_METADATA_PREFIX))).map((p) => p.path));
    return { view: await buildFileSystemView(store, timeline, { listing }), partitionsWithMetadata };
  }

  /**
   * The partition listing of the table at `timeline` as `owner` keeps it (a copy): every file of
   * a completed write not deleted by a completed clean. Files of writes that never completed are
   * not in it (a full listing shows them; they are a rollback's business).
   */
  async listing(owner: object, store: ObjectStore, timeline: Timeline): Promise<PartitionListing[]> {
    const completed = timeline.completed();
    const previous = this.known.get(owner);
    const fresh = previous ? await caughtUp(previous, completed, timeline) : undefined;
    const listing = fresh ?? (await listPartitions(store));
    // Kept only if no one replaced it meanwhile with a newer state (two writes of one table at once).
    if (this.known.get(owner) === previous) this.known.set(owner, { completed: new Set(completed.map((i) => i.time)), listing });
    // The view is built on a copy: the cached listing is extended in place by the next catch-up.
    return listing.map((p) => ({ path: p.path, files: [...p.files] }));
  }
}

/**
 * `previous` extended with the files of writes completed since, or undefined when something
 * completed that a listing must show (files deleted, or files the metadata does not name).
 */
async function caughtUp(previous: KnownListing, completed: readonly Instant[], timeline: Timeline): Promise<PartitionListing[] | undefined> {
  const added = completed.filter((i) => !previous.completed.has(i.time));
  if (added.some((i) => !WRITE_ACTIONS.has(i.action) && i.action !== 'clean')) return undefined;
  const writes = added.filter((i) => WRITE_ACTIONS.has(i.action));
  const cleans = added.filter((i) => i.action === 'clean');
  const [metas, cleaned] = await Promise.all([
    mapLimit(writes, METADATA_CONCURRENCY, (i) => timeline.commitMetadata(i).catch(() => undefined)),
    mapLimit(cleans, METADATA_CONCURRENCY, (i) => cleanedFiles(timeline, i.time).catch(() => undefined)),
  ]);
  if (metas.some((m) => m === undefined) || cleaned.some((c) => c === undefined)) return undefined;
  const byPath = new Map(previous.listing.map((p) => [p.path, { path: p.path, files: [...p.files] }]));
  for (const meta of metas as CommitMetadata[]) {
    for (const [partition, stats] of meta.partitionToWriteStats) {
      for (const stat of stats) {
        const path = stat.path;
        const folder = stat.partitionPath || partition;
        const prefix = folder === '' ? '' : `${folder}/`;
        if (!path || !path.startsWith(prefix) || path.slice(prefix.length).includes('/')) return undefined;
        let entry = byPath.get(folder);
        if (!entry) {
          // A new partition: its writer created the partition metadata before any data file.
          entry = { path: folder, files: [{ key: `${prefix}${PARTITION_METADATA_PREFIX}`, name: PARTITION_METADATA_PREFIX, size: 0 }] };
          byPath.set(folder, entry);
        }
        const name = path.slice(prefix.length);
        const at = entry.files.findIndex((f) => f.key === path);
        const file = { key: path, name, size: stat.fileSizeInBytes };
        if (at >= 0) entry.files[at] = file;
        else entry.files.push(file);
      }
    }
  }
  // File names carry their instant and write token: a file a clean deleted is never written again.
  const gone = new Set((cleaned as string[][]).flat());
  if (gone.size > 0) for (const entry of byPath.values()) entry.files = entry.files.filter((f) => !gone.has(f.key));
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every table's partition listing as its writers last saw it, brought up to date by each use. */
export const writerSnapshots = new WriterSnapshots();

// A file listed in a snapshot can vanish before it is read when another process removes it: a
// rollback of a failed write, a writer abandoning its own attempt, a clean. For a write or a
// table service that is a conflict with that process (retry and it sees the new state), not a
// storage failure, so it is reported as ConflictError. A file the table still needs, missing
// from a fresh snapshot too, stays MissingBaseFileError: retrying cannot help.

import { NotFoundError, type ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { ConflictError, MissingBaseFileError } from '../errors.js';
import { buildFileSystemView, checkLatestBaseFiles } from '../table/fs-view.js';
import { loadTimeline } from '../timeline/timeline.js';

/** Where to look again when an input vanished: the table as it is now. */
export interface VanishedInputRecheck {
  store: ObjectStore;
  config: TableConfig;
}

export async function conflictOnVanishedInput<T>(instant: string | undefined, table: VanishedInputRecheck, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // A read of a file slice reports a vanished base file as MissingBaseFileError.
    const key = error instanceof NotFoundError ? error.key : error instanceof MissingBaseFileError ? error.path : undefined;
    if (key === undefined) throw error;
    // Missing from the table as it is now as well: not a concurrent change.
    if (error instanceof MissingBaseFileError) await stillConsistent(table);
    const what = instant === undefined ? 'The write' : `Write ${instant}`;
    throw new ConflictError(
      instant ?? '',
      'a concurrent change',
      [],
      `${what} conflicts with a concurrent change: ${key} was removed while it was being read ` +
        '(another process rolled back, abandoned or cleaned files meanwhile). Nothing of it is visible; retry it. ' +
        'If this repeats, the file is missing from the table.',
    );
  }
}

/** Throws MissingBaseFileError when the table's latest snapshot lacks a file it needs. */
async function stillConsistent(table: VanishedInputRecheck): Promise<void> {
  const timeline = await loadTimeline(table.store, table.config);
  await checkLatestBaseFiles(await buildFileSystemView(table.store, timeline, {}), timeline);
}

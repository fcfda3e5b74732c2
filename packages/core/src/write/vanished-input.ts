// A file listed in a snapshot can vanish before it is read when another process removes it: a
// rollback of a failed write, a writer abandoning its own attempt, a clean. For a write or a
// table service that is a conflict with that process (retry and it sees the new state), not a
// storage failure, so it is reported as ConflictError.

import { NotFoundError } from '@lake/storage';

import { ConflictError, MissingBaseFileError } from '../errors.js';

export async function conflictOnVanishedInput<T>(instant: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // A read of a file slice reports a vanished base file as MissingBaseFileError.
    const key = error instanceof NotFoundError ? error.key : error instanceof MissingBaseFileError ? error.path : undefined;
    if (key === undefined) throw error;
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

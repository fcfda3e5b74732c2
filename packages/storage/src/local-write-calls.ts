// The file-system calls a LocalStore write makes, in two forms. The promise calls run on libuv's
// thread pool, one round trip through it each (an open, a write, a close, a rename: four for one
// object). The blocking calls do the same in microseconds on a local disk, without the round
// trips; the store uses them for small objects (commit metadata, markers, heartbeats, claims: a
// commit writes a dozen of them one after another) and the promise calls for data files and
// for writes that must reach the disk (fsync), which could hold the event loop for milliseconds.

import type * as NodeFs from 'node:fs';
import type * as NodeFsPromises from 'node:fs/promises';

export interface WriteCalls {
  /** Writes a file that must not exist yet ('wx'). */
  writeNew(file: string, data: Uint8Array): Promise<void> | void;
  rename(from: string, to: string): Promise<void> | void;
  link(existing: string, name: string): Promise<void> | void;
  makeFolder(dir: string): Promise<unknown> | unknown;
  /** Removes a file if it is there; never fails. */
  removeQuietly(file: string): Promise<void> | void;
}

/** Objects up to this size are written with blocking calls (when not synced to disk). */
export const BLOCKING_WRITE_MAX_BYTES = 64 * 1024;

export function promiseCalls(fs: typeof NodeFsPromises, fsync: boolean): WriteCalls {
  return {
    async writeNew(file, data) {
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(data);
        if (fsync) await handle.sync();
      } finally {
        await handle.close();
      }
    },
    rename: (from, to) => fs.rename(from, to),
    link: (existing, name) => fs.link(existing, name),
    makeFolder: (dir) => fs.mkdir(dir, { recursive: true }),
    removeQuietly: (file) => fs.rm(file, { force: true }).catch(() => undefined),
  };
}

export function blockingCalls(fs: typeof NodeFs): WriteCalls {
  return {
    writeNew: (file, data) => fs.writeFileSync(file, data, { flag: 'wx' }),
    rename: (from, to) => fs.renameSync(from, to),
    link: (existing, name) => fs.linkSync(existing, name),
    makeFolder: (dir) => fs.mkdirSync(dir, { recursive: true }),
    removeQuietly(file) {
      try {
        fs.rmSync(file, { force: true });
      } catch {
        // best effort, as the promise form
      }
    },
  };
}

// An ObjectStore over a folder on local disk, with object-store semantics: whole-object atomic
// writes (temp file + rename), atomic create-if-absent (hard link), sorted recursive listings.
// The only backend that needs Node. It fetches Node's modules when a store is created instead of
// importing them, so the package loads (and bundles) for runtimes that have no file system.
// Over 350 lines on purpose: one backend's full ObjectStore contract (atomic writes, create-if-absent, listings, leftovers).

import type * as NodeFsSync from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import type * as NodeFs from 'node:fs/promises';
import type * as NodePath from 'node:path';
import type * as NodeUrl from 'node:url';

import { mapLimit } from './concurrency.js';
import { blockingCalls, BLOCKING_WRITE_MAX_BYTES, promiseCalls, type WriteCalls } from './local-write-calls.js';
import { InvalidKeyError, NotFoundError, StoreError } from './errors.js';
import {
  checkRange,
  emptyRequestCounts,
  type ByteRange,
  type DirectoryListing,
  type ObjectMeta,
  type ObjectStore,
  type RequestCounts,
} from './object-store.js';

export interface LocalStoreOptions {
  /**
   * Flush each file to disk before it becomes visible, so a power loss cannot leave a visible but
   * empty object. Costs a disk sync per write; a process crash is safe without it. Default false.
   */
  fsync?: boolean;
}

/** Files being written start with this and are never listed; keys may not use it. */
export const LOCAL_TEMP_PREFIX = '.lake-tmp-';

/** Stats and deletes run this many at a time: enough to hide latency, few enough for fd limits. */
const IO_CONCURRENCY = 16;

/** Errors from link() meaning the file system has no hard links, not that the key exists. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

interface NodeModules {
  fs: typeof NodeFs;
  fsSync: typeof NodeFsSync;
  path: typeof NodePath;
  url: typeof NodeUrl;
}

function nodeModules(): NodeModules {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new StoreError(
      'LocalStore needs Node.js 20.16 or later (or Deno or Bun): this runtime has no local file system. Use an s3:// or memory:// store here.',
    );
  }
  return {
    fs: get('node:fs/promises') as typeof NodeFs,
    fsSync: get('node:fs') as typeof NodeFsSync,
    path: get('node:path') as typeof NodePath,
    url: get('node:url') as typeof NodeUrl,
  };
}

export class LocalStore implements ObjectStore {
  readonly uri: string;
  /** Absolute path of the folder that holds the objects. */
  readonly root: string;
  readonly requests: RequestCounts = emptyRequestCounts();
  private readonly fsync: boolean;
  private readonly promised: WriteCalls;
  private readonly blocking: WriteCalls;
  private readonly fs: typeof NodeFs;
  private readonly path: typeof NodePath;

  constructor(root: string, options: LocalStoreOptions = {}) {
    if (typeof root !== 'string' || root.length === 0) {
      throw new StoreError('LocalStore needs a folder path; pass an absolute or relative path to the table root.');
    }
    const node = nodeModules();
    this.fs = node.fs;
    this.path = node.path;
    this.root = node.path.resolve(root);
    this.uri = node.url.pathToFileURL(this.root).href;
    this.fsync = options.fsync ?? false;
    this.promised = promiseCalls(node.fs, this.fsync);
    this.blocking = blockingCalls(node.fsSync);
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const file = this.pathOf(key);
    checkRange(range);
    this.requests.GET++;
    try {
      const out = range ? await this.readRange(file, range) : asPlainBytes(await this.fs.readFile(file));
      this.requests.bytesRead += out.length;
      return out;
    } catch (error) {
      if (isMissing(error) || errorCode(error) === 'EISDIR') throw new NotFoundError(key, this.uri);
      throw this.failure('read', key, error);
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const file = this.pathOf(key);
    this.requests.HEAD++;
    const stats = await this.statOrUndefined(file, key);
    return stats?.isFile() ? { key, size: stats.size, lastModified: stats.mtime } : undefined;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const file = this.pathOf(key);
    this.requests.PUT++;
    const calls = this.callsFor(data);
    const temp = await this.writeTemp(calls, file, key, data);
    try {
      await calls.rename(temp, file);
    } catch (error) {
      await calls.removeQuietly(temp);
      throw this.failure('write', key, error);
    }
    this.requests.bytesWritten += data.length;
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    const file = this.pathOf(key);
    this.requests.PUT++;
    // A link to a complete temp file publishes all bytes at once, and fails if the name is taken.
    const calls = this.callsFor(data);
    const temp = await this.writeTemp(calls, file, key, data);
    let created: boolean;
    try {
      await calls.link(temp, file);
      created = true;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') created = false;
      else if (code !== undefined && NO_HARD_LINKS.has(code)) created = await this.createExclusive(calls, file, key, data);
      else throw this.failure('write', key, error);
    } finally {
      await calls.removeQuietly(temp);
    }
    if (created) this.requests.bytesWritten += data.length;
    return created;
  }

  async conditionalPutEnforced(): Promise<boolean> {
    return true;
  }

  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    const dirKey = this.folderOf(prefix);
    this.requests.LIST++;
    yield* this.walk(dirKey, prefix);
  }

  async listDirectory(prefix: string): Promise<DirectoryListing> {
    const dirKey = this.folderOf(prefix);
    const namePrefix = prefix.slice(dirKey.length);
    this.requests.LIST++;
    const entries = (await this.readFolder(dirKey)).filter((e) => e.name.startsWith(namePrefix));
    const files = entries.filter((e) => e.kind === 'file');
    const folders = entries.filter((e) => e.kind === 'folder');
    const objects = (await this.statAll(dirKey, files)).filter((m): m is ObjectMeta => m !== undefined);
    // Like S3, a folder is a prefix only while some object lives under it.
    const nonEmpty = await mapLimit(folders, IO_CONCURRENCY, (e) => this.holdsObject(`${dirKey}${e.name}/`));
    const prefixes = folders.filter((_, i) => nonEmpty[i]).map((e) => `${dirKey}${e.name}/`);
    return { objects: objects.sort(byKey), prefixes: prefixes.sort() };
  }

  /** listDirectory's objects without a stat of each: the file types come with the folder's entries. */
  async listKeys(prefix: string): Promise<string[]> {
    const dirKey = this.folderOf(prefix);
    const namePrefix = prefix.slice(dirKey.length);
    this.requests.LIST++;
    const keys: string[] = [];
    for (const e of await this.readFolder(dirKey)) if (e.kind === 'file' && e.name.startsWith(namePrefix)) keys.push(dirKey + e.name);
    return keys.sort(compareKeys);
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    this.requests.DELETE++;
    try {
      await this.fs.unlink(file);
    } catch (error) {
      if (isMissing(error) || errorCode(error) === 'EISDIR') return;
      throw this.failure('delete', key, error);
    }
    await this.removeEmptyFolders(this.path.dirname(file));
  }

  /**
   * Removes a folder a delete left empty, and its parents while they are empty too, up to the
   * root: on S3 a prefix vanishes with its last object, and a folder kept here for every commit
   * (marker folders, one per instant) would make every listing of its parent slower for the
   * table's whole life. rmdir removes only empty folders; a writer racing it re-creates the folder
   * (writeTemp retries), and a folder holding a writer's temp file is not empty.
   */
  private async removeEmptyFolders(dir: string): Promise<void> {
    for (let at = dir; at !== this.root && at.startsWith(this.root + this.path.sep); at = this.path.dirname(at)) {
      try {
        await this.fs.rmdir(at);
      } catch {
        return;
      }
    }
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (const key of keys) this.pathOf(key);
    await mapLimit(keys, IO_CONCURRENCY, (key) => this.delete(key));
  }

  /** Maps a key to its file, refusing keys that could name something outside the root. */
  async removeAbandonedWrites(olderThan: Date): Promise<number> {
    let removed = 0;
    const sweep = async (dir: string): Promise<void> => {
      let dirents: Dirent[];
      try {
        dirents = await this.fs.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw this.failure('list', this.path.relative(this.root, dir), error);
      }
      for (const d of dirents) {
        const file = this.path.join(dir, d.name);
        if (d.isDirectory()) {
          await sweep(file);
        } else if (d.isFile() && d.name.startsWith(LOCAL_TEMP_PREFIX)) {
          const stats = await this.fs.stat(file).catch(() => undefined);
          if (stats && stats.mtime < olderThan) {
            await this.fs.rm(file, { force: true });
            removed++;
          }
        }
      }
    };
    await sweep(this.root);
    return removed;
  }

  private pathOf(key: string): string {
    if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'it is empty');
    if (key.startsWith('/')) throw new InvalidKeyError(key, "it starts with '/'");
    if (key.includes('\0')) throw new InvalidKeyError(key, 'it contains a NUL character');
    const segments = key.split('/');
    for (const segment of segments) {
      if (segment === '') throw new InvalidKeyError(key, "it has an empty segment ('//' or a trailing '/')");
      if (segment === '.' || segment === '..') throw new InvalidKeyError(key, "it has a '.' or '..' segment");
    }
    if (segments[segments.length - 1].startsWith(LOCAL_TEMP_PREFIX)) {
      throw new InvalidKeyError(key, `names starting with ${LOCAL_TEMP_PREFIX} are reserved for files being written`);
    }
    return this.path.join(this.root, ...segments);
  }

  /** The folder part of a listing prefix ('' or ending in '/'), checked like a key. */
  private folderOf(prefix: string): string {
    if (typeof prefix !== 'string') throw new InvalidKeyError(String(prefix), 'a listing prefix must be a string');
    const dirKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    if (dirKey !== '') this.pathOf(dirKey.slice(0, -1));
    return dirKey;
  }

  private folderPath(dirKey: string): string {
    return dirKey === '' ? this.root : this.path.join(this.root, ...dirKey.slice(0, -1).split('/'));
  }

  /** Blocking calls for a small object, unless writes are synced to disk (see local-write-calls.ts). */
  private callsFor(data: Uint8Array): WriteCalls {
    return !this.fsync && data.length <= BLOCKING_WRITE_MAX_BYTES ? this.blocking : this.promised;
  }

  private async writeTemp(calls: WriteCalls, file: string, key: string, data: Uint8Array): Promise<string> {
    const dir = this.path.dirname(file);
    const temp = this.path.join(dir, LOCAL_TEMP_PREFIX + globalThis.crypto.randomUUID());
    try {
      // The folder usually exists: it is made only when the open finds it missing. A delete
      // elsewhere may remove it, once empty, between mkdir and open: try again.
      for (let attempt = 1; ; attempt++) {
        try {
          await calls.writeNew(temp, data);
          return temp;
        } catch (error) {
          if (!isMissing(error) || attempt >= 5) throw error;
        }
        await calls.makeFolder(dir);
      }
    } catch (error) {
      await calls.removeQuietly(temp);
      throw this.failure('write', key, error);
    }
  }

  /**
   * Fallback for file systems without hard links: still exclusive, but a reader racing the writer
   * can see a partial file, which is why link() is preferred.
   */
  private async createExclusive(calls: WriteCalls, file: string, key: string, data: Uint8Array): Promise<boolean> {
    try {
      await calls.writeNew(file, data);
      return true;
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      throw this.failure('write', key, error);
    }
  }

  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ObjectMeta> {
    const entries = await this.readFolder(dirKey);
    const files = entries.filter((e) => e.kind === 'file' && (dirKey + e.name).startsWith(prefix));
    const metas = new Map<string, ObjectMeta>();
    for (const meta of await this.statAll(dirKey, files)) if (meta) metas.set(meta.key, meta);
    // Ordering folders by "name/" keeps the walk in global key order: every key inside a folder
    // starts with "name/", so it sorts exactly where "name/" sorts among its siblings.
    const ordered = entries
      .map((e) => ({ ...e, key: e.kind === 'folder' ? `${dirKey}${e.name}/` : dirKey + e.name }))
      .sort(byKey);
    for (const entry of ordered) {
      if (entry.kind === 'file') {
        const meta = metas.get(entry.key);
        if (meta) yield meta;
      } else if (entry.key.startsWith(prefix) || prefix.startsWith(entry.key)) {
        yield* this.walk(entry.key, prefix);
      }
    }
  }

  /** Entries of a folder as files and sub-folders; a missing folder is empty, temp files are hidden. */
  private async readFolder(dirKey: string): Promise<FolderEntry[]> {
    const dir = this.folderPath(dirKey);
    let dirents: Dirent[];
    try {
      dirents = await this.fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return [];
      throw this.failure('list', dirKey, error);
    }
    const out: FolderEntry[] = [];
    for (const d of dirents) {
      if (d.name.startsWith(LOCAL_TEMP_PREFIX)) continue;
      let kind: FolderEntry['kind'] | undefined = d.isFile() ? 'file' : d.isDirectory() ? 'folder' : undefined;
      if (d.isSymbolicLink()) {
        const target = await this.statOrUndefined(this.path.join(dir, d.name), dirKey + d.name);
        kind = target?.isFile() ? 'file' : target?.isDirectory() ? 'folder' : undefined;
      }
      if (kind) out.push({ name: d.name, kind });
    }
    return out;
  }

  private async statAll(dirKey: string, files: FolderEntry[]): Promise<(ObjectMeta | undefined)[]> {
    const dir = this.folderPath(dirKey);
    return mapLimit(files, IO_CONCURRENCY, async (e) => {
      const key = dirKey + e.name;
      // A file deleted between readdir and stat is simply no longer listed.
      const stats = await this.statOrUndefined(this.path.join(dir, e.name), key);
      return stats?.isFile() ? { key, size: stats.size, lastModified: stats.mtime } : undefined;
    });
  }

  private async holdsObject(dirKey: string): Promise<boolean> {
    const entries = await this.readFolder(dirKey);
    if (entries.some((e) => e.kind === 'file')) return true;
    for (const e of entries) if (await this.holdsObject(`${dirKey}${e.name}/`)) return true;
    return false;
  }

  private async statOrUndefined(file: string, key: string): Promise<Stats | undefined> {
    try {
      return await this.fs.stat(file);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.failure('stat', key, error);
    }
  }

  /** Best-effort cleanup of a temp file: the failure being reported matters more. */
  private async readRange(file: string, range: ByteRange): Promise<Uint8Array> {
    const handle = await this.fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.min(range.offset, size);
      const end = range.length === undefined ? size : Math.min(size, start + range.length);
      const out = new Uint8Array(end - start);
      let filled = 0;
      while (filled < out.length) {
        const { bytesRead } = await handle.read(out, filled, out.length - filled, start + filled);
        if (bytesRead === 0) break; // truncated by a concurrent writer; return what exists
        filled += bytesRead;
      }
      return filled === out.length ? out : out.slice(0, filled);
    } finally {
      await handle.close();
    }
  }

  private failure(action: string, key: string, error: unknown): StoreError {
    const code = errorCode(error) ?? 'unknown error';
    const hint =
      code === 'EACCES' || code === 'EPERM'
        ? 'Check the permissions of the folder.'
        : code === 'ENOSPC' || code === 'EDQUOT'
          ? 'Free some disk space.'
          : code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR'
            ? 'On local disk a key cannot be both an object and a folder of other objects; rename one of them.'
            : 'Check that the folder is on a working, writable file system.';
    return new StoreError(`Cannot ${action} "${key}" in ${this.uri} (${code}). ${hint}`, { cause: error });
  }
}

interface FolderEntry {
  name: string;
  kind: 'file' | 'folder';
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byKey(a: { key: string }, b: { key: string }): number {
  return compareKeys(a.key, b.key);
}

/** Buffers slice by reference; callers of an ObjectStore expect plain Uint8Array semantics. */
function asPlainBytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

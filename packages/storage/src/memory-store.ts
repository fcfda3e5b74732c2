// An in-process object store: for tests, examples and scratch work. Behaves like a strongly
// consistent object store with working conditional creates.

import { NotFoundError } from './errors.js';
import {
  checkRange,
  emptyRequestCounts,
  type ByteRange,
  type DirectoryListing,
  type ObjectMeta,
  type ObjectStore,
  type RequestCounts,
} from './object-store.js';

interface Entry {
  data: Uint8Array;
  lastModified: Date;
}

const namedStores = new Map<string, Map<string, Entry>>();

export class MemoryStore implements ObjectStore {
  readonly uri: string;
  readonly requests: RequestCounts = emptyRequestCounts();
  private readonly objects: Map<string, Entry>;

  /** Stores opened with the same name share their objects within a process. */
  constructor(name = 'default') {
    this.uri = `memory://${name}`;
    let objects = namedStores.get(name);
    if (!objects) {
      objects = new Map();
      namedStores.set(name, objects);
    }
    this.objects = objects;
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    checkRange(range);
    this.requests.GET++;
    const entry = this.objects.get(key);
    if (!entry) throw new NotFoundError(key, this.uri);
    const start = Math.min(range?.offset ?? 0, entry.data.length);
    const end = range?.length === undefined ? entry.data.length : Math.min(entry.data.length, start + range.length);
    const out = entry.data.slice(start, end);
    this.requests.bytesRead += out.length;
    return out;
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    this.requests.HEAD++;
    const entry = this.objects.get(key);
    return entry ? { key, size: entry.data.length, lastModified: entry.lastModified } : undefined;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    this.requests.PUT++;
    this.requests.bytesWritten += data.length;
    this.objects.set(key, { data: data.slice(), lastModified: new Date() });
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    this.requests.PUT++;
    if (this.objects.has(key)) return false;
    this.requests.bytesWritten += data.length;
    this.objects.set(key, { data: data.slice(), lastModified: new Date() });
    return true;
  }

  async conditionalPutEnforced(): Promise<boolean> {
    return true;
  }

  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    this.requests.LIST++;
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    for (const key of keys) {
      const entry = this.objects.get(key);
      if (entry) yield { key, size: entry.data.length, lastModified: entry.lastModified };
    }
  }

  async listDirectory(prefix: string): Promise<DirectoryListing> {
    this.requests.LIST++;
    const objects: ObjectMeta[] = [];
    const prefixes = new Set<string>();
    for (const [key, entry] of this.objects) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) objects.push({ key, size: entry.data.length, lastModified: entry.lastModified });
      else prefixes.add(prefix + rest.slice(0, slash + 1));
    }
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { objects, prefixes: [...prefixes].sort() };
  }

  async delete(key: string): Promise<void> {
    this.requests.DELETE++;
    this.objects.delete(key);
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (const key of keys) await this.delete(key);
  }

  /** Forgets every object of a named store (tests use this between cases). */
  static drop(name: string): void {
    namedStores.delete(name);
  }
}

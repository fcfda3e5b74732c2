// A read-only view of a folder of a store as a store of its own, so the metadata table (a Hudi
// table under `.hoodie/metadata/`) is read with the same timeline and file-system view code as
// the data table. Writes are refused: reading the metadata table must never change it.

import type { DirectoryListing, ObjectMeta, ObjectStore, RequestCounts } from '@lake/storage';

import { UnsupportedFeatureError } from '../errors.js';

export class PrefixedReadOnlyStore implements ObjectStore {
  readonly uri: string;
  private readonly prefix: string;

  constructor(
    private readonly inner: ObjectStore,
    folder: string,
  ) {
    this.prefix = folder.endsWith('/') ? folder : `${folder}/`;
    this.uri = `${inner.uri.replace(/\/+$/, '')}/${this.prefix.slice(0, -1)}`;
  }

  get requests(): RequestCounts {
    return this.inner.requests;
  }

  get(key: string, range?: { offset: number; length?: number }): Promise<Uint8Array> {
    return this.inner.get(this.prefix + key, range);
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const meta = await this.inner.head(this.prefix + key);
    return meta && { ...meta, key };
  }

  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    for await (const o of this.inner.list(this.prefix + prefix)) yield { ...o, key: o.key.slice(this.prefix.length) };
  }

  async listDirectory(prefix: string): Promise<DirectoryListing> {
    const l = await this.inner.listDirectory(this.prefix + prefix);
    return {
      objects: l.objects.map((o) => ({ ...o, key: o.key.slice(this.prefix.length) })),
      prefixes: l.prefixes.map((p) => p.slice(this.prefix.length)),
    };
  }

  conditionalPutEnforced(): Promise<boolean> {
    return this.inner.conditionalPutEnforced();
  }

  private refuse(): never {
    throw new UnsupportedFeatureError(`${this.uri} is opened read-only: lake reads the metadata table but does not write it`);
  }

  async put(): Promise<void> {
    this.refuse();
  }

  async putIfAbsent(): Promise<boolean> {
    this.refuse();
  }

  async delete(): Promise<void> {
    this.refuse();
  }

  async deleteMany(): Promise<void> {
    this.refuse();
  }
}

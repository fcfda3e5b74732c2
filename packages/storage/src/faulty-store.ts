// Wraps any ObjectStore and makes chosen calls fail, to test that callers survive crashes and
// lost responses: fail before the call reaches the store, or after it took effect.

import { StoreError } from './errors.js';
import type { ByteRange, DirectoryListing, ObjectMeta, ObjectStore, RequestCounts } from './object-store.js';

export type StoreOperation = 'get' | 'head' | 'put' | 'putIfAbsent' | 'list' | 'listDirectory' | 'delete' | 'deleteMany';

export interface FaultRule {
  /**
   * Decides whether a call fails. `key` is the object key (the prefix for listings, each key in
   * turn for deleteMany); `n` counts calls of this operation, starting at 1.
   */
  failOn: (op: StoreOperation, key: string, n: number) => boolean;
  /** The error to throw; defaults to a StoreError naming the fault. */
  error?: (op: StoreOperation, key: string) => Error;
  /**
   * 'before' (default): the call never reaches the store. 'after': it takes effect and then the
   * caller sees the error, like a write whose response was lost. Listings always fail before.
   */
  when?: 'before' | 'after';
}

export class FaultyStore implements ObjectStore {
  readonly inner: ObjectStore;
  /** Replace at any time; undefined lets every call through. */
  rule: FaultRule | undefined;
  /** Faults injected so far. */
  injected = 0;
  private readonly calls = new Map<StoreOperation, number>();
  /** The inner store's sweep of abandoned writes, when it has one (never faulted). */
  readonly removeAbandonedWrites?: (olderThan: Date) => Promise<number>;

  constructor(inner: ObjectStore, rule?: FaultRule) {
    this.inner = inner;
    this.rule = rule;
    if (inner.removeAbandonedWrites) this.removeAbandonedWrites = (olderThan) => inner.removeAbandonedWrites!(olderThan);
  }

  get uri(): string {
    return this.inner.uri;
  }

  get requests(): RequestCounts {
    return this.inner.requests;
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    return this.run('get', [key], () => this.inner.get(key, range));
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    return this.run('head', [key], () => this.inner.head(key));
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    return this.run('put', [key], () => this.inner.put(key, data));
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    return this.run('putIfAbsent', [key], () => this.inner.putIfAbsent(key, data));
  }

  conditionalPutEnforced(): Promise<boolean> {
    return this.inner.conditionalPutEnforced();
  }

  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    const fault = this.check('list', [prefix]);
    if (fault) throw fault;
    yield* this.inner.list(prefix);
  }

  async listDirectory(prefix: string): Promise<DirectoryListing> {
    const fault = this.check('listDirectory', [prefix]);
    if (fault) throw fault;
    return this.inner.listDirectory(prefix);
  }

  async delete(key: string): Promise<void> {
    return this.run('delete', [key], () => this.inner.delete(key));
  }

  async deleteMany(keys: string[]): Promise<void> {
    return this.run('deleteMany', keys, () => this.inner.deleteMany(keys));
  }

  private async run<T>(op: StoreOperation, keys: string[], call: () => Promise<T>): Promise<T> {
    const fault = this.check(op, keys);
    if (fault && this.rule?.when !== 'after') throw fault;
    const result = await call();
    if (fault) throw fault;
    return result;
  }

  /** Counts the call and returns the error to inject, if the rule picks it. */
  private check(op: StoreOperation, keys: string[]): Error | undefined {
    const n = (this.calls.get(op) ?? 0) + 1;
    this.calls.set(op, n);
    const rule = this.rule;
    if (!rule) return undefined;
    const hit = keys.find((key) => rule.failOn(op, key, n));
    if (hit === undefined) return undefined;
    this.injected++;
    return rule.error?.(op, hit) ?? new StoreError(`Injected fault: ${op} of "${hit}" in ${this.inner.uri} (call ${n}).`);
  }
}

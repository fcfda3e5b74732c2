// Wraps any ObjectStore, adds a fixed delay to every request and measures what that delay costs:
// how many requests an operation makes and how many of them lie one after another on its
// critical path. A local disk answers in microseconds and hides request chains that cost a
// second on S3; with 20 ms added, a chain of 50 requests shows as a second here too.
//
// Round trips are counted as the depth of a request chain: a request that starts after another
// has finished may depend on it, so its depth is one more than the deepest request finished by
// the time it starts; requests in flight together share a depth. The deepest depth reached is
// the critical path. It is an upper bound: a request that starts after an unrelated one finished
// is counted as if it waited for it.

import type { ByteRange, DirectoryListing, ObjectMeta, ObjectStore, RequestCounts } from './object-store.js';

export interface LatencyStoreOptions {
  /** Delay added before each request reaches the inner store, in milliseconds (default 20). */
  latencyMs?: number;
}

/** What the wrapped store saw between two `mark()` calls (or since it was made). */
export interface RoundTripReport {
  /** Requests started, of every kind (a LIST page counts once; deleteMany counts once). */
  requests: number;
  /** The longest chain of requests each started after the previous one finished. */
  roundTrips: number;
  /** Most requests in flight at one time. */
  maxInFlight: number;
}

export class LatencyStore implements ObjectStore {
  readonly inner: ObjectStore;
  readonly latencyMs: number;
  /** The inner store's sweep of abandoned writes, when it has one. */
  readonly removeAbandonedWrites?: (olderThan: Date) => Promise<number>;
  /** The inner store's key-only listing, when it has one: one request, as `listDirectory` is. */
  readonly listKeys?: (prefix: string) => Promise<string[]>;
  private requestCount = 0;
  private deepestFinished = 0;
  private deepest = 0;
  private inFlight = 0;
  private maxInFlight = 0;

  constructor(inner: ObjectStore, options: LatencyStoreOptions = {}) {
    this.inner = inner;
    this.latencyMs = options.latencyMs ?? 20;
    if (inner.removeAbandonedWrites) this.removeAbandonedWrites = (olderThan) => inner.removeAbandonedWrites!(olderThan);
    if (inner.listKeys) this.listKeys = (prefix) => this.timed(() => inner.listKeys!(prefix));
  }

  get uri(): string {
    return this.inner.uri;
  }

  get requests(): RequestCounts {
    return this.inner.requests;
  }

  /** Returns what was measured since the last mark and starts a new measurement. */
  mark(): RoundTripReport {
    const report = this.report();
    this.requestCount = 0;
    this.deepestFinished = 0;
    this.deepest = 0;
    this.maxInFlight = this.inFlight;
    return report;
  }

  /** What was measured since the last mark, without resetting it. */
  report(): RoundTripReport {
    return { requests: this.requestCount, roundTrips: this.deepest, maxInFlight: this.maxInFlight };
  }

  get(key: string, range?: ByteRange): Promise<Uint8Array> {
    return this.timed(() => this.inner.get(key, range));
  }

  head(key: string): Promise<ObjectMeta | undefined> {
    return this.timed(() => this.inner.head(key));
  }

  put(key: string, data: Uint8Array): Promise<void> {
    return this.timed(() => this.inner.put(key, data));
  }

  putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    return this.timed(() => this.inner.putIfAbsent(key, data));
  }

  conditionalPutEnforced(): Promise<boolean> {
    return this.inner.conditionalPutEnforced();
  }

  /** A recursive listing: one round trip per page of up to 1,000 keys, as on S3. */
  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    const iterator = this.inner.list(prefix)[Symbol.asyncIterator]();
    for (;;) {
      const batch: ObjectMeta[] = [];
      const done = await this.timed(async () => {
        while (batch.length < 1000) {
          const next = await iterator.next();
          if (next.done) return true;
          batch.push(next.value);
        }
        return false;
      });
      yield* batch;
      if (done) return;
    }
  }

  listDirectory(prefix: string): Promise<DirectoryListing> {
    return this.timed(() => this.inner.listDirectory(prefix));
  }

  delete(key: string): Promise<void> {
    return this.timed(() => this.inner.delete(key));
  }

  deleteMany(keys: string[]): Promise<void> {
    if (keys.length === 0) return this.inner.deleteMany(keys);
    return this.timed(() => this.inner.deleteMany(keys));
  }

  private async timed<T>(call: () => Promise<T>): Promise<T> {
    const depth = this.deepestFinished + 1;
    this.requestCount++;
    this.deepest = Math.max(this.deepest, depth);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      return await call();
    } finally {
      this.inFlight--;
      this.deepestFinished = Math.max(this.deepestFinished, depth);
    }
  }
}

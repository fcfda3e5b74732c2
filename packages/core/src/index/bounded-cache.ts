// A cache of loaded values bounded by their bytes, least recently used evicted first. The key
// index keeps footers and key columns of immutable files in one each: a long-running writer
// touches every file the table ever had, so a count bound lets memory grow with the table.

export class BoundedCache<V> {
  private readonly entries = new Map<string, Promise<V>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(
    private maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** The bound in bytes. */
  get limit(): number {
    return this.maxBytes;
  }

  /** Sets the bound; what is held beyond it goes at once, least recently used first. */
  resize(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.evict();
  }

  /** Drops loaded entries, least recently used first, until the held bytes fit the bound; `newest` last of all. */
  private evict(newest?: string): void {
    for (const [old] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      if (old !== newest && this.sizes.has(old)) this.delete(old);
    }
    if (newest !== undefined && this.bytes > this.maxBytes) this.delete(newest);
  }

  /** Bytes held by the loaded values now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Caches a value known without loading it (replacing any entry of `key`). */
  put(key: string, value: V): void {
    if (this.entries.has(key)) {
      this.entries.delete(key);
      this.bytes -= this.sizes.get(key) ?? 0;
      this.sizes.delete(key);
    }
    void this.get(key, () => Promise.resolve(value));
  }

  /** Drops the entry of `key` (loaded or loading), if any: its value is known to be of no more use. */
  delete(key: string): void {
    if (!this.entries.delete(key)) return;
    this.bytes -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }

  /** The cached value of `key`, or what `load` gives (cached once it resolves; failures are not). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached) {
      // Recently used entries move to the back of the eviction order.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const entry = load();
    this.entries.set(key, entry);
    entry.then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        const size = this.sizeOf(value);
        this.sizes.set(key, size);
        this.bytes += size;
        this.evict(key);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry;
  }
}

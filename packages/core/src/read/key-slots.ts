// Record keys of a slice's log, each given a slot (0, 1, 2, ... in the order keys first appear),
// found by their UTF-8 bytes. Log rows and base rows carry their keys as bytes in an Arrow
// column; hashing those bytes costs far less than decoding a string per row and hashing that,
// and a merge-on-read read probes every base row's key, most of which miss.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  // Four bytes a step (keys are mostly 10 to 40 bytes), then the tail a byte at a time, then
  // murmur3's finalizer so low bits (the table) and high bits (the filter) both spread.
  let h = 0x811c9dc5 ^ (end - start);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    h = Math.imul(h ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)), 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class KeySlots {
  /** Open addressing: slot + 1 per bucket, 0 for empty; at most a quarter full (most probes miss). */
  private table = new Int32Array(64);
  private mask = 63;
  /** Key bytes of every slot, back to back; slot s is arena[offsets[s], offsets[s + 1]). */
  private arena = new Uint8Array(1024);
  private offsets = new Int32Array(65);
  /** Per slot, its key's hash: most colliding probes are told apart without comparing bytes. */
  private hashes = new Int32Array(64);
  /**
   * One bit per bucket pair of a second hash, set for every key: most probes of keys the log
   * does not hold stop at this bitmap, 16 to 64 bits a key and small enough to stay in cache,
   * without touching the larger table.
   */
  private filter = new Int32Array(8);
  private filterShift = 24;
  private count = 0;
  private scratch = new Uint8Array(256);
  private strings: Map<string, number> | undefined;

  /** How many keys have a slot. */
  get size(): number {
    return this.count;
  }

  /** The slot of the key whose UTF-8 bytes are `bytes[start, end)`, or -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end);
    const f = Math.imul(h, 0x9e3779b1) >>> this.filterShift;
    if ((this.filter[f >>> 5] & (1 << (f & 31))) === 0) return -1;
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const entry = this.table[at];
      if (entry === 0) return -1;
      if (this.hashes[entry - 1] === h && this.matches(entry - 1, bytes, start, end)) return entry - 1;
    }
  }

  /** The slot of the key `bytes[start, end)`, giving it the next slot (`size` before) if new. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end);
    let at = h & this.mask;
    for (; ; at = (at + 1) & this.mask) {
      const entry = this.table[at];
      if (entry === 0) break;
      if (this.hashes[entry - 1] === h && this.matches(entry - 1, bytes, start, end)) return entry - 1;
    }
    const slot = this.count++;
    this.store(slot, h, bytes, start, end);
    this.table[at] = slot + 1;
    this.mark(h);
    if (this.count * 4 > this.table.length) this.rehash();
    return slot;
  }

  /** `intern` by the key's text. */
  internString(key: string): number {
    const [bytes, length] = this.encode(key);
    return this.intern(bytes, 0, length);
  }

  /** The slot of a key given as text, or undefined. */
  get(key: string): number | undefined {
    // Lookups by text come from tables without a stored key column; decode every key once.
    if (!this.strings || this.strings.size !== this.count) {
      this.strings = new Map();
      for (let s = 0; s < this.count; s++) this.strings.set(decoder.decode(this.arena.subarray(this.offsets[s], this.offsets[s + 1])), s);
    }
    return this.strings.get(key);
  }

  private encode(key: string): [Uint8Array, number] {
    if (this.scratch.length < key.length) this.scratch = new Uint8Array(key.length * 2);
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c > 0x7f) {
        const bytes = encoder.encode(key);
        return [bytes, bytes.length];
      }
      this.scratch[i] = c;
    }
    return [this.scratch, key.length];
  }

  private store(slot: number, h: number, bytes: Uint8Array, start: number, end: number): void {
    if (slot >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const offsets = new Int32Array(hashes.length + 1);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    const from = this.offsets[slot];
    const to = from + end - start;
    if (to > this.arena.length) {
      const arena = new Uint8Array(Math.max(to, this.arena.length * 2));
      arena.set(this.arena.subarray(0, from));
      this.arena = arena;
    }
    this.arena.set(bytes.subarray(start, end), from);
    this.offsets[slot + 1] = to;
    this.hashes[slot] = h;
  }

  private mark(h: number): void {
    const f = Math.imul(h, 0x9e3779b1) >>> this.filterShift;
    this.filter[f >>> 5] |= 1 << (f & 31);
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    // four filter bits per bucket: 16 per key right after growing, 64 just before the next
    this.filter = new Int32Array(size / 8);
    this.filterShift = 32 - Math.log2(size * 4);
    for (let slot = 0; slot < this.count; slot++) {
      let at = this.hashes[slot] & this.mask;
      while (this.table[at] !== 0) at = (at + 1) & this.mask;
      this.table[at] = slot + 1;
      this.mark(this.hashes[slot]);
    }
  }

  private matches(slot: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.offsets[slot];
    if (this.offsets[slot + 1] - from !== end - start) return false;
    const arena = this.arena;
    for (let i = start; i < end; i++) if (arena[from + i - start] !== bytes[i]) return false;
    return true;
  }
}

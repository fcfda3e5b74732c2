// Finds record keys given as UTF-8 bytes among a set of keys, without making a string per probe.
// A merge-on-read read probes every base row's key against the few keys its logs touched: most
// probes miss, and hashing a key's bytes costs far less than decoding it into a string.

const encoder = new TextEncoder();

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  // FNV-1a, 32 bits: cheap and spreads short ASCII keys well.
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h | 0;
}

export class KeyBytesIndex {
  /** Open addressing: slot + 1 per bucket, 0 for empty; at most a quarter full. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly keyBytes: Uint8Array[] = [];
  /** Per slot, its key's hash: most colliding probes are told apart without comparing bytes. */
  private readonly hashes: Int32Array;

  /** `keys` maps each key to its slot, which `find` returns. */
  constructor(keys: ReadonlyMap<string, number>) {
    let size = 16;
    while (size < keys.size * 4) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    let slots = 0;
    for (const slot of keys.values()) slots = Math.max(slots, slot + 1);
    this.hashes = new Int32Array(slots);
    for (const [key, slot] of keys) {
      const bytes = encoder.encode(key);
      this.keyBytes[slot] = bytes;
      const h = hashBytes(bytes, 0, bytes.length);
      this.hashes[slot] = h;
      let at = h & this.mask;
      while (this.table[at] !== 0) at = (at + 1) & this.mask;
      this.table[at] = slot + 1;
    }
  }

  /** The slot of the key whose UTF-8 bytes are `bytes[start, end)`, or -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end);
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const entry = this.table[at];
      if (entry === 0) return -1;
      if (this.hashes[entry - 1] === h && this.matches(entry - 1, bytes, start, end)) return entry - 1;
    }
  }

  private matches(slot: number, bytes: Uint8Array, start: number, end: number): boolean {
    const key = this.keyBytes[slot];
    if (key.length !== end - start) return false;
    for (let i = 0; i < key.length; i++) if (key[i] !== bytes[start + i]) return false;
    return true;
  }
}

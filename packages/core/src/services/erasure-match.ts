// How an erasure recognises the values it erases without keeping them: a salted sha256 of each
// value decides equality, and a salted 32-bit rolling fingerprint per value lets a scan find a
// value's bytes inside any text or byte array (record keys, timeline files, quarantined records)
// in one pass, confirming each candidate with the sha256. Proof records keep only these.
//
// Inside text a value counts where it stands as a whole token (`KEYUSER-007` in `KEYUSER-007#7`,
// not `u1` in `u10`). Values that are plain numbers are only ever compared whole: their digits
// occur in every instant time and count of the timeline.

import { sha256Hex } from '../util/sha256.js';

/** Salted fingerprints of the values: by UTF-8 length, their rolling hashes. */
export interface ErasureFingerprints {
  multiplier: number;
  /** Values searched for inside text and bytes. */
  byLength: Record<string, number[]>;
  /** Plain numbers (and the empty string): compared whole only. */
  numbers?: Record<string, number[]>;
}

export function valueHash(salt: string, value: string): string {
  return sha256Hex(salt + value);
}

function isPlainNumber(value: string): boolean {
  return /^[+-]?\d+(\.\d+)?$/.test(value);
}

function multiplierOf(salt: string): number {
  return (parseInt(salt.slice(0, 8), 16) | 1) >>> 0;
}

function rollingHash(bytes: Uint8Array, start: number, end: number, multiplier: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, multiplier) + bytes[i]) >>> 0;
  return h;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function fingerprintsOf(salt: string, values: readonly string[]): ErasureFingerprints {
  const multiplier = multiplierOf(salt);
  const byLength: Record<string, number[]> = {};
  const numbers: Record<string, number[]> = {};
  for (const v of values) {
    const bytes = encoder.encode(v);
    const list = ((v.length === 0 || isPlainNumber(v) ? numbers : byLength)[bytes.length] ??= []);
    const h = rollingHash(bytes, 0, bytes.length, multiplier);
    if (!list.includes(h)) list.push(h);
  }
  for (const list of [...Object.values(byLength), ...Object.values(numbers)]) list.sort((a, b) => a - b);
  return { multiplier, byLength, numbers };
}

/** ASCII letters and digits, and every byte of a multi-byte UTF-8 character. */
function isWordByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b >= 0x80;
}

/** Fingerprints of one UTF-8 length, ready for a rolling search. */
interface Windows {
  length: number;
  /** multiplier^(length-1): takes the byte leaving the window out of the hash. */
  pow: number;
  hashes: Set<number>;
  /** The low 16 bits of each fingerprint: one array read rules out nearly every position. */
  low: Uint8Array;
}

function windowsOf(multiplier: number, lists: Iterable<[number, Iterable<number>]>): Windows[] {
  const byLength = new Map<number, Set<number>>();
  for (const [length, list] of lists) {
    const set = byLength.get(length) ?? new Set<number>();
    for (const h of list) set.add(h);
    byLength.set(length, set);
  }
  return [...byLength].map(([length, hashes]) => {
    let pow = 1;
    for (let i = 1; i < length; i++) pow = Math.imul(pow, multiplier) >>> 0;
    const low = new Uint8Array(65536);
    for (const h of hashes) low[h & 0xffff] = 1;
    return { length, pow, hashes, low };
  });
}

/**
 * Calls `at(i)` for each start i of a window of bytes[start, end) whose rolling hash is one of
 * `w`'s fingerprints, in order, until `at` returns true; returns whether it did.
 */
function someWindow(bytes: Uint8Array, start: number, end: number, w: Windows, multiplier: number, at: (i: number) => boolean): boolean {
  const { length, pow, hashes, low } = w;
  if (end - start < length) return false;
  let h = rollingHash(bytes, start, start + length, multiplier);
  for (let i = start; ; i++) {
    if (low[h & 0xffff] === 1 && hashes.has(h) && at(i)) return true;
    if (i + length >= end) return false;
    h = (Math.imul((h - Math.imul(bytes[i], pow)) >>> 0, multiplier) + bytes[i + length]) >>> 0;
  }
}

/** Recognises erased values by their salted hashes and fingerprints. */
export class ValueMatcher {
  private readonly seen = new Map<string, boolean>();
  /** Values searched for inside text and bytes. */
  private readonly lengths: Windows[];
  private readonly multiplier: number;
  /** Fingerprints of every value by UTF-8 length; undefined for records made without them. */
  private readonly whole: Map<number, Set<number>> | undefined;
  /** The same, for a rolling search (see mayOccurIn). */
  private readonly wholeWindows: Windows[] | undefined;
  private scratch = new Uint8Array(256);

  constructor(
    private readonly salt: string,
    private readonly hashes: ReadonlySet<string>,
    fingerprints: ErasureFingerprints | undefined,
  ) {
    this.multiplier = fingerprints?.multiplier ?? 1;
    const entries = (r: Record<string, number[]> | undefined): [number, number[]][] => Object.entries(r ?? {}).map(([len, list]) => [Number(len), list]);
    this.lengths = windowsOf(this.multiplier, entries(fingerprints?.byLength));
    if (fingerprints?.numbers) {
      this.wholeWindows = windowsOf(this.multiplier, [...entries(fingerprints.byLength), ...entries(fingerprints.numbers)]);
      this.whole = new Map(this.wholeWindows.map((w) => [w.length, w.hashes]));
    }
  }

  /** `text` as UTF-8 in the scratch buffer; returns its byte length. */
  private encode(text: string): number {
    if (text.length * 3 > this.scratch.length) this.scratch = new Uint8Array(text.length * 3);
    return encoder.encodeInto(text, this.scratch).written;
  }

  /** Whether a decoded cell equals an erased value. */
  equals(v: unknown): boolean {
    if (v === null || v === undefined || typeof v === 'object') return false;
    const s = String(v);
    if (this.whole) {
      // The fingerprint rules out nearly every value without a sha256.
      const n = this.encode(s);
      if (!this.whole.get(n)?.has(rollingHash(this.scratch, 0, n, this.multiplier))) return false;
    }
    // A user's rows repeat the value: one sha256 per distinct value, not per row.
    let hit = this.seen.get(s);
    if (hit === undefined) {
      hit = this.hashes.has(valueHash(this.salt, s));
      if (this.seen.size > 1_000_000) this.seen.clear();
      this.seen.set(s, hit);
    }
    return hit;
  }

  /** Whether a record key is an erased value or holds one as a token. */
  inKey(key: unknown): boolean {
    return (typeof key === 'string' && this.inText(key)) || this.equals(key);
  }

  /** Whether text holds an erased value (not a plain number) as a token. */
  inText(text: string): boolean {
    if (this.lengths.length === 0 || text.length === 0) return false;
    return this.countInBytes(this.scratch, 0, this.encode(text), 1) > 0;
  }

  /**
   * Whether bytes[start, end) may hold an erased value anywhere: false only when no window of any
   * value's length has any value's fingerprint, so no text cut from these bytes (a record key
   * among a column's concatenated values) holds a value as a token or equals one. True when the
   * matcher has no fingerprints of whole values (records made before them) or erases the empty
   * string: the caller then checks piece by piece.
   */
  mayOccurIn(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    if (!this.wholeWindows) return true;
    return this.wholeWindows.some((w) => w.length === 0 || someWindow(bytes, start, end, w, this.multiplier, () => true));
  }

  /** Occurrences of erased values as tokens in bytes[start, end), up to `limit`. */
  countInBytes(bytes: Uint8Array, start = 0, end = bytes.length, limit = Infinity): number {
    let found = 0;
    for (const w of this.lengths) {
      if (someWindow(bytes, start, end, w, this.multiplier, (i) => this.confirm(bytes, i, w.length, start, end) && ++found >= limit)) return found;
    }
    return found;
  }

  private confirm(bytes: Uint8Array, at: number, length: number, start: number, end: number): boolean {
    if (isWordByte(bytes[at]) && at > start && isWordByte(bytes[at - 1])) return false;
    if (isWordByte(bytes[at + length - 1]) && at + length < end && isWordByte(bytes[at + length])) return false;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(at, at + length));
    } catch {
      return false;
    }
    return this.hashes.has(valueHash(this.salt, text));
  }
}

// Building one row group's split-block bloom filter from precomputed hashes: how big it must be
// (from an estimate of the distinct values it will hold, not the row count: a column with a few
// dozen values repeated over a million rows needs bytes, not megabytes) and the insert loop over
// typed arrays. Also how many rows a row group of a file with filters gets by default.

import { bloomFilterBytes, newBloom, type SplitBlockBloom } from './split-block-bloom.js';

const SALT = new Uint32Array([0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31]);

/**
 * Distinct values among rows [from, to) by linear counting over the hashes' low bits (a bitmap
 * at least twice the row count, so the estimate stays within a few percent), rounded up; never
 * above the number of non-null rows.
 */
export function estimateDistinct(halves: Uint32Array, valid: Uint8Array, from: number, to: number): number {
  let rows = 0;
  for (let i = from; i < to; i++) rows += valid[i];
  if (rows <= 1) return rows;
  let bits = 64;
  while (bits < 2 * rows) bits *= 2;
  const map = new Uint32Array(bits >>> 5);
  const mask = bits - 1;
  for (let i = from; i < to; i++) {
    if (valid[i] === 0) continue;
    // the high half: the low half also picks the bits a value sets inside its block
    const b = halves[2 * i + 1] & mask;
    map[b >>> 5] |= 1 << (b & 31);
  }
  let set = 0;
  for (let w = 0; w < map.length; w++) {
    let v = map[w];
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    set += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  if (set === bits) return rows;
  return Math.min(rows, Math.ceil(-bits * Math.log((bits - set) / bits)));
}

/** A filter for rows [from, to), sized for `ndv` distinct values at `fpp`. */
export function buildRowGroupBloom(halves: Uint32Array, valid: Uint8Array, from: number, to: number, ndv: number, fpp: number): SplitBlockBloom {
  const filter = newBloom(bloomFilterBytes(ndv, fpp));
  const words = filter.words;
  const blocks = words.length >>> 3;
  for (let i = from; i < to; i++) {
    if (valid[i] === 0) continue;
    const hi = halves[2 * i + 1];
    const lo = halves[2 * i];
    // the block: high half times the block count, shifted down 32 (exact in doubles)
    const at = Math.floor((hi * blocks) / 4294967296) << 3;
    words[at] |= 1 << (Math.imul(lo, SALT[0]) >>> 27);
    words[at + 1] |= 1 << (Math.imul(lo, SALT[1]) >>> 27);
    words[at + 2] |= 1 << (Math.imul(lo, SALT[2]) >>> 27);
    words[at + 3] |= 1 << (Math.imul(lo, SALT[3]) >>> 27);
    words[at + 4] |= 1 << (Math.imul(lo, SALT[4]) >>> 27);
    words[at + 5] |= 1 << (Math.imul(lo, SALT[5]) >>> 27);
    words[at + 6] |= 1 << (Math.imul(lo, SALT[6]) >>> 27);
    words[at + 7] |= 1 << (Math.imul(lo, SALT[7]) >>> 27);
  }
  return filter;
}

/**
 * Fewest rows a row group of a file with filters gets by default. Each row group costs the
 * encoder a fixed amount (new dictionaries and compressor state for every column): cutting a
 * 33,000-row file into 8 groups of 4,125 rows made encoding it about a fifth slower, more than the
 * filters themselves; groups of 32,768 rows and up keep that within a percent or two.
 */
const BLOOM_MIN_ROW_GROUP_ROWS = 32_768;
/** Most rows a row group of a file with filters gets by default. */
const BLOOM_MAX_ROW_GROUP_ROWS = 131_072;
/** Row groups a file with filters is cut into by default (fewer when it is small). */
const BLOOM_ROW_GROUPS_PER_FILE = 8;

/**
 * Rows per row group of a `rows`-row file with bloom filters when the caller sets none. A filter
 * answers per row group, and a "maybe" means reading the column chunk of the whole group: a file
 * written as one row group (the encoder's default is a million rows, about a whole base file)
 * makes every hit read the file's whole column. Cutting it into a handful of evenly sized groups
 * makes a hit read an eighth of it, for a few more footer entries; the filters' total size stays
 * about the same, as each is sized for its own rows. Files under twice the minimum group stay
 * one group: a hit reads their whole column, which is small.
 */
export function bloomRowGroupRows(rows: number): number {
  const groups = Math.max(1, Math.min(BLOOM_ROW_GROUPS_PER_FILE, Math.floor(rows / BLOOM_MIN_ROW_GROUP_ROWS)));
  let per = Math.ceil(rows / groups);
  if (per > BLOOM_MAX_ROW_GROUP_ROWS) per = Math.ceil(rows / Math.ceil(rows / BLOOM_MAX_ROW_GROUP_ROWS));
  return Math.max(1, per);
}

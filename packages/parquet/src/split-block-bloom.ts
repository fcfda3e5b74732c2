// The Parquet format's split-block bloom filter (SBBF): 32-byte blocks of eight little-endian
// 32-bit words. The high half of a value's xxHash64 picks the block, the low half sets one bit
// in each word through eight fixed salts. A "no" is exact, a "maybe" is wrong with about the
// false-positive probability the filter was sized for.

const SALT = new Uint32Array([0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31]);

const MIN_BLOOM_BYTES = 32;
const MAX_BLOOM_BYTES = 128 * 1024 * 1024;
export const DEFAULT_BLOOM_FPP = 0.01;

/** A filter's words (8 per block), the bitset's bytes read as little-endian uint32s. */
export interface SplitBlockBloom {
  words: Uint32Array;
}

/**
 * Bitset size for `ndv` distinct values at false-positive probability `fpp`, as parquet-mr sizes
 * it: the optimal bit count for eight hash functions, rounded up to a power of two and kept
 * between 32 bytes and 128 MiB.
 */
export function bloomFilterBytes(ndv: number, fpp: number = DEFAULT_BLOOM_FPP): number {
  if (!(fpp > 0 && fpp < 1)) throw new RangeError(`false-positive probability must be between 0 and 1 (exclusive), got ${fpp}`);
  const n = Math.max(0, ndv);
  const bits = (-8 * n) / Math.log(1 - Math.pow(fpp, 1 / 8));
  let bytes = Math.floor(bits / 8);
  if (bytes > MAX_BLOOM_BYTES) bytes = MAX_BLOOM_BYTES;
  if (bytes < MIN_BLOOM_BYTES) bytes = MIN_BLOOM_BYTES;
  // next power of two (a power of two stays as it is)
  let pow = MIN_BLOOM_BYTES;
  while (pow < bytes) pow *= 2;
  return pow;
}

export function newBloom(numBytes: number): SplitBlockBloom {
  if (!Number.isSafeInteger(numBytes) || numBytes < MIN_BLOOM_BYTES || numBytes % 32 !== 0) {
    throw new RangeError(`a split-block bloom filter needs a positive multiple of 32 bytes, got ${numBytes}`);
  }
  return { words: new Uint32Array(numBytes / 4) };
}

// The high 32 bits times the block count, shifted down 32: exact in doubles (2^32 * 2^22 < 2^53).
function blockOffset(hi: number, words: Uint32Array): number {
  return Math.floor((hi * (words.length >>> 3)) / 4294967296) << 3;
}

/** Inserts a hash given as its high and low 32 bits (no BigInt arithmetic per value). */
/** Adds a value's 64-bit hash. */
export function bloomInsert(filter: SplitBlockBloom, hash: bigint): void {
  bloomInsertHalves(filter, Number(BigInt.asUintN(64, hash) >> 32n), Number(BigInt.asUintN(32, hash)));
}

function bloomInsertHalves(filter: SplitBlockBloom, hi: number, lo: number): void {
  const { words } = filter;
  const at = blockOffset(hi, words);
  for (let i = 0; i < 8; i++) words[at + i] |= 1 << (Math.imul(lo, SALT[i]) >>> 27);
}

export function bloomMightContain(filter: SplitBlockBloom, hash: bigint): boolean {
  const { words } = filter;
  const at = blockOffset(Number(BigInt.asUintN(64, hash) >> 32n), words);
  const key = Number(BigInt.asUintN(32, hash));
  for (let i = 0; i < 8; i++) {
    if ((words[at + i] & (1 << (Math.imul(key, SALT[i]) >>> 27))) === 0) return false;
  }
  return true;
}

/** The bitset as bytes (words little-endian, whatever the platform's byte order). */
export function bloomBitset(filter: SplitBlockBloom): Uint8Array {
  const out = new Uint8Array(filter.words.length * 4);
  const view = new DataView(out.buffer);
  filter.words.forEach((w, i) => view.setUint32(i * 4, w, true));
  return out;
}

export function bloomFromBitset(bytes: Uint8Array): SplitBlockBloom {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = new Uint32Array(bytes.length >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(i * 4, true);
  return { words };
}

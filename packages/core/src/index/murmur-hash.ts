// Hadoop's MurmurHash (MurmurHash2, 32-bit) exactly as Hadoop and Hudi compute it for bloom filters,
// including Java's sign extension of the trailing bytes, so bit positions match Spark-written filters.

const M = 0x5bd1e995;

/** 32-bit Murmur hash of `data` with `seed`, identical to Hadoop's `MurmurHash.hash(byte[], int)`. */
export function murmurHash(data: Uint8Array, seed: number): number {
  const length = data.length;
  let h = (seed ^ length) | 0;
  const len4 = length >> 2;
  for (let i = 0; i < len4; i++) {
    const i4 = i << 2;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const left = length - (len4 << 2);
  if (left !== 0) {
    // Java reads `byte` as signed, so a tail byte >= 0x80 sets the high bits of the mixed word.
    if (left >= 3) h ^= signed(data[length - 3]) << 16;
    if (left >= 2) h ^= signed(data[length - 2]) << 8;
    h ^= signed(data[length - 1]);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

function signed(byte: number): number {
  return (byte << 24) >> 24;
}

/**
 * Hadoop's chain of hashes for one key (`data[start..end)`): hash i is `murmurHash(key, hash i-1)`,
 * starting from seed 0, each reduced to `abs(hash % modulo)`. The mixing of the key's 4-byte words
 * does not depend on the seed, so it is done once for the whole chain; only the combining step
 * repeats.
 */
export function murmurHashChain(data: Uint8Array, count: number, modulo: number, out: Int32Array, start = 0, end = data.length): void {
  const length = end - start;
  const len4 = length >> 2;
  const words = wordScratch(len4);
  for (let i = 0; i < len4; i++) {
    const i4 = start + (i << 2);
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    words[i] = Math.imul(k, M);
  }
  const left = length - (len4 << 2);
  let tail = 0;
  if (left >= 3) tail ^= signed(data[end - 3]) << 16;
  if (left >= 2) tail ^= signed(data[end - 2]) << 8;
  if (left >= 1) tail ^= signed(data[end - 1]);
  let seed = 0;
  for (let n = 0; n < count; n++) {
    let h = (seed ^ length) | 0;
    for (let i = 0; i < len4; i++) h = Math.imul(h, M) ^ words[i];
    if (left !== 0) h = Math.imul(h ^ tail, M);
    h ^= h >>> 13;
    h = Math.imul(h, M);
    h ^= h >>> 15;
    seed = h | 0;
    out[n] = Math.abs(seed % modulo);
  }
}

let words = new Int32Array(64);

function wordScratch(n: number): Int32Array {
  if (words.length < n) words = new Int32Array(Math.max(n, words.length * 2));
  return words;
}

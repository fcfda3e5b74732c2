// A small HyperLogLog for approximate count distinct: 2^12 one-byte registers per sketch
// (about 1.6% standard error), fed with 64 bits of hash per value.

const P = 12;
const M = 1 << P;

/** Two independent 32-bit hashes of a string (murmur-style mixing). */
function hash64(s: string): [number, number] {
  let h1 = 0x9747b28c ^ s.length;
  let h2 = 0x85ebca6b ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x5bd1e995);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 ^ c, 0x27d4eb2d);
    h2 ^= h2 >>> 13;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x7feb352d);
  h1 ^= h1 >>> 15;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x846ca68b) ^ h1;
  h2 ^= h2 >>> 16;
  h2 = Math.imul(h2, 0x45d9f3b);
  h2 ^= h2 >>> 16;
  return [h1 >>> 0, h2 >>> 0];
}

export interface HyperLogLog {
  add(value: string): void;
  merge(other: HyperLogLog): void;
  estimate(): number;
  readonly registers: Uint8Array;
}

export function createHyperLogLog(): HyperLogLog {
  const registers = new Uint8Array(M);
  return {
    registers,
    add(value) {
      const [h1, h2] = hash64(value);
      const index = h1 >>> (32 - P);
      // rank: leading zeros of the other hash, plus one
      const rank = Math.clz32(h2) + 1;
      if (rank > registers[index]) registers[index] = rank;
    },
    merge(other) {
      for (let i = 0; i < M; i++) if (other.registers[i] > registers[i]) registers[i] = other.registers[i];
    },
    estimate() {
      let sum = 0;
      let zeros = 0;
      for (let i = 0; i < M; i++) {
        sum += 2 ** -registers[i];
        if (registers[i] === 0) zeros++;
      }
      const alpha = 0.7213 / (1 + 1.079 / M);
      const raw = (alpha * M * M) / sum;
      // small cardinalities: linear counting is more accurate
      if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
      return Math.round(raw);
    },
  };
}

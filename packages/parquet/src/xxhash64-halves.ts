// xxHash64 (seed 0) of a byte range in plain 32-bit arithmetic, the result written as two 32-bit
// halves. Filling a bloom filter hashes every value of a column: calling the WebAssembly hash
// once per value copies the bytes into its memory and allocates two BigInts per result, which
// costs several percent of encoding the file. Here every 64-bit quantity is a pair of local
// numbers and every helper returns one number, so the loop allocates nothing and V8 inlines it.
// The WebAssembly hash (xxhash64.ts) stays the reference the tests compare against, and serves
// the one-off probe hashes.

// the five 64-bit primes of xxHash64, as high and low halves
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;
// -P1 mod 2^64, the fourth lane's seed
const NEG_P1H = ~P1H >>> 0, NEG_P1L = -P1L >>> 0;

/** High 32 bits of the 64-bit product of two unsigned 32-bit numbers (16-bit limbs: every partial product is exact). */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const m1 = a1 * b0;
  const m2 = a0 * b1;
  const carry = ((m1 & 0xffff) + (m2 & 0xffff) + ((a0 * b0) >>> 16)) >>> 16;
  return (a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + carry) >>> 0;
}

/** High half of (ah, al) * (bh, bl) mod 2^64; the low half is Math.imul(al, bl) >>> 0. */
function mulHi(ah: number, al: number, bh: number, bl: number): number {
  return (mulHigh32(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** Carry out of adding two low halves. */
function carry(al: number, bl: number): number {
  return al + bl > 0xffffffff ? 1 : 0;
}

function read32(bytes: Uint8Array, p: number): number {
  return (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0;
}

/**
 * xxHash64 (seed 0) of bytes[from, to), written to out[at] (low half) and out[at + 1] (high
 * half): the layout bloom-build.ts reads.
 */
export function xxhash64Into(bytes: Uint8Array, from: number, to: number, out: Uint32Array, at: number): void {
  const len = to - from;
  let p = from;
  let h: number, l: number;
  // scratch halves: x = a lane or product, y = a sum, r = a rotation
  let xh: number, xl: number, yh: number, yl: number, rh: number, rl: number;
  if (len >= 32) {
    let v1h = (P1H + P2H + carry(P1L, P2L)) >>> 0, v1l = (P1L + P2L) >>> 0;
    let v2h = P2H, v2l = P2L;
    let v3h = 0, v3l = 0;
    let v4h = NEG_P1H, v4l = NEG_P1L;
    for (const limit = to - 32; p <= limit; p += 32) {
      // v = rotl(v + lane * P2, 31) * P1, for each of the four lanes
      xl = read32(bytes, p); xh = read32(bytes, p + 4);
      yh = mulHi(xh, xl, P2H, P2L); yl = Math.imul(xl, P2L) >>> 0;
      rh = (v1h + yh + carry(v1l, yl)) >>> 0; rl = (v1l + yl) >>> 0;
      yh = ((rh << 31) | (rl >>> 1)) >>> 0; yl = ((rl << 31) | (rh >>> 1)) >>> 0;
      v1h = mulHi(yh, yl, P1H, P1L); v1l = Math.imul(yl, P1L) >>> 0;

      xl = read32(bytes, p + 8); xh = read32(bytes, p + 12);
      yh = mulHi(xh, xl, P2H, P2L); yl = Math.imul(xl, P2L) >>> 0;
      rh = (v2h + yh + carry(v2l, yl)) >>> 0; rl = (v2l + yl) >>> 0;
      yh = ((rh << 31) | (rl >>> 1)) >>> 0; yl = ((rl << 31) | (rh >>> 1)) >>> 0;
      v2h = mulHi(yh, yl, P1H, P1L); v2l = Math.imul(yl, P1L) >>> 0;

      xl = read32(bytes, p + 16); xh = read32(bytes, p + 20);
      yh = mulHi(xh, xl, P2H, P2L); yl = Math.imul(xl, P2L) >>> 0;
      rh = (v3h + yh + carry(v3l, yl)) >>> 0; rl = (v3l + yl) >>> 0;
      yh = ((rh << 31) | (rl >>> 1)) >>> 0; yl = ((rl << 31) | (rh >>> 1)) >>> 0;
      v3h = mulHi(yh, yl, P1H, P1L); v3l = Math.imul(yl, P1L) >>> 0;

      xl = read32(bytes, p + 24); xh = read32(bytes, p + 28);
      yh = mulHi(xh, xl, P2H, P2L); yl = Math.imul(xl, P2L) >>> 0;
      rh = (v4h + yh + carry(v4l, yl)) >>> 0; rl = (v4l + yl) >>> 0;
      yh = ((rh << 31) | (rl >>> 1)) >>> 0; yl = ((rl << 31) | (rh >>> 1)) >>> 0;
      v4h = mulHi(yh, yl, P1H, P1L); v4l = Math.imul(yl, P1L) >>> 0;
    }
    // h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)
    h = ((v1h << 1) | (v1l >>> 31)) >>> 0; l = ((v1l << 1) | (v1h >>> 31)) >>> 0;
    rh = ((v2h << 7) | (v2l >>> 25)) >>> 0; rl = ((v2l << 7) | (v2h >>> 25)) >>> 0;
    h = (h + rh + carry(l, rl)) >>> 0; l = (l + rl) >>> 0;
    rh = ((v3h << 12) | (v3l >>> 20)) >>> 0; rl = ((v3l << 12) | (v3h >>> 20)) >>> 0;
    h = (h + rh + carry(l, rl)) >>> 0; l = (l + rl) >>> 0;
    rh = ((v4h << 18) | (v4l >>> 14)) >>> 0; rl = ((v4l << 18) | (v4h >>> 14)) >>> 0;
    h = (h + rh + carry(l, rl)) >>> 0; l = (l + rl) >>> 0;
    // merge each lane: h = (h ^ round(0, v)) * P1 + P4
    for (let i = 0; i < 4; i++) {
      const vh = i === 0 ? v1h : i === 1 ? v2h : i === 2 ? v3h : v4h;
      const vl = i === 0 ? v1l : i === 1 ? v2l : i === 2 ? v3l : v4l;
      yh = mulHi(vh, vl, P2H, P2L); yl = Math.imul(vl, P2L) >>> 0;
      rh = ((yh << 31) | (yl >>> 1)) >>> 0; rl = ((yl << 31) | (yh >>> 1)) >>> 0;
      xh = mulHi(rh, rl, P1H, P1L); xl = Math.imul(rl, P1L) >>> 0;
      xh = (h ^ xh) >>> 0; xl = (l ^ xl) >>> 0;
      yh = mulHi(xh, xl, P1H, P1L); yl = Math.imul(xl, P1L) >>> 0;
      h = (yh + P4H + carry(yl, P4L)) >>> 0; l = (yl + P4L) >>> 0;
    }
  } else {
    h = P5H;
    l = P5L;
  }
  // the length is under 2^32 (a JavaScript byte array): it adds to the low half
  h = (h + carry(l, len)) >>> 0;
  l = (l + len) >>> 0;
  for (; p + 8 <= to; p += 8) {
    // k = rotl(lane * P2, 31) * P1; h = rotl(h ^ k, 27) * P1 + P4
    xl = read32(bytes, p); xh = read32(bytes, p + 4);
    yh = mulHi(xh, xl, P2H, P2L); yl = Math.imul(xl, P2L) >>> 0;
    rh = ((yh << 31) | (yl >>> 1)) >>> 0; rl = ((yl << 31) | (yh >>> 1)) >>> 0;
    xh = mulHi(rh, rl, P1H, P1L); xl = Math.imul(rl, P1L) >>> 0;
    xh = (h ^ xh) >>> 0; xl = (l ^ xl) >>> 0;
    rh = ((xh << 27) | (xl >>> 5)) >>> 0; rl = ((xl << 27) | (xh >>> 5)) >>> 0;
    yh = mulHi(rh, rl, P1H, P1L); yl = Math.imul(rl, P1L) >>> 0;
    h = (yh + P4H + carry(yl, P4L)) >>> 0; l = (yl + P4L) >>> 0;
  }
  if (p + 4 <= to) {
    // h = rotl(h ^ (word * P1), 23) * P2 + P3
    xl = read32(bytes, p);
    xh = (h ^ mulHi(0, xl, P1H, P1L)) >>> 0; xl = (l ^ (Math.imul(xl, P1L) >>> 0)) >>> 0;
    rh = ((xh << 23) | (xl >>> 9)) >>> 0; rl = ((xl << 23) | (xh >>> 9)) >>> 0;
    yh = mulHi(rh, rl, P2H, P2L); yl = Math.imul(rl, P2L) >>> 0;
    h = (yh + P3H + carry(yl, P3L)) >>> 0; l = (yl + P3L) >>> 0;
    p += 4;
  }
  for (; p < to; p++) {
    // h = rotl(h ^ (byte * P5), 11) * P1
    xl = bytes[p];
    xh = (h ^ mulHi(0, xl, P5H, P5L)) >>> 0; xl = (l ^ (Math.imul(xl, P5L) >>> 0)) >>> 0;
    rh = ((xh << 11) | (xl >>> 21)) >>> 0; rl = ((xl << 11) | (xh >>> 21)) >>> 0;
    h = mulHi(rh, rl, P1H, P1L); l = Math.imul(rl, P1L) >>> 0;
  }
  // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
  l = (l ^ (h >>> 1)) >>> 0;
  yh = mulHi(h, l, P2H, P2L); yl = Math.imul(l, P2L) >>> 0;
  xh = (yh ^ (yh >>> 29)) >>> 0; xl = (yl ^ ((yl >>> 29) | (yh << 3))) >>> 0;
  h = mulHi(xh, xl, P3H, P3L); l = Math.imul(xl, P3L) >>> 0;
  out[at] = (l ^ h) >>> 0;
  out[at + 1] = h;
}

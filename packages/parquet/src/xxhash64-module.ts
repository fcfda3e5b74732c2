// A WebAssembly module that computes xxHash64 (seed 0) of many byte ranges in one call, built
// here from its instructions (no binary blob, no build step). Filling a bloom filter hashes every
// value of a column; in JavaScript each 64-bit multiply is four 16-bit ones, in WebAssembly it is
// one instruction, and one call hashes a whole run of values instead of one call (and a copy of
// the bytes, and BigInts) per value.
//
// Exports `hashRanges(offsets, n, out, bias)`: for i in [0, n), the hash of the bytes from
// offsets[i] + bias to offsets[i + 1] + bias (offsets: n + 1 little-endian int32 at `offsets`),
// stored as a little-endian uint64 at out + 8i. The memory is imported as `m.memory`.

// the five 64-bit primes of xxHash64
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

// opcodes used below
const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, CALL = 0x10;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22;
const I32_LOAD = 0x28, I64_LOAD = 0x29, I64_LOAD8_U = 0x31, I64_LOAD32_U = 0x35, I64_STORE = 0x37;
const I32_CONST = 0x41, I64_CONST = 0x42;
const I32_EQZ = 0x45, I32_GT_U = 0x4b, I32_LE_U = 0x4d, I32_GE_U = 0x4f;
const I32_ADD = 0x6a, I32_SUB = 0x6b;
const I64_ADD = 0x7c, I64_MUL = 0x7e, I64_XOR = 0x85, I64_SHR_U = 0x88, I64_ROTL = 0x89, I64_EXTEND_I32_U = 0xad;
const VOID = 0x40, I32 = 0x7f, I64 = 0x7e;

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 of a 64-bit value given as its unsigned bits. */
function sleb64(bits: bigint): number[] {
  let value = BigInt.asIntN(64, bits);
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    if ((value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const i64 = (bits: bigint): number[] => [I64_CONST, ...sleb64(bits)];
const i32 = (value: number): number[] => [I32_CONST, ...uleb(value)]; // small non-negative constants only
const get = (local: number): number[] => [LOCAL_GET, local];
const set = (local: number): number[] => [LOCAL_SET, local];
/** A memory access: alignment hint (log2) and a zero offset. */
const mem = (op: number, align: number): number[] => [op, align, 0];

// h64(p: i32, len: i32) -> i64; its locals after the two parameters
const P = 0, LEN = 1, END_ = 2, LIMIT = 3, V1 = 4, V2 = 5, V3 = 6, V4 = 7, H = 8;

/** Leaves rotl(acc + lane * P2, 31) * P1 on the stack, `acc` and `lane` being code that pushes them. */
function round(acc: number[], lane: number[]): number[] {
  return [...acc, ...lane, ...i64(P2), I64_MUL, I64_ADD, ...i64(31n), I64_ROTL, ...i64(P1), I64_MUL];
}

/** One 8-byte lane at p + at into v. */
function stripeLane(v: number, at: number): number[] {
  const lane = [...get(P), ...(at > 0 ? [...i32(at), I32_ADD] : []), ...mem(I64_LOAD, 3)];
  return [...round(get(v), lane), ...set(v)];
}

function mergeLane(v: number): number[] {
  // h = (h ^ round(0, v)) * P1 + P4
  return [...get(H), ...round(i64(0n), get(v)), I64_XOR, ...i64(P1), I64_MUL, ...i64(P4), I64_ADD, ...set(H)];
}

const rotated = (v: number, by: bigint): number[] => [...get(v), ...i64(by), I64_ROTL];
const advance = (by: number): number[] => [...get(P), ...i32(by), I32_ADD, ...set(P)];

const h64Body: number[] = [
  ...get(P), ...get(LEN), I32_ADD, ...set(END_),
  ...get(LEN), ...i32(32), I32_GE_U,
  IF, VOID,
  ...i64(P1 + P2), ...set(V1),
  ...i64(P2), ...set(V2),
  ...i64(0n), ...set(V3),
  ...i64(-P1), ...set(V4),
  ...get(END_), ...i32(32), I32_SUB, ...set(LIMIT),
  // 32-byte stripes while p <= end - 32 (at least one: len >= 32)
  LOOP, VOID,
  ...stripeLane(V1, 0), ...stripeLane(V2, 8), ...stripeLane(V3, 16), ...stripeLane(V4, 24),
  ...get(P), ...i32(32), I32_ADD, LOCAL_TEE, P,
  ...get(LIMIT), I32_LE_U, BR_IF, 0,
  END,
  ...rotated(V1, 1n), ...rotated(V2, 7n), I64_ADD, ...rotated(V3, 12n), I64_ADD, ...rotated(V4, 18n), I64_ADD, ...set(H),
  ...mergeLane(V1), ...mergeLane(V2), ...mergeLane(V3), ...mergeLane(V4),
  ELSE,
  ...i64(P5), ...set(H),
  END,
  ...get(H), ...get(LEN), I64_EXTEND_I32_U, I64_ADD, ...set(H),
  // 8-byte steps: h = rotl(h ^ round(0, lane), 27) * P1 + P4
  BLOCK, VOID, LOOP, VOID,
  ...get(P), ...i32(8), I32_ADD, ...get(END_), I32_GT_U, BR_IF, 1,
  ...get(H), ...round(i64(0n), [...get(P), ...mem(I64_LOAD, 3)]), I64_XOR, ...i64(27n), I64_ROTL, ...i64(P1), I64_MUL, ...i64(P4), I64_ADD, ...set(H),
  ...advance(8),
  BR, 0,
  END, END,
  // a 4-byte step: h = rotl(h ^ (word * P1), 23) * P2 + P3
  ...get(P), ...i32(4), I32_ADD, ...get(END_), I32_LE_U,
  IF, VOID,
  ...get(H), ...get(P), ...mem(I64_LOAD32_U, 2), ...i64(P1), I64_MUL, I64_XOR, ...i64(23n), I64_ROTL, ...i64(P2), I64_MUL, ...i64(P3), I64_ADD, ...set(H),
  ...advance(4),
  END,
  // 1-byte steps: h = rotl(h ^ (byte * P5), 11) * P1
  BLOCK, VOID, LOOP, VOID,
  ...get(P), ...get(END_), I32_GE_U, BR_IF, 1,
  ...get(H), ...get(P), ...mem(I64_LOAD8_U, 0), ...i64(P5), I64_MUL, I64_XOR, ...i64(11n), I64_ROTL, ...i64(P1), I64_MUL, ...set(H),
  ...advance(1),
  BR, 0,
  END, END,
  // avalanche
  ...get(H), ...get(H), ...i64(33n), I64_SHR_U, I64_XOR, ...i64(P2), I64_MUL, ...set(H),
  ...get(H), ...get(H), ...i64(29n), I64_SHR_U, I64_XOR, ...i64(P3), I64_MUL, ...set(H),
  ...get(H), ...get(H), ...i64(32n), I64_SHR_U, I64_XOR,
  END,
];

// hashRanges(offsets: i32, n: i32, out: i32, bias: i32); no locals beyond its parameters
const OFFSETS = 0, N = 1, OUT = 2, BIAS = 3;
const hashRangesBody: number[] = [
  BLOCK, VOID,
  ...get(N), I32_EQZ, BR_IF, 0,
  LOOP, VOID,
  ...get(OUT),
  ...get(OFFSETS), ...mem(I32_LOAD, 2), ...get(BIAS), I32_ADD,
  ...get(OFFSETS), ...i32(4), I32_ADD, ...mem(I32_LOAD, 2), ...get(OFFSETS), ...mem(I32_LOAD, 2), I32_SUB,
  CALL, 0,
  ...mem(I64_STORE, 3),
  ...get(OUT), ...i32(8), I32_ADD, ...set(OUT),
  ...get(OFFSETS), ...i32(4), I32_ADD, ...set(OFFSETS),
  ...get(N), ...i32(1), I32_SUB, LOCAL_TEE, N,
  BR_IF, 0,
  END, END,
  END,
];

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

function functionBody(locals: number[][], code: number[]): number[] {
  const body = [...vec(locals), ...code];
  return [...uleb(body.length), ...body];
}

/** The module's bytes. */
export function xxhash64ModuleBytes(): Uint8Array {
  const types = vec([
    [0x60, ...vec([[I32], [I32]]), ...vec([[I64]])],
    [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([])],
  ]);
  const imports = vec([[...name('m'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]);
  const functions = vec([[0], [1]]);
  const exports = vec([[...name('hashRanges'), 0x00, 1]]);
  const code = vec([
    functionBody([[2, I32], [5, I64]], h64Body),
    functionBody([], hashRangesBody),
  ]);
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

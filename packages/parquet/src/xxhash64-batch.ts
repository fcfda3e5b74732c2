// xxHash64 (seed 0) of every value of an Arrow string or binary column at once, through the
// WebAssembly module of xxhash64-module.ts: the values' bytes and offsets are copied into its
// memory a run of rows at a time and the hashes come back as 32-bit halves, the layout
// bloom-build.ts reads. The module's memory is kept between calls and stays small: a run holds at
// most RUN_ROWS rows and about RUN_BYTES bytes of values.

import { xxhash64ModuleBytes } from './xxhash64-module.js';

const RUN_ROWS = 16_384;
const RUN_BYTES = 1 << 20;
const PAGE = 65_536;

// the few WebAssembly declarations used (the package is typed without DOM or Node libraries)
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

interface Hasher {
  memory: WasmMemory;
  hashRanges: (offsets: number, n: number, out: number, bias: number) => void;
}

let hasher: Hasher | undefined;

function instance(): Hasher {
  if (hasher) return hasher;
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const memory = new wasm.Memory({ initial: 1 });
  const module = new wasm.Module(xxhash64ModuleBytes());
  const exports = new wasm.Instance(module, { m: { memory } }).exports as { hashRanges: Hasher['hashRanges'] };
  hasher = { memory, hashRanges: exports.hashRanges };
  return hasher;
}

/** The memory grown to at least `bytes`. */
function reserve(h: Hasher, bytes: number): void {
  const have = h.memory.buffer.byteLength;
  if (have < bytes) h.memory.grow(Math.ceil((bytes - have) / PAGE));
}

/**
 * Hashes of values [0, n) of an Arrow variable-width column into halves[2 * (first + i)] (low)
 * and halves[2 * (first + i) + 1] (high): value i is bytes[offsets[i], offsets[i + 1]). Null
 * slots are hashed too (as whatever bytes their offsets span); the caller ignores them.
 */
export function xxhash64Ranges(bytes: Uint8Array, offsets: Int32Array | BigInt64Array, n: number, halves: Uint32Array, first: number): void {
  const h = instance();
  const wide = offsets instanceof BigInt64Array;
  const at = (i: number): number => (wide ? Number((offsets as BigInt64Array)[i]) : (offsets as Int32Array)[i]);
  for (let from = 0; from < n; ) {
    // a run: up to RUN_ROWS rows, and no more bytes than RUN_BYTES unless one value alone is larger
    const start = at(from);
    let to = Math.min(n, from + RUN_ROWS);
    if (at(to) - start > RUN_BYTES) {
      let lo = from + 1;
      let hi = to;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (at(mid) - start <= RUN_BYTES) lo = mid;
        else hi = mid - 1;
      }
      to = lo;
    }
    const rows = to - from;
    const span = at(to) - start;
    // layout: offsets (4 bytes a row, plus one), then hashes (8-byte aligned), then the values
    const offsetsAt = 0;
    const outAt = (4 * (rows + 1) + 7) & ~7;
    const bytesAt = outAt + 8 * rows;
    reserve(h, bytesAt + span);
    const buffer = h.memory.buffer;
    const ints = new Int32Array(buffer, offsetsAt, rows + 1);
    if (wide) {
      for (let i = 0; i <= rows; i++) ints[i] = at(from + i) - start;
    } else {
      ints.set((offsets as Int32Array).subarray(from, to + 1));
    }
    new Uint8Array(buffer, bytesAt, span).set(bytes.subarray(start, start + span));
    // the offsets are copied as they are (relative ones for 64-bit offsets): bias maps them into memory
    h.hashRanges(offsetsAt, rows, outAt, wide ? bytesAt : bytesAt - start);
    halves.set(new Uint32Array(buffer, outAt, 2 * rows), 2 * (first + from));
    from = to;
  }
}

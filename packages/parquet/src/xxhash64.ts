// xxHash64 with seed 0, the hash Parquet bloom filters are defined over. xxhash-wasm carries its
// WebAssembly inline (no file to fetch, no native addon), so it runs in Node, browsers and
// workers alike; it is instantiated once when this module loads.

import xxhash from 'xxhash-wasm';

const api = await xxhash();
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

/** xxHash64 (seed 0) of raw bytes. */
export function xxhash64Bytes(bytes: Uint8Array): bigint {
  return api.h64Raw(bytes, 0n);
}

/** xxHash64 (seed 0) of a string's UTF-8 bytes (a BYTE_ARRAY string's PLAIN encoding without its length). */
export function xxhash64Utf8(value: string): bigint {
  return api.h64(value, 0n);
}

/** xxHash64 (seed 0) of a 32-bit integer's little-endian bytes (INT32 PLAIN encoding). */
export function xxhash64Int32(value: number): bigint {
  scratchView.setInt32(0, value, true);
  return api.h64Raw(scratch.subarray(0, 4), 0n);
}

/** xxHash64 (seed 0) of a 64-bit integer's little-endian bytes (INT64 PLAIN encoding). */
export function xxhash64Int64(value: bigint): bigint {
  scratchView.setBigInt64(0, BigInt.asIntN(64, value), true);
  return api.h64Raw(scratch, 0n);
}

/** xxHash64 (seed 0) of a FLOAT's little-endian IEEE bytes. */
export function xxhash64Float(value: number): bigint {
  scratchView.setFloat32(0, value, true);
  return api.h64Raw(scratch.subarray(0, 4), 0n);
}

/** xxHash64 (seed 0) of a DOUBLE's little-endian IEEE bytes. */
export function xxhash64Double(value: number): bigint {
  scratchView.setFloat64(0, value, true);
  return api.h64Raw(scratch, 0n);
}

/** xxHash64 of raw bytes with a seed (Hudi's metadata-table keys hash names with a fixed seed). */
export function xxhash64Seeded(bytes: Uint8Array, seed: bigint): bigint {
  return api.h64Raw(bytes, BigInt.asUintN(64, seed));
}

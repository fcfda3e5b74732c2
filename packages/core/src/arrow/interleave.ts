// Rows picked from two Data chunks of one type into a new chunk, in one copy: what a merge needs
// when most rows of a base batch stay and a few are replaced by rows of another batch. Runs of
// consecutive rows from one source are copied as ranges. Types without a fast path here are
// concatenated and taken (two copies more, same result).

import { Data, DataType, makeData, Type } from 'apache-arrow';

import { concatData, takeData } from './take.js';
import type { FixedValues } from './fixed-width.js';

/** Whether `type` keeps one element of `values` per row (the types interleaveData copies directly). */
function oneElementPerRow(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      return true;
    default:
      return false;
  }
}

function validity(a: Data, b: Data, indices: Int32Array): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  if (a.nullCount === 0 && b.nullCount === 0) return { nullBitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(indices.length / 8));
  let nullCount = 0;
  for (let i = 0; i < indices.length; i++) {
    const x = indices[i];
    if (x < a.length ? a.getValid(x) : b.getValid(x - a.length)) bitmap[i >> 3] |= 1 << (i & 7);
    else nullCount++;
  }
  return nullCount === 0 ? { nullBitmap: undefined, nullCount: 0 } : { nullBitmap: bitmap, nullCount };
}

/** Calls `copy(source, from, to, at)` for each run of consecutive rows of one source. */
function forEachRun(n: number, indices: Int32Array, copy: (fromB: boolean, start: number, end: number, at: number) => void): void {
  for (let i = 0; i < indices.length; ) {
    let j = i + 1;
    while (j < indices.length && indices[j] === indices[j - 1] + 1 && (indices[j] < n) === (indices[i] < n)) j++;
    const fromB = indices[i] >= n;
    const start = fromB ? indices[i] - n : indices[i];
    copy(fromB, start, start + (j - i), i);
    i = j;
  }
}

/**
 * Row `indices[i]` of the virtual concatenation [a, b] for each i: below `a.length` a row of
 * `a`, otherwise row `indices[i] - a.length` of `b`.
 */
export function interleaveData(a: Data, b: Data, indices: Int32Array): Data {
  const type = a.type as DataType;
  const n = a.length;
  const length = indices.length;
  if (oneElementPerRow(type)) {
    const av = a.values as FixedValues;
    const bv = b.values as FixedValues;
    const out = new (av.constructor as new (k: number) => FixedValues)(length);
    forEachRun(n, indices, (fromB, start, end, at) => {
      const src = fromB ? bv : av;
      if (end - start > 16) (out as Uint8Array).set((src as Uint8Array).subarray(start, end), at);
      else for (let k = start; k < end; k++) out[at + k - start] = src[k];
    });
    return makeData({ type, length, ...validity(a, b, indices), data: out } as never);
  }
  if (type.typeId === Type.Utf8 || type.typeId === Type.Binary) {
    const ao = a.valueOffsets as Int32Array;
    const bo = b.valueOffsets as Int32Array;
    const offsets = new Int32Array(length + 1);
    let total = 0;
    for (let i = 0; i < length; i++) {
      const x = indices[i];
      total += x < n ? ao[x + 1] - ao[x] : bo[x - n + 1] - bo[x - n];
      offsets[i + 1] = total;
    }
    const bytes = new Uint8Array(total);
    forEachRun(n, indices, (fromB, start, end, at) => {
      const o = fromB ? bo : ao;
      const src = (fromB ? b.values : a.values) as Uint8Array;
      const from = o[start];
      const to = o[end];
      if (to - from > 64) bytes.set(src.subarray(from, to), offsets[at]);
      else for (let k = 0; k < to - from; k++) bytes[offsets[at] + k] = src[from + k];
    });
    return makeData({ type, length, ...validity(a, b, indices), valueOffsets: offsets, data: bytes } as never);
  }
  return takeData(concatData([a, b]), indices);
}

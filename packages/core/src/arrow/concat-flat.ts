// Concatenation of Data chunks of a flat type by copying each chunk's buffer range once. A
// merge-on-read read gathers the rows of hundreds of small log blocks into one batch; taking each
// chunk whole first and merging the copies (the route every type can go) copied them twice.

import { makeData, Type, type Data, type DataType } from 'apache-arrow';

type Fixed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

function validity(chunks: Data[], length: number): { nullBitmap?: Uint8Array; nullCount: number } {
  let nullCount = 0;
  for (const c of chunks) nullCount += c.nullCount;
  if (nullCount === 0) return { nullCount: 0 };
  const bitmap = new Uint8Array((length + 7) >> 3);
  let row = 0;
  for (const c of chunks) for (let i = 0; i < c.length; i++, row++) if (c.getValid(i)) bitmap[row >> 3] |= 1 << (row & 7);
  return { nullBitmap: bitmap, nullCount };
}

function isFixedWidth(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
    case Type.FixedSizeBinary:
      return true;
    default:
      return false;
  }
}

/**
 * The chunks as one Data (`length` rows in all), or undefined for types this does not cover.
 * Struct columns (record batches) are joined child by child with `concatChild`.
 */
export function concatFlat(chunks: Data[], length: number, concatChild: (children: Data[]) => Data): Data | undefined {
  const type = chunks[0].type as DataType;
  if (type.typeId === Type.Struct) {
    // a struct's children are sliced with it, so child k of each chunk holds exactly its rows
    const children = type.children.map((_, k) => concatChild(chunks.map((c) => (c.children[k].length === c.length ? c.children[k] : c.children[k].slice(0, c.length)))));
    return makeData({ type, length, ...validity(chunks, length), children } as never);
  }
  if (isFixedWidth(type)) {
    // a chunk's value buffer starts at its first row (slicing cuts it), `stride` elements a row
    const stride = chunks[0].stride;
    const values = chunks.map((c) => (c.values as Fixed).subarray(0, c.length * stride));
    const out = new (values[0].constructor as new (n: number) => Fixed)(length * stride);
    let at = 0;
    for (const v of values) {
      (out as Uint8Array).set(v as Uint8Array, at);
      at += v.length;
    }
    return makeData({ type, length, ...validity(chunks, length), data: out } as never);
  }
  if (type.typeId === Type.Utf8 || type.typeId === Type.Binary) {
    const offsets = new Int32Array(length + 1);
    let total = 0;
    for (const c of chunks) {
      const o = c.valueOffsets as Int32Array;
      total += o[c.length] - o[0];
    }
    const bytes = new Uint8Array(total);
    let row = 0;
    let base = 0;
    for (const c of chunks) {
      const o = c.valueOffsets as Int32Array;
      const first = o[0];
      for (let i = 1; i <= c.length; i++) offsets[row + i] = base + o[i] - first;
      bytes.set((c.values as Uint8Array).subarray(first, o[c.length]), base);
      base += o[c.length] - first;
      row += c.length;
    }
    return makeData({ type, length, ...validity(chunks, length), valueOffsets: offsets, data: bytes } as never);
  }
  if (type.typeId === Type.Bool) {
    // boolean bits are not cut by slicing: a chunk's rows start at bit `offset`
    const bits = new Uint8Array((length + 7) >> 3);
    let row = 0;
    for (const c of chunks) {
      const v = c.values as Uint8Array;
      for (let i = 0; i < c.length; i++, row++) {
        const bit = c.offset + i;
        if (v[bit >> 3] & (1 << (bit & 7))) bits[row >> 3] |= 1 << (row & 7);
      }
    }
    return makeData({ type, length, ...validity(chunks, length), data: bits } as never);
  }
  return undefined;
}

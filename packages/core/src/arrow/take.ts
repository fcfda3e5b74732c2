// Row selection and concatenation over Arrow Data, for every type a Hudi table uses. apache-arrow
// for JS has neither `take` nor chunk concatenation; upserts need both to merge old and new rows
// without going through JS objects (which would lose decimal and microsecond precision).

import { Data, DataType, makeData, RecordBatch, Struct, Type, type Field, type Schema } from 'apache-arrow';
import { SchemaError } from '../errors.js';
import { concatFlat } from './concat-flat.js';

type Indices = ArrayLike<number>;

function validityOf(data: Data, indices: Indices): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (data.nullCount === 0) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(indices.length / 8));
  let nullCount = 0;
  for (let i = 0; i < indices.length; i++) {
    if (data.getValid(indices[i])) bitmap[i >> 3] |= 1 << (i & 7);
    else nullCount++;
  }
  return nullCount === 0 ? { bitmap: undefined, nullCount: 0 } : { bitmap, nullCount };
}

/** Width in elements of `values` per logical value, for fixed-width types. */
function strideOf(type: DataType): number {
  switch (type.typeId) {
    case Type.Decimal:
      return (type as unknown as { bitWidth: number }).bitWidth / 32;
    case Type.FixedSizeBinary:
      return (type as unknown as { byteWidth: number }).byteWidth;
    case Type.Interval:
      return (type as unknown as { unit: number }).unit === 0 ? 1 : 2;
    default:
      return 1;
  }
}

type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array |
  Float64Array | BigInt64Array | BigUint64Array;

function takeFixed(values: TypedArray, stride: number, indices: Indices): TypedArray {
  const Ctor = values.constructor as new (n: number) => TypedArray;
  const out = new Ctor(indices.length * stride);
  if (stride === 1) {
    for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  } else {
    for (let i = 0; i < indices.length; i++) {
      (out as Uint8Array).set((values as Uint8Array).subarray(indices[i] * stride, (indices[i] + 1) * stride), i * stride);
    }
  }
  return out;
}

function takeBits(values: Uint8Array, offset: number, indices: Indices): Uint8Array {
  const out = new Uint8Array(Math.ceil(indices.length / 8));
  for (let i = 0; i < indices.length; i++) {
    const bit = offset + indices[i];
    if (values[bit >> 3] & (1 << (bit & 7))) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

/** New offsets for the selected ranges, plus the child (or byte) indices those ranges cover. */
function takeRanges(offsets: ArrayLike<number>, indices: Indices): { offsets: Int32Array; childIndices: Int32Array } {
  const newOffsets = new Int32Array(indices.length + 1);
  let total = 0;
  for (let i = 0; i < indices.length; i++) {
    total += offsets[indices[i] + 1] - offsets[indices[i]];
    newOffsets[i + 1] = total;
  }
  const childIndices = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < indices.length; i++) {
    for (let j = offsets[indices[i]]; j < offsets[indices[i] + 1]; j++) childIndices[k++] = j;
  }
  return { offsets: newOffsets, childIndices };
}

function takeBytes(offsets: ArrayLike<number>, bytes: Uint8Array, indices: Indices): { offsets: Int32Array; data: Uint8Array } {
  const newOffsets = new Int32Array(indices.length + 1);
  let total = 0;
  for (let i = 0; i < indices.length; i++) {
    total += offsets[indices[i] + 1] - offsets[indices[i]];
    newOffsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  // Runs of consecutive rows are one contiguous byte range: copied with one call. Short values
  // are copied byte by byte, which is cheaper than a subarray view per value.
  for (let i = 0; i < indices.length; ) {
    let j = i + 1;
    while (j < indices.length && indices[j] === indices[j - 1] + 1) j++;
    const from = offsets[indices[i]];
    const to = offsets[indices[j - 1] + 1];
    const at = newOffsets[i];
    if (to - from > 64) data.set(bytes.subarray(from, to), at);
    else for (let k = 0; k < to - from; k++) data[at + k] = bytes[from + k];
    i = j;
  }
  return { offsets: newOffsets, data };
}

function numberOffsets(data: Data): ArrayLike<number> {
  const raw = data.valueOffsets as unknown as ArrayLike<number | bigint>;
  if (raw instanceof BigInt64Array) return Array.from(raw, Number);
  return raw as ArrayLike<number>;
}

/** Selects rows `indices` (in that order, repeats allowed) of one Data chunk. */
export function takeData<T extends DataType>(data: Data<T>, indices: Indices): Data<T> {
  const type = data.type as DataType;
  const { bitmap, nullCount } = validityOf(data, indices);
  const length = indices.length;
  const base = { type, length, nullCount, nullBitmap: bitmap } as const;
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length, nullCount: length } as never) as Data<T>;
    case Type.Bool:
      return makeData({ ...base, data: takeBits(data.values as Uint8Array, data.offset, indices) } as never) as Data<T>;
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
    case Type.FixedSizeBinary:
      return makeData({ ...base, data: takeFixed(data.values as TypedArray, strideOf(type), indices) } as never) as Data<T>;
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const taken = takeBytes(numberOffsets(data), data.values as Uint8Array, indices);
      const offsets = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary
        ? BigInt64Array.from(taken.offsets, BigInt)
        : taken.offsets;
      return makeData({ ...base, valueOffsets: offsets, data: taken.data } as never) as Data<T>;
    }
    case Type.List:
    case Type.Map: {
      const { offsets, childIndices } = takeRanges(numberOffsets(data), indices);
      const child = takeData(data.children[0], childIndices);
      if (type.typeId === Type.Map) {
        return makeData({ ...base, valueOffsets: offsets, child } as never) as Data<T>;
      }
      return makeData({ ...base, valueOffsets: offsets, child } as never) as Data<T>;
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const childIndices = new Int32Array(length * size);
      for (let i = 0; i < length; i++) for (let j = 0; j < size; j++) childIndices[i * size + j] = indices[i] * size + j;
      return makeData({ ...base, child: takeData(data.children[0], childIndices) } as never) as Data<T>;
    }
    case Type.Struct:
      return makeData({ ...base, children: data.children.map((c) => takeData(c, indices)) } as never) as Data<T>;
    case Type.Dictionary:
      return makeData({
        ...base,
        data: takeFixed(data.values as TypedArray, 1, indices),
        dictionary: data.dictionary,
      } as never) as Data<T>;
    default:
      throw new TypeError(`Row selection does not support Arrow type ${String(type)}`);
  }
}

/** Concatenates Data chunks of one type into a single chunk. */
export function concatData<T extends DataType>(chunks: Data<T>[]): Data<T> {
  if (chunks.length === 1) return chunks[0];
  if (chunks.length === 0) throw new RangeError('concatData needs at least one chunk');
  const flat = concatFlat(chunks, chunks.reduce((n, c) => n + c.length, 0), concatData);
  if (flat) return flat as Data<T>;
  // Concatenation is a take over each chunk; the per-type logic stays in one place.
  const parts = chunks.map((c) => takeData(c, identity(c.length)));
  return mergeTaken(parts);
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function mergeBitmaps(parts: Data[]): { bitmap: Uint8Array | undefined; nullCount: number } {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const nullCount = parts.reduce((n, p) => n + p.nullCount, 0);
  if (nullCount === 0) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let row = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++, row++) if (part.getValid(i)) bitmap[row >> 3] |= 1 << (row & 7);
  }
  return { bitmap, nullCount };
}

function concatTyped(arrays: TypedArray[]): TypedArray {
  const Ctor = arrays[0].constructor as new (n: number) => TypedArray;
  const out = new Ctor(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    (out as Uint8Array).set(a as Uint8Array, at);
    at += a.length;
  }
  return out;
}

function concatOffsets(parts: Data[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0) + 1);
  let row = 0;
  let base = 0;
  for (const part of parts) {
    const offsets = numberOffsets(part);
    for (let i = 0; i < part.length; i++) out[++row] = base + offsets[i + 1];
    base += offsets[part.length];
  }
  return out;
}

/** Merges chunks that start at offset 0 with zero-based offsets (as takeData produces). */
function mergeTaken<T extends DataType>(parts: Data<T>[]): Data<T> {
  const type = parts[0].type as DataType;
  const length = parts.reduce((n, p) => n + p.length, 0);
  const { bitmap, nullCount } = mergeBitmaps(parts);
  const base = { type, length, nullCount, nullBitmap: bitmap } as const;
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length, nullCount: length } as never) as Data<T>;
    case Type.Bool: {
      const bits = new Uint8Array(Math.ceil(length / 8));
      let row = 0;
      for (const part of parts) {
        const values = part.values as Uint8Array;
        for (let i = 0; i < part.length; i++, row++) if (values[i >> 3] & (1 << (i & 7))) bits[row >> 3] |= 1 << (row & 7);
      }
      return makeData({ ...base, data: bits } as never) as Data<T>;
    }
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const offsets = concatOffsets(parts);
      const data = concatTyped(parts.map((p) => (p.values as Uint8Array).subarray(0, Number(numberOffsets(p)[p.length]))));
      const valueOffsets = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary
        ? BigInt64Array.from(offsets, BigInt)
        : offsets;
      return makeData({ ...base, valueOffsets, data } as never) as Data<T>;
    }
    case Type.List:
    case Type.Map:
      return makeData({
        ...base,
        valueOffsets: concatOffsets(parts),
        child: mergeTaken(parts.map((p) => p.children[0])),
      } as never) as Data<T>;
    case Type.FixedSizeList:
      return makeData({ ...base, child: mergeTaken(parts.map((p) => p.children[0])) } as never) as Data<T>;
    case Type.Struct:
      return makeData({
        ...base,
        children: type.children.map((_, k) => mergeTaken(parts.map((p) => p.children[k]))),
      } as never) as Data<T>;
    case Type.Dictionary:
      return makeData({
        ...base,
        data: concatTyped(parts.map((p) => p.values as TypedArray)),
        dictionary: parts[0].dictionary,
      } as never) as Data<T>;
    default:
      return makeData({ ...base, data: concatTyped(parts.map((p) => p.values as TypedArray)) } as never) as Data<T>;
  }
}

/** The rows of a record batch as one struct Data, so batches can be taken and concatenated whole. */
function batchData(batch: RecordBatch): Data<Struct> {
  return batch.data as Data<Struct>;
}

function batchFrom(schema: Schema, data: Data<Struct>): RecordBatch {
  return new RecordBatch(schema, data);
}

/** Selects rows of a batch by index. */
export function takeRows(batch: RecordBatch, indices: Indices): RecordBatch {
  return batchFrom(batch.schema, takeData(batchData(batch), indices));
}

/** Concatenates batches of one schema into a single batch; the first batch's schema wins. */
export function concatBatches(schema: Schema, batches: RecordBatch[]): RecordBatch {
  if (batches.length === 0) {
    const empty = makeData({
      type: new Struct(schema.fields as Field[]),
      length: 0,
      children: schema.fields.map((f) => emptyData(f.type)),
    });
    return new RecordBatch(schema, empty);
  }
  return batchFrom(schema, concatData(batches.map(batchData)));
}

/** A zero-row Data of any type. */
function emptyData(type: DataType): Data {
  return nullData(type, 0);
}

/** A Data of `length` nulls of any type (used to fill columns missing from older files). */
export function nullData(type: DataType, length: number): Data {
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  const base = { type, length, nullCount: length, nullBitmap } as const;
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length, nullCount: length } as never);
    case Type.Bool:
      return makeData({ ...base, data: new Uint8Array(Math.ceil(length / 8)) } as never);
    case Type.Utf8:
    case Type.Binary:
      return makeData({ ...base, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) } as never);
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return makeData({ ...base, valueOffsets: new BigInt64Array(length + 1), data: new Uint8Array(0) } as never);
    case Type.List:
    case Type.Map:
      return makeData({ ...base, valueOffsets: new Int32Array(length + 1), child: nullData(type.children[0].type, 0) } as never);
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      return makeData({ ...base, child: nullData(type.children[0].type, length * size) } as never);
    }
    case Type.Struct:
      return makeData({ ...base, children: type.children.map((f: Field) => nullData(f.type, length)) } as never);
    default: {
      const probe = makeData({ type, length: 0 } as never) as Data;
      const Ctor = (probe.values?.constructor ?? Uint8Array) as new (n: number) => TypedArray;
      return makeData({ ...base, data: new Ctor(length * strideOf(type)) } as never);
    }
  }
}

/** The columns of `schema`, by name, from a batch that has them (and maybe more). */
export function selectColumns(batch: RecordBatch, schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => {
    const i = batch.schema.fields.findIndex((g) => g.name === f.name);
    if (i === -1) throw new SchemaError(`Column "${f.name}" is missing from a stored file; the table may be corrupt.`);
    return batch.data.children[i];
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

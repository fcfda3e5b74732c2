// Thrift compact protocol, just enough to walk a Parquet footer and re-emit it with some fields
// dropped or replaced. Rewriting at this level keeps every field we do not touch byte-for-byte.

export const ThriftType = {
  STOP: 0,
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
  UUID: 13,
} as const;

export interface ThriftReader {
  bytes: Uint8Array;
  pos: number;
}

/** Raised on malformed input; callers turn it into a ParquetError. */
export class ThriftDecodeError extends Error {}

function need(r: ThriftReader, n: number): void {
  if (r.pos + n > r.bytes.length) throw new ThriftDecodeError(`footer ends inside a value at byte ${r.pos}`);
}

function readByte(r: ThriftReader): number {
  need(r, 1);
  return r.bytes[r.pos++];
}

function readVarBigInt(r: ThriftReader): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = readByte(r);
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 70n) throw new ThriftDecodeError('varint longer than 10 bytes');
  }
}


/** A varint as a number; for lengths, counts and offsets (at most 2^53 - 1). */
function readVarNumber(r: ThriftReader): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    const b = readByte(r);
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) break;
    scale *= 128;
    if (scale > 2 ** 49) throw new ThriftDecodeError('varint out of range');
  }
  if (result > Number.MAX_SAFE_INTEGER) throw new ThriftDecodeError('varint out of range');
  return result;
}

/** A zigzag i16/i32/i64 as a number (at most 2^53 - 1 either way). */
export function readZigZagNumber(r: ThriftReader): number {
  const v = readVarNumber(r);
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

/** Advances past a varint without building its value. */
function skipVarint(r: ThriftReader): void {
  for (let n = 0; n < 10; n++) if ((readByte(r) & 0x80) === 0) return;
  throw new ThriftDecodeError('varint longer than 10 bytes');
}

export function readZigZag(r: ThriftReader): bigint {
  const v = readVarBigInt(r);
  return (v >> 1n) ^ -(v & 1n);
}

export function readBinary(r: ThriftReader): Uint8Array {
  const len = readVarNumber(r);
  need(r, len);
  const out = r.bytes.subarray(r.pos, r.pos + len);
  r.pos += len;
  return out;
}

export interface FieldHeader {
  type: number;
  id: number;
}

/** Reads a field header; returns undefined at the struct's STOP byte. */
export function readFieldHeader(r: ThriftReader, lastId: number): FieldHeader | undefined {
  const b = readByte(r);
  const type = b & 0x0f;
  if (type === ThriftType.STOP) return undefined;
  const delta = b >> 4;
  const id = delta === 0 ? readZigZagNumber(r) : lastId + delta;
  return { type, id };
}

export interface ListHeader {
  size: number;
  elementType: number;
}

export function readListHeader(r: ThriftReader): ListHeader {
  const b = readByte(r);
  const short = b >> 4;
  const size = short === 15 ? readVarNumber(r) : short;
  return { size, elementType: b & 0x0f };
}

/** Advances past one value of the given type without interpreting it. */
export function skipValue(r: ThriftReader, type: number, depth = 0): void {
  if (depth > 64) throw new ThriftDecodeError('nesting too deep');
  switch (type) {
    case ThriftType.TRUE:
    case ThriftType.FALSE:
      return;
    case ThriftType.BYTE:
      readByte(r);
      return;
    case ThriftType.I16:
    case ThriftType.I32:
    case ThriftType.I64:
      skipVarint(r);
      return;
    case ThriftType.DOUBLE:
      need(r, 8);
      r.pos += 8;
      return;
    case ThriftType.UUID:
      need(r, 16);
      r.pos += 16;
      return;
    case ThriftType.BINARY: {
      // skipped, not viewed: footers hold many statistics and names nobody reads
      const len = readVarNumber(r);
      need(r, len);
      r.pos += len;
      return;
    }
    case ThriftType.LIST:
    case ThriftType.SET: {
      const { size, elementType } = readListHeader(r);
      for (let i = 0; i < size; i++) {
        // booleans inside collections take one byte each
        if (elementType === ThriftType.TRUE || elementType === ThriftType.FALSE) readByte(r);
        else skipValue(r, elementType, depth + 1);
      }
      return;
    }
    case ThriftType.MAP: {
      const size = readVarNumber(r);
      if (size === 0) return;
      const kinds = readByte(r);
      for (let i = 0; i < size; i++) {
        skipValue(r, kinds >> 4, depth + 1);
        skipValue(r, kinds & 0x0f, depth + 1);
      }
      return;
    }
    case ThriftType.STRUCT: {
      let last = 0;
      for (;;) {
        const h = readFieldHeader(r, last);
        if (!h) return;
        skipValue(r, h.type, depth + 1);
        last = h.id;
      }
    }
    default:
      throw new ThriftDecodeError(`unknown compact type ${type} at byte ${r.pos}`);
  }
}

/** Accumulates output bytes; large copied slices are kept as views until `finish`. */
export interface ThriftWriter {
  parts: Uint8Array[];
  pending: number[];
}

export function newWriter(): ThriftWriter {
  return { parts: [], pending: [] };
}

function flush(w: ThriftWriter): void {
  if (w.pending.length > 0) {
    w.parts.push(Uint8Array.from(w.pending));
    w.pending = [];
  }
}

export function writeBytes(w: ThriftWriter, bytes: Uint8Array): void {
  if (bytes.length < 64) {
    for (const b of bytes) w.pending.push(b);
    return;
  }
  flush(w);
  w.parts.push(bytes);
}

export function writeByte(w: ThriftWriter, b: number): void {
  w.pending.push(b & 0xff);
}

function writeVarBigInt(w: ThriftWriter, value: bigint): void {
  let v = value;
  while (v >= 0x80n) {
    w.pending.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  w.pending.push(Number(v));
}

export function writeZigZag(w: ThriftWriter, value: bigint): void {
  writeVarBigInt(w, value >= 0n ? value << 1n : (-value << 1n) - 1n);
}

export function writeBinary(w: ThriftWriter, bytes: Uint8Array): void {
  writeVarBigInt(w, BigInt(bytes.length));
  writeBytes(w, bytes);
}

export function writeFieldHeader(w: ThriftWriter, type: number, id: number, lastId: number): void {
  const delta = id - lastId;
  if (delta > 0 && delta <= 15) writeByte(w, (delta << 4) | type);
  else {
    writeByte(w, type);
    writeZigZag(w, BigInt(id));
  }
}

export function writeListHeader(w: ThriftWriter, size: number, elementType: number): void {
  if (size < 15) writeByte(w, (size << 4) | elementType);
  else {
    writeByte(w, 0xf0 | elementType);
    writeVarBigInt(w, BigInt(size));
  }
}

export function writeStop(w: ThriftWriter): void {
  writeByte(w, ThriftType.STOP);
}

export function finish(w: ThriftWriter): Uint8Array {
  const out = new Uint8Array(writtenLength(w));
  finishInto(w, out, 0);
  return out;
}

/** Bytes written so far. */
export function writtenLength(w: ThriftWriter): number {
  flush(w);
  return w.parts.reduce((n, p) => n + p.length, 0);
}

/**
 * Copies what was written into `out` at `at` and returns where it ends: for output that goes
 * straight into a larger buffer (a file's footer), without a copy of its own in between.
 */
export function finishInto(w: ThriftWriter, out: Uint8Array, at: number): number {
  flush(w);
  for (const p of w.parts) {
    out.set(p, at);
    at += p.length;
  }
  return at;
}

/** What to do with one field of a struct being rewritten. */
export type FieldAction =
  | { kind: 'copy' }
  | { kind: 'drop' }
  /** Replaces an integer field (i16, i32 or i64: all zigzag varints) with `value`. */
  | { kind: 'int'; value: bigint }
  /** Reads the value from `r` and writes its replacement (same field id and type) to `w`. */
  | { kind: 'rewrite'; rewrite: (r: ThriftReader, w: ThriftWriter) => void };

export const COPY: FieldAction = { kind: 'copy' };
export const DROP: FieldAction = { kind: 'drop' };

/** A field added to a struct being rewritten (a field with the same id should be dropped). */
export interface FieldInsert {
  id: number;
  type: number;
  write: (w: ThriftWriter) => void;
}

/**
 * Copies one struct from `r` to `w`, asking `decide` about each field and adding `inserts` in
 * field-id order. Field headers are re-encoded because dropping or adding a field changes the id
 * deltas of the ones after it.
 */
export function rewriteStruct(r: ThriftReader, w: ThriftWriter, decide: (h: FieldHeader) => FieldAction, inserts: FieldInsert[] = []): void {
  const pending = [...inserts].sort((a, b) => a.id - b.id);
  let lastIn = 0;
  let lastOut = 0;
  const insertBelow = (id: number): void => {
    while (pending.length > 0 && pending[0].id < id) {
      const add = pending.shift()!;
      writeFieldHeader(w, add.type, add.id, lastOut);
      add.write(w);
      lastOut = add.id;
    }
  };
  for (;;) {
    const h = readFieldHeader(r, lastIn);
    if (!h) break;
    lastIn = h.id;
    const action = decide(h);
    if (action.kind === 'drop') {
      skipValue(r, h.type);
      continue;
    }
    insertBelow(h.id);
    if (action.kind === 'int') {
      if (h.type !== ThriftType.I16 && h.type !== ThriftType.I32 && h.type !== ThriftType.I64) {
        throw new ThriftDecodeError(`field ${h.id} is not an integer`);
      }
      readVarBigInt(r);
      writeFieldHeader(w, h.type, h.id, lastOut);
      writeZigZag(w, action.value);
    } else if (action.kind === 'rewrite') {
      writeFieldHeader(w, h.type, h.id, lastOut);
      action.rewrite(r, w);
    } else {
      writeFieldHeader(w, h.type, h.id, lastOut);
      const start = r.pos;
      skipValue(r, h.type);
      writeBytes(w, r.bytes.subarray(start, r.pos));
    }
    lastOut = h.id;
  }
  insertBelow(Number.POSITIVE_INFINITY);
  writeStop(w);
}

/** Copies a list of structs, keeping element i only when `keep(i)` and rewriting each kept one. */
export function rewriteStructList(
  r: ThriftReader,
  w: ThriftWriter,
  keep: (index: number) => boolean,
  rewriteElement: (index: number, r: ThriftReader, w: ThriftWriter) => void,
  keptCount: number,
): void {
  const { size, elementType } = readListHeader(r);
  if (size > 0 && elementType !== ThriftType.STRUCT) throw new ThriftDecodeError('expected a list of structs');
  writeListHeader(w, keptCount, ThriftType.STRUCT);
  let written = 0;
  for (let i = 0; i < size; i++) {
    if (keep(i)) {
      rewriteElement(i, r, w);
      written++;
    } else skipValue(r, ThriftType.STRUCT);
  }
  if (written !== keptCount) throw new ThriftDecodeError(`expected to keep ${keptCount} list elements, kept ${written}`);
}

// Avro binary decoding of datums against a writer schema, into plain JS values (long -> bigint,
// bytes -> Uint8Array, map -> [key, value][], record -> object, wider unions -> AvroUnionValue).
// Every read is bounds-checked: truncated input raises AvroDecodeError, never a RangeError.

import { AvroDecodeError } from '../errors.js';
import type { AvroType } from './avro-schema.js';

export type AvroRecord = Record<string, unknown>;

/** A value of a union with more than one non-null branch: which branch, and its value. */
export class AvroUnionValue {
  constructor(
    /** Index among all the union's branches. */
    readonly branch: number,
    readonly value: unknown,
    /** Index among the non-null branches (the Arrow struct member it maps to). */
    readonly member: number,
  ) {}
}

const utf8 = new TextDecoder('utf-8');

export class AvroReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new AvroDecodeError(`Avro data ends early: needed ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  readBoolean(): boolean {
    const b = this.byte();
    if (b > 1) throw new AvroDecodeError(`Invalid Avro boolean byte ${b} at offset ${this.pos - 1}`);
    return b === 1;
  }

  readInt(): number {
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      if (shift > 28) throw new AvroDecodeError(`Avro int varint too long at offset ${this.pos}`);
      b = this.byte();
      n |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return (n >>> 1) ^ -(n & 1);
  }

  readLong(): bigint {
    let n = 0;
    let mul = 1;
    let b: number;
    let count = 0;
    do {
      b = this.byte();
      n += (b & 0x7f) * mul;
      mul *= 128;
      count++;
    } while (b & 0x80 && count < 7);
    if (!(b & 0x80)) {
      // Zig-zag on a safe integer: even -> n/2, odd -> -(n+1)/2.
      return BigInt(n % 2 === 0 ? n / 2 : -(n + 1) / 2);
    }
    let big = BigInt(n);
    let shift = 49n;
    do {
      if (count >= 10) throw new AvroDecodeError(`Avro long varint too long at offset ${this.pos}`);
      b = this.byte();
      big |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      count++;
    } while (b & 0x80);
    big = BigInt.asUintN(64, big);
    return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
  }

  /** A long that must fit a JS number (counts, sizes). */
  readLength(what: string): number {
    const v = this.readLong();
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new AvroDecodeError(`Invalid Avro ${what} ${v} at offset ${this.pos}`);
    }
    return Number(v);
  }

  readFloat(): number {
    this.need(4);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    this.need(8);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  readFixed(size: number): Uint8Array {
    this.need(size);
    const v = this.bytes.slice(this.pos, this.pos + size);
    this.pos += size;
    return v;
  }

  readBytes(): Uint8Array {
    return this.readFixed(this.readLength('bytes length'));
  }

  readString(): string {
    const len = this.readLength('string length');
    this.need(len);
    const v = utf8.decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return v;
  }

  /** Reads array/map blocks, calling `item` for each element. */
  readBlocks(item: () => void): void {
    for (;;) {
      let count = Number(this.readLong());
      if (count === 0) return;
      if (count < 0) {
        count = -count;
        this.readLong(); // block size in bytes, only useful for skipping
      }
      // Only zero-width items (nulls) can outnumber the bytes left; anything far beyond is corruption.
      if (!Number.isSafeInteger(count) || count > this.end - this.pos + 1_000_000) {
        throw new AvroDecodeError(`Invalid Avro block count ${count} at offset ${this.pos}`);
      }
      for (let i = 0; i < count; i++) item();
    }
  }
}

/** Decodes one datum of `type` at the reader's position. */
export function readDatum(type: AvroType, r: AvroReader): unknown {
  switch (type.kind) {
    case 'null':
      return null;
    case 'boolean':
      return r.readBoolean();
    case 'int':
      return r.readInt();
    case 'long':
      return r.readLong();
    case 'float':
      return r.readFloat();
    case 'double':
      return r.readDouble();
    case 'bytes':
      return r.readBytes();
    case 'string':
      return r.readString();
    case 'fixed':
      return r.readFixed(type.size);
    case 'enum': {
      const i = r.readInt();
      if (i < 0 || i >= type.symbols.length) throw new AvroDecodeError(`Avro enum index ${i} out of range for ${type.name}`);
      return type.symbols[i];
    }
    case 'array': {
      const out: unknown[] = [];
      r.readBlocks(() => out.push(readDatum(type.items, r)));
      return out;
    }
    case 'map': {
      const out: [string, unknown][] = [];
      r.readBlocks(() => {
        const k = r.readString();
        out.push([k, readDatum(type.values, r)]);
      });
      return out;
    }
    case 'record': {
      const out: AvroRecord = Object.create(null) as AvroRecord;
      for (const f of type.fields) out[f.name] = readDatum(f.type, r);
      return out;
    }
    case 'union': {
      const i = r.readInt();
      const branch = type.branches[i];
      if (!branch) throw new AvroDecodeError(`Avro union branch ${i} out of range at offset ${r.pos}`);
      const value = readDatum(branch, r);
      let nonNull = 0;
      let member = 0;
      type.branches.forEach((b, j) => {
        if (b.kind === 'null') return;
        if (j < i) member++;
        nonNull++;
      });
      return nonNull > 1 && branch.kind !== 'null' ? new AvroUnionValue(i, value, member) : value;
    }
  }
}

/** Decodes a datum that must span exactly `bytes[start, end)`. */
export function decodeDatum(type: AvroType, bytes: Uint8Array, start = 0, end = bytes.length): unknown {
  const r = new AvroReader(bytes, start, end);
  return readDatum(type, r);
}

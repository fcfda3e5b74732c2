// Builds Arrow columns of a given type from decoded Avro values (log blocks) and from rows of
// other Arrow columns (base files, Parquet log blocks): one builder for both is what makes
// merged rows come out with exactly the table's Arrow types.
// Over 350 lines: the builders of all Arrow type families recurse into one another (lists, structs), so they stay in one file.

import { DataType, makeData, type Data, type Field, type Struct } from 'apache-arrow';

import { SchemaError } from '../errors.js';
import { AvroUnionValue } from '../avro/avro-decoder.js';
import { valueAt } from '../arrow/value-at.js';

export interface ColumnBuilder {
  readonly type: DataType;
  readonly length: number;
  appendNull(): void;
  /**
   * Accepts: boolean; number or bigint for integers, floats, dates (days), times and timestamps
   * (in the column's unit); string; Uint8Array for binary, fixed and decimals (big-endian two's
   * complement, as Avro stores them) or bigint for decimals; arrays for lists; [key, value][]
   * or Map for maps; objects or Maps for structs; AvroUnionValue for member structs; null.
   */
  appendValue(value: unknown): void;
  /** Appends row `index` of `data`, which may be of a different but convertible type. */
  appendFrom(data: Data, index: number): void;
  finish(): Data;
}

type AnyTyped = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type TypedCtor = new (n: number) => AnyTyped;

function mk(props: Record<string, unknown>): Data {
  return (makeData as unknown as (p: Record<string, unknown>) => Data)(props);
}

class Validity {
  bits = new Uint8Array(8);
  nulls = 0;
  length = 0;
  push(valid: boolean): void {
    if (this.length >> 3 >= this.bits.length) {
      const next = new Uint8Array(this.bits.length * 2);
      next.set(this.bits);
      this.bits = next;
    }
    if (valid) this.bits[this.length >> 3] |= 1 << (this.length & 7);
    else this.nulls++;
    this.length++;
  }
  bitmap(): Uint8Array | undefined {
    return this.nulls === 0 ? undefined : this.bits.slice(0, (this.length + 7) >> 3);
  }
}

function typeName(t: DataType): string {
  return String(t);
}

function unsupported(target: DataType, value: unknown): never {
  const what = value === null ? 'null' : value instanceof Uint8Array ? 'bytes' : typeof value;
  throw new SchemaError(`Cannot store a ${what} value in an Arrow ${typeName(target)} column`);
}

function toBigInt(v: unknown, target: DataType): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return unsupported(target, v);
}

function toNumber(v: unknown, target: DataType): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return unsupported(target, v);
}

/** Multiplier from one time unit (0=s..3=ns) to another, as a bigint ratio. */
function unitScale(from: number, to: number): { mul: bigint; div: bigint } {
  const pow = 10n ** BigInt(Math.abs(to - from) * 3);
  return to >= from ? { mul: pow, div: 1n } : { mul: 1n, div: pow };
}

class FixedBuilder implements ColumnBuilder {
  private values: AnyTyped;
  private readonly validity = new Validity();
  private readonly stride: number;
  private readonly Ctor: TypedCtor;
  private readonly big: boolean;
  constructor(readonly type: DataType) {
    this.Ctor = (type as unknown as { ArrayType: TypedCtor }).ArrayType;
    this.stride = DataType.isDecimal(type) ? type.bitWidth / 32 : DataType.isFixedSizeBinary(type) ? type.byteWidth : 1;
    this.values = new this.Ctor(16 * this.stride);
    this.big = this.values instanceof BigInt64Array || this.values instanceof BigUint64Array;
  }
  get length(): number {
    return this.validity.length;
  }
  private slot(): number {
    const at = this.validity.length * this.stride;
    if (at + this.stride > this.values.length) {
      const next = new this.Ctor(Math.max(this.values.length * 2, at + this.stride));
      (next as Uint8Array).set(this.values as Uint8Array);
      this.values = next;
    }
    return at;
  }
  appendNull(): void {
    this.slot();
    this.validity.push(false);
  }
  appendValue(v: unknown): void {
    if (v === null || v === undefined) return this.appendNull();
    const at = this.slot();
    const t = this.type;
    if (DataType.isDecimal(t)) {
      const words = decimalWords(v, t);
      (this.values as Uint32Array).set(words, at);
    } else if (DataType.isFixedSizeBinary(t)) {
      if (!(v instanceof Uint8Array) || v.length !== t.byteWidth) unsupported(t, v);
      (this.values as Uint8Array).set(v, at);
    } else if (this.big) {
      (this.values as BigInt64Array)[at] = toBigInt(v, t);
    } else {
      (this.values as Float64Array)[at] = toNumber(v, t);
    }
    this.validity.push(true);
  }
  appendFrom(data: Data, i: number): void {
    const src = data.type;
    if (
      src.typeId === this.type.typeId &&
      !DataType.isDictionary(src) &&
      (data.values as AnyTyped)?.constructor === this.Ctor &&
      data.stride === this.stride &&
      sameUnit(src, this.type)
    ) {
      if (!data.getValid(i)) return this.appendNull();
      const at = this.slot();
      if (this.stride === 1) (this.values as Float64Array)[at] = (data.values as Float64Array)[i];
      else (this.values as Uint8Array).set((data.values as Uint8Array).subarray(i * this.stride, (i + 1) * this.stride), at);
      this.validity.push(true);
      return;
    }
    let v = valueAt(data, i);
    if (v !== null && DataType.isDate(src) && DataType.isDate(this.type) && src.unit !== this.type.unit) {
      // DateDay (unit 0) counts days, DateMillisecond (unit 1) milliseconds.
      v = src.unit === 0 ? toBigInt(v, this.type) * 86_400_000n : Math.floor(toNumber(v, this.type) / 86_400_000);
    }
    if (v !== null && hasUnit(src) && hasUnit(this.type)) {
      const { mul, div } = unitScale((src as unknown as { unit: number }).unit, (this.type as unknown as { unit: number }).unit);
      v = (toBigInt(v, this.type) * mul) / div;
    }
    this.appendValue(v);
  }
  finish(): Data {
    const n = this.validity.length;
    return mk({
      type: this.type,
      length: n,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(),
      data: this.values.slice(0, n * this.stride),
    });
  }
}

function hasUnit(t: DataType): boolean {
  return DataType.isTimestamp(t) || DataType.isTime(t) || DataType.isDuration(t);
}

function sameUnit(a: DataType, b: DataType): boolean {
  if (!hasUnit(a) && !DataType.isDate(a)) return true;
  return (a as unknown as { unit: number }).unit === (b as unknown as { unit: number }).unit;
}

/** A decimal value as four little-endian 32-bit words of a 128-bit two's complement integer. */
function decimalWords(v: unknown, t: DataType): Uint32Array {
  let big: bigint;
  if (typeof v === 'bigint') big = v;
  else if (typeof v === 'number' && Number.isInteger(v)) big = BigInt(v);
  else if (v instanceof Uint8Array) {
    if (v.length > 16) unsupported(t, v);
    big = 0n;
    for (const b of v) big = (big << 8n) | BigInt(b);
    if (v.length > 0 && v[0] & 0x80) big -= 1n << BigInt(v.length * 8);
  } else return unsupported(t, v);
  const u = BigInt.asUintN(128, big);
  const out = new Uint32Array(4);
  for (let k = 0; k < 4; k++) out[k] = Number((u >> BigInt(32 * k)) & 0xffffffffn);
  return out;
}

class BoolBuilder implements ColumnBuilder {
  private bits = new Uint8Array(8);
  private readonly validity = new Validity();
  constructor(readonly type: DataType) {}
  get length(): number {
    return this.validity.length;
  }
  private push(valid: boolean, value: boolean): void {
    const n = this.validity.length;
    if (n >> 3 >= this.bits.length) {
      const next = new Uint8Array(this.bits.length * 2);
      next.set(this.bits);
      this.bits = next;
    }
    if (value) this.bits[n >> 3] |= 1 << (n & 7);
    this.validity.push(valid);
  }
  appendNull(): void {
    this.push(false, false);
  }
  appendValue(v: unknown): void {
    if (v === null || v === undefined) return this.appendNull();
    if (typeof v !== 'boolean') unsupported(this.type, v);
    this.push(true, v);
  }
  appendFrom(data: Data, i: number): void {
    this.appendValue(valueAt(data, i));
  }
  finish(): Data {
    const n = this.validity.length;
    return mk({ type: this.type, length: n, nullCount: this.validity.nulls, nullBitmap: this.validity.bitmap(), data: this.bits.slice(0, (n + 7) >> 3) });
  }
}

const encoder = new TextEncoder();

class BytesBuilder implements ColumnBuilder {
  private bytes = new Uint8Array(64);
  private used = 0;
  private offsets = new Int32Array(16);
  private readonly validity = new Validity();
  private readonly text: boolean;
  constructor(readonly type: DataType) {
    this.text = DataType.isUtf8(type);
  }
  get length(): number {
    return this.validity.length;
  }
  private push(valid: boolean, chunk: Uint8Array | undefined): void {
    if (chunk && this.used + chunk.length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + chunk.length));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    if (chunk) {
      this.bytes.set(chunk, this.used);
      this.used += chunk.length;
    }
    const n = this.validity.length + 1;
    if (n >= this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    this.offsets[n] = this.used;
    this.validity.push(valid);
  }
  appendNull(): void {
    this.push(false, undefined);
  }
  appendValue(v: unknown): void {
    if (v === null || v === undefined) return this.appendNull();
    if (typeof v === 'string') return this.push(true, encoder.encode(v));
    if (v instanceof Uint8Array) return this.push(true, v);
    if (this.text && (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')) {
      return this.push(true, encoder.encode(String(v)));
    }
    unsupported(this.type, v);
  }
  appendFrom(data: Data, i: number): void {
    const t = data.type;
    if (DataType.isUtf8(t) || DataType.isBinary(t) || DataType.isLargeUtf8(t) || DataType.isLargeBinary(t)) {
      if (!data.getValid(i)) return this.appendNull();
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      return this.push(true, (data.values as Uint8Array).subarray(Number(offsets[i]), Number(offsets[i + 1])));
    }
    this.appendValue(valueAt(data, i));
  }
  finish(): Data {
    const n = this.validity.length;
    return mk({
      type: this.type,
      length: n,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(),
      valueOffsets: this.offsets.slice(0, n + 1),
      data: this.bytes.slice(0, this.used),
    });
  }
}

class ListBuilder implements ColumnBuilder {
  private offsets = new Int32Array(16);
  private readonly validity = new Validity();
  private readonly child: ColumnBuilder;
  private readonly isMap: boolean;
  constructor(readonly type: DataType) {
    this.isMap = DataType.isMap(type);
    this.child = makeColumnBuilder((type.children[0] as Field).type);
  }
  get length(): number {
    return this.validity.length;
  }
  private close(valid: boolean): void {
    const n = this.validity.length + 1;
    if (n >= this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    this.offsets[n] = this.child.length;
    this.validity.push(valid);
  }
  appendNull(): void {
    this.close(false);
  }
  appendValue(v: unknown): void {
    if (v === null || v === undefined) return this.appendNull();
    if (this.isMap) {
      const entries = v instanceof Map ? [...v.entries()] : Array.isArray(v) ? v : typeof v === 'object' ? Object.entries(v) : unsupported(this.type, v);
      for (const e of entries as unknown[]) {
        if (!Array.isArray(e) || e.length !== 2) unsupported(this.type, e);
        this.child.appendValue({ key: e[0], value: e[1] });
      }
    } else {
      if (!Array.isArray(v)) unsupported(this.type, v);
      for (const item of v) this.child.appendValue(item);
    }
    this.close(true);
  }
  appendFrom(data: Data, i: number): void {
    const t = data.type;
    if (DataType.isList(t) || DataType.isMap(t) || DataType.isLargeList(t)) {
      if (!data.getValid(i)) return this.appendNull();
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const end = Number(offsets[i + 1]);
      for (let j = Number(offsets[i]); j < end; j++) this.child.appendFrom(data.children[0], j);
      return this.close(true);
    }
    this.appendValue(valueAt(data, i));
  }
  finish(): Data {
    const n = this.validity.length;
    return mk({
      type: this.type,
      length: n,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(),
      valueOffsets: this.offsets.slice(0, n + 1),
      child: this.child.finish(),
    });
  }
}

class StructBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private readonly fields: Field[];
  private readonly children: ColumnBuilder[];
  /** Source child index per target field, by source type (sources repeat row after row). */
  private readonly mappings = new WeakMap<DataType, (number | undefined)[]>();
  constructor(readonly type: DataType) {
    this.fields = (type as Struct).children;
    this.children = this.fields.map((f) => makeColumnBuilder(f.type));
  }
  get length(): number {
    return this.validity.length;
  }
  appendNull(): void {
    for (const c of this.children) c.appendNull();
    this.validity.push(false);
  }
  appendValue(v: unknown): void {
    if (v === null || v === undefined) return this.appendNull();
    if (v instanceof AvroUnionValue) {
      this.children.forEach((c, k) => (k === v.member ? c.appendValue(v.value) : c.appendNull()));
      this.validity.push(true);
      return;
    }
    if (typeof v !== 'object') unsupported(this.type, v);
    const get = v instanceof Map ? (k: string) => v.get(k) : (k: string) => (v as Record<string, unknown>)[k];
    this.fields.forEach((f, k) => this.children[k].appendValue(get(f.name)));
    this.validity.push(true);
  }
  appendFrom(data: Data, i: number): void {
    const t = data.type;
    if (!DataType.isStruct(t)) return this.appendValue(valueAt(data, i));
    if (!data.getValid(i)) return this.appendNull();
    let mapping = this.mappings.get(t);
    if (!mapping) {
      const names: string[] = t.children.map((f: Field) => f.name);
      mapping = this.fields.map((f) => {
        const k = names.indexOf(f.name);
        return k === -1 ? undefined : k;
      });
      this.mappings.set(t, mapping);
    }
    this.fields.forEach((_f, k) => {
      const src = (mapping as (number | undefined)[])[k];
      if (src === undefined) this.children[k].appendNull();
      else this.children[k].appendFrom(data.children[src], i);
    });
    this.validity.push(true);
  }
  finish(): Data {
    const n = this.validity.length;
    return mk({
      type: this.type,
      length: n,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(),
      children: this.children.map((c) => c.finish()),
    });
  }
}

class NullBuilder implements ColumnBuilder {
  length = 0;
  constructor(readonly type: DataType) {}
  appendNull(): void {
    this.length++;
  }
  appendValue(): void {
    this.length++;
  }
  appendFrom(): void {
    this.length++;
  }
  finish(): Data {
    return mk({ type: this.type, length: this.length, nullCount: this.length });
  }
}

/** A builder for columns of `type`. */
export function makeColumnBuilder(type: DataType): ColumnBuilder {
  if (DataType.isNull(type)) return new NullBuilder(type);
  if (DataType.isBool(type)) return new BoolBuilder(type);
  if (DataType.isUtf8(type) || DataType.isBinary(type)) return new BytesBuilder(type);
  if (DataType.isList(type) || DataType.isMap(type)) return new ListBuilder(type);
  if (DataType.isStruct(type)) return new StructBuilder(type);
  if (
    DataType.isInt(type) ||
    DataType.isFloat(type) ||
    DataType.isDecimal(type) ||
    DataType.isDate(type) ||
    DataType.isTime(type) ||
    DataType.isTimestamp(type) ||
    DataType.isDuration(type) ||
    DataType.isFixedSizeBinary(type)
  ) {
    return new FixedBuilder(type);
  }
  throw new SchemaError(`Arrow type ${typeName(type)} is not supported in table columns`);
}

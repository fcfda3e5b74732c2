// One Hadoop-style bloom bit vector with its hashing parameters, and its DataOutput form:
// int version (-1), int nbHash, byte hashType, int vectorSize, then ceil(vectorSize/8) bytes where
// bit i lives in byte i>>3 at mask 1<<(i&7). Simple and dynamic filters are built from these rows.

import { InvalidBloomFilterError } from '../errors.js';
import { murmurHashChain } from './murmur-hash.js';
import { GrowableBytes } from '../bytes/growable-bytes.js';

/** Hadoop's hash type code for MurmurHash, the only one Hudi writes. */
export const MURMUR_HASH = 1;
const FORMAT_VERSION = -1;

export interface RowShape {
  vectorSize: number;
  nbHash: number;
  hashType: number;
}

export interface FilterRow extends RowShape {
  bits: Uint8Array;
}

export function newRow(shape: RowShape): FilterRow {
  return { ...shape, bits: new Uint8Array(byteLength(shape.vectorSize)) };
}

function byteLength(vectorSize: number): number {
  return Math.floor((vectorSize + 7) / 8);
}

/** Bit positions of a key: each hash seeds the next, as Hadoop's HashFunction does. */
export function positions(shape: RowShape, key: Uint8Array, out: Int32Array, start = 0, end = key.length): void {
  murmurHashChain(key, shape.nbHash, shape.vectorSize, out, start, end);
}

export function setPositions(row: FilterRow, pos: Int32Array): void {
  for (let i = 0; i < row.nbHash; i++) row.bits[pos[i] >> 3] |= 1 << (pos[i] & 7);
}

export function hasPositions(row: FilterRow, pos: Int32Array): boolean {
  for (let i = 0; i < row.nbHash; i++) {
    if ((row.bits[pos[i] >> 3] & (1 << (pos[i] & 7))) === 0) return false;
  }
  return true;
}

/** Big-endian DataOutput writer, growing as needed. */
export class DataWriter extends GrowableBytes {
  constructor() {
    super(1024);
  }

  int(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  byte(v: number): void {
    this.ensure(1);
    this.view.setInt8(this.pos, v);
    this.pos += 1;
  }

  bytes(b: Uint8Array): void {
    this.raw(b);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Big-endian DataInput reader that reports truncation as a typed error. */
export class DataReader {
  private readonly view: DataView;
  pos = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new InvalidBloomFilterError(`data ends after ${this.buf.length} bytes, ${this.pos + n} needed`);
    }
  }

  int(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  byte(): number {
    this.need(1);
    const v = this.view.getInt8(this.pos);
    this.pos += 1;
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

export function writeShape(out: DataWriter, shape: RowShape): void {
  out.int(FORMAT_VERSION);
  out.int(shape.nbHash);
  out.byte(shape.hashType);
  out.int(shape.vectorSize);
}

export function readShape(input: DataReader): RowShape {
  const version = input.int();
  if (version > 0) {
    throw new InvalidBloomFilterError('it uses the pre-versioned Hadoop format with Jenkins hashing, which is not supported');
  }
  if (version !== FORMAT_VERSION) throw new InvalidBloomFilterError(`unknown format version ${version}`);
  const nbHash = input.int();
  const hashType = input.byte();
  const vectorSize = input.int();
  if (hashType !== MURMUR_HASH) {
    throw new InvalidBloomFilterError(`hash type ${hashType} is not supported (only ${MURMUR_HASH}, MurmurHash)`);
  }
  if (nbHash <= 0 || vectorSize <= 0) {
    throw new InvalidBloomFilterError(`invalid shape: ${nbHash} hash functions over ${vectorSize} bits`);
  }
  return { vectorSize, nbHash, hashType };
}

export function writeRow(out: DataWriter, row: FilterRow): void {
  writeShape(out, row);
  out.bytes(row.bits);
}

export function readRow(input: DataReader): FilterRow {
  const shape = readShape(input);
  const bits = input.bytes(byteLength(shape.vectorSize));
  // Hadoop ignores bits past vectorSize in the last byte; clear them so re-serializing is canonical.
  const extra = bits.length * 8 - shape.vectorSize;
  if (extra > 0) bits[bits.length - 1] &= 0xff >> extra;
  return { ...shape, bits };
}

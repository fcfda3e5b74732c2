// Writes an HFile v3 that HBase and Hudi read: sorted cells in uncompressed data blocks with
// CRC-32C checksums, a one-level root data index, an empty meta index, the file info (Hudi's
// Avro schema and key range among it) and the protobuf trailer. Lake uses it to build metadata
// tables for tests and benchmarks; it never writes one into a table it commits to.

import { GrowableBytes } from '../bytes/growable-bytes.js';
import { HFileFormatError } from '../errors.js';
import { BLOCK_HEADER_SIZE, BlockMagic } from './block.js';
import { crc32c } from './checksums.js';
import { FileInfoKey } from './file-info.js';
import { compareBytes, utf8Encoder } from './hfile-bytes.js';
import { Codec, TRAILER_SIZE } from './trailer.js';

export interface HFileWriteCell {
  /** The row key; for Hudi, the record key. */
  row: string | Uint8Array;
  value: Uint8Array;
}

export interface HFileWriteOptions {
  /** Payload bytes after which a data block is closed (HBase's default block size is 64 KiB). */
  blockSize?: number;
  /** Extra file info entries, e.g. Hudi's `schema`, `minRecordKey`, `maxRecordKey`. */
  fileInfo?: ReadonlyMap<string, string | Uint8Array>;
}

const BYTES_PER_CHECKSUM = 16 * 1024;
const CHECKSUM_CRC32C = 2;
/** HBase cell type of a put. */
const PUT = 4;
/** Hudi writes cells with HBase's "latest" timestamp. */
const LATEST_TIMESTAMP = 0x7fffffffffffffffn;
/** The comparator Hudi names in the HFiles it writes. */
const COMPARATOR = 'org.apache.hudi.io.storage.HoodieHBaseKVComparator';

/** A big-endian byte buffer for HFile blocks and cell keys. */
class Out extends GrowableBytes {
  constructor() {
    super(1024);
  }
  get length(): number {
    return this.pos;
  }
  bytes(b: Uint8Array): void {
    this.raw(b);
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v & 0xffff, false);
    this.pos += 2;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v, false);
    this.pos += 4;
  }
  i64(v: bigint | number): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt(v), false);
    this.pos += 8;
  }
  /** Hadoop's WritableUtils variable-length long (non-negative values only are needed here). */
  vlong(v: number): void {
    if (v >= -112 && v <= 127) return this.u8(v);
    const bytes: number[] = [];
    for (let x = BigInt(v); x > 0n; x >>= 8n) bytes.unshift(Number(x & 0xffn));
    this.u8(-112 - bytes.length);
    for (const b of bytes) this.u8(b);
  }
  /** Protobuf base-128 varint. */
  varint(v: number): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.u8(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.u8(Number(x));
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function protoVarintField(out: Out, field: number, v: number): void {
  out.varint(field << 3);
  out.varint(v);
}

function protoBytesField(out: Out, field: number, b: Uint8Array): void {
  out.varint((field << 3) | 2);
  out.varint(b.length);
  out.bytes(b);
}

/** The cell key: row length, row, empty family, empty qualifier, timestamp, type. */
function cellKey(row: Uint8Array): Uint8Array {
  const k = new Out();
  k.u16(row.length);
  k.bytes(row);
  k.u8(0);
  k.i64(LATEST_TIMESTAMP);
  k.u8(PUT);
  return k.result();
}

/** A block as written: header, payload, one CRC-32C per 16 KiB of header plus payload. */
function block(magic: string, payload: Uint8Array, prevOffset: number): Uint8Array {
  const chunks = Math.ceil((BLOCK_HEADER_SIZE + payload.length) / BYTES_PER_CHECKSUM);
  const out = new Out();
  out.bytes(utf8Encoder.encode(magic));
  out.i32(payload.length + 4 * chunks);
  out.i32(payload.length);
  out.i64(prevOffset);
  out.u8(CHECKSUM_CRC32C);
  out.i32(BYTES_PER_CHECKSUM);
  out.i32(BLOCK_HEADER_SIZE + payload.length);
  out.bytes(payload);
  const data = out.result();
  for (let i = 0; i < chunks; i++) out.i32(crc32c(data.subarray(i * BYTES_PER_CHECKSUM, Math.min(data.length, (i + 1) * BYTES_PER_CHECKSUM))) | 0);
  return out.result();
}

/**
 * Encodes `cells` (rows in ascending byte order, as HBase requires; a row may repeat) as an
 * HFile v3. Throws HFileFormatError for rows out of order or longer than a cell key allows, and
 * for no cells at all (HBase then needs a meta block before the index, which lake has no use for).
 */
export function writeHFile(cells: Iterable<HFileWriteCell>, options: HFileWriteOptions = {}): Uint8Array {
  const blockSize = options.blockSize ?? 64 * 1024;
  const file = new Out();
  const index: { offset: number; size: number; key: Uint8Array }[] = [];
  let payload = new Out();
  let firstKey: Uint8Array | undefined;
  let lastKey: Uint8Array | undefined;
  let prevRow: Uint8Array | undefined;
  let prevOffset = -1;
  let entries = 0;
  let uncompressed = 0;
  const flush = (): void => {
    if (!firstKey) return;
    const bytes = block(BlockMagic.DATA, payload.result(), prevOffset);
    index.push({ offset: file.length, size: bytes.length, key: firstKey });
    prevOffset = file.length;
    uncompressed += BLOCK_HEADER_SIZE + payload.length;
    file.bytes(bytes);
    payload = new Out();
    firstKey = undefined;
  };
  for (const cell of cells) {
    const row = typeof cell.row === 'string' ? utf8Encoder.encode(cell.row) : cell.row;
    if (row.length > 0x7fff) throw new HFileFormatError(`a row of ${row.length} bytes is longer than an HFile cell key allows (32767)`);
    if (prevRow && compareBytes(prevRow, row) > 0) throw new HFileFormatError('cells must be written in ascending row order');
    prevRow = row;
    const key = cellKey(row);
    firstKey ??= key;
    lastKey = key;
    payload.i32(key.length);
    payload.i32(cell.value.length);
    payload.bytes(key);
    payload.bytes(cell.value);
    payload.u16(0); // no tags
    payload.vlong(0); // memstore timestamp
    entries++;
    if (payload.length >= blockSize) flush();
  }
  flush();
  if (entries === 0) throw new HFileFormatError('an HFile without cells is not written');
  const lastDataBlockOffset = prevOffset;

  const loadOnOpenOffset = file.length;
  const root = new Out();
  for (const e of index) {
    root.i64(e.offset);
    root.i32(e.size);
    root.vlong(e.key.length);
    root.bytes(e.key);
  }
  const rootBlock = block(BlockMagic.ROOT_INDEX, root.result(), prevOffset);
  file.bytes(rootBlock);
  file.bytes(block(BlockMagic.ROOT_INDEX, new Uint8Array(0), loadOnOpenOffset));

  const info = new Map<string, Uint8Array>();
  const int32 = (v: number): Uint8Array => new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
  if (lastKey) info.set(FileInfoKey.LAST_KEY, lastKey);
  info.set(FileInfoKey.MAX_TAGS_LEN, int32(0));
  info.set(FileInfoKey.KEY_VALUE_VERSION, int32(1));
  info.set(FileInfoKey.MAX_MEMSTORE_TS, new Uint8Array(8));
  for (const [k, v] of options.fileInfo ?? []) info.set(k, typeof v === 'string' ? utf8Encoder.encode(v) : v);
  const pairs = new Out();
  for (const [k, v] of [...info].sort(([a], [b]) => compareBytes(utf8Encoder.encode(a), utf8Encoder.encode(b)))) {
    const pair = new Out();
    protoBytesField(pair, 1, utf8Encoder.encode(k));
    protoBytesField(pair, 2, v);
    protoBytesField(pairs, 1, pair.result());
  }
  const infoPayload = new Out();
  infoPayload.bytes(utf8Encoder.encode('PBUF'));
  infoPayload.varint(pairs.length);
  infoPayload.bytes(pairs.result());
  const fileInfoOffset = file.length;
  file.bytes(block(BlockMagic.FILE_INFO, infoPayload.result(), -1));

  const t = new Out();
  protoVarintField(t, 1, fileInfoOffset);
  protoVarintField(t, 2, loadOnOpenOffset);
  protoVarintField(t, 3, rootBlock.length);
  protoVarintField(t, 4, uncompressed);
  protoVarintField(t, 5, index.length);
  protoVarintField(t, 6, 0);
  protoVarintField(t, 7, entries);
  protoVarintField(t, 8, 1);
  protoVarintField(t, 9, 0);
  protoVarintField(t, 10, lastDataBlockOffset);
  protoBytesField(t, 11, utf8Encoder.encode(COMPARATOR));
  protoVarintField(t, 12, Codec.NONE);
  const trailer = new Uint8Array(TRAILER_SIZE);
  trailer.set(utf8Encoder.encode('TRABLK"$'), 0);
  const msg = new Out();
  msg.varint(t.length);
  msg.bytes(t.result());
  trailer.set(msg.result(), 8);
  // Version word: minor version 3 in the top byte, major version 3 below it.
  new DataView(trailer.buffer).setUint32(TRAILER_SIZE - 4, (3 << 24) | 3, false);
  file.bytes(trailer);
  return file.result();
}

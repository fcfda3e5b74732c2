// Splits a Hudi log file into blocks: magic, length, version, type, header, content, footer,
// trailing length. A block whose length runs past the file or is not followed by another magic
// (or the end) is corrupt, as Hudi judges it; like Hudi we skip to the next magic and go on.

import { HeaderKey, LOG_FORMAT_VERSION, LOG_MAGIC } from './log-format.js';

export interface LogBlock {
  type: number;
  formatVersion: number;
  /** Header entries by key ordinal (see HeaderKey). */
  header: Map<number, string>;
  footer: Map<number, string>;
  /** Raw block content; decode with the functions in data-block.ts / delete-block.ts. */
  content: Uint8Array;
  /** Byte offset of the block's magic in the file. */
  offset: number;
  /** Bytes from the magic to the end of the block. */
  length: number;
}

export interface CorruptRegion {
  offset: number;
  length: number;
  /**
   * The instant named in the block's header, when the region starts with a block whose header
   * survived (a torn or damaged block whose first bytes are intact).
   */
  instantTime?: string;
}

export interface LogScan {
  blocks: LogBlock[];
  corrupt: CorruptRegion[];
}

function isMagicAt(bytes: Uint8Array, pos: number): boolean {
  if (pos + LOG_MAGIC.length > bytes.length) return false;
  for (let i = 0; i < LOG_MAGIC.length; i++) if (bytes[pos + i] !== LOG_MAGIC[i]) return false;
  return true;
}

function findMagic(bytes: Uint8Array, from: number): number {
  for (let p = from; p + LOG_MAGIC.length <= bytes.length; p++) {
    if (bytes[p] === 0x23 && isMagicAt(bytes, p)) return p;
  }
  return -1;
}

class Cursor {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new RangeError('block ends early');
  }
  int(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, false);
    this.pos += 4;
    return v;
  }
  long(): number {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, false);
    this.pos += 8;
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('length out of range');
    return Number(v);
  }
  bytesOf(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readMetadata(c: Cursor): Map<number, string> {
  const n = c.int();
  if (n < 0 || n > 64) throw new RangeError(`implausible metadata entry count ${n}`);
  const out = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    const key = c.int();
    const len = c.int();
    out.set(key, utf8.decode(c.bytesOf(len)));
  }
  return out;
}

/** Parses one block at `offset` (which holds a magic); undefined when it is corrupt. */
function readBlock(bytes: Uint8Array, offset: number): LogBlock | undefined {
  try {
    const head = new Cursor(bytes, offset + LOG_MAGIC.length, bytes.length);
    const size = head.long();
    const end = head.pos + size;
    // Hudi's corruption test: the declared size must stay inside the file, the trailing length
    // must agree with it, and what follows must be another magic or the end of the file (a
    // partial magic there is a torn next block, which does not spoil this one).
    if (end > bytes.length) return undefined;
    if (bytes.length - end >= LOG_MAGIC.length && !isMagicAt(bytes, end)) return undefined;
    if (size < 8) return undefined;
    const trailer = new Cursor(bytes, end - 8, end).long();
    if (trailer !== size + LOG_MAGIC.length) return undefined;
    const c = new Cursor(bytes, head.pos, end);
    const formatVersion = c.int();
    if (formatVersion !== LOG_FORMAT_VERSION) return undefined;
    const type = c.int();
    const header = readMetadata(c);
    const contentLength = c.long();
    const content = c.bytesOf(contentLength);
    const footer = readMetadata(c);
    c.long(); // total block length, for reading the file backwards
    if (c.pos !== end) return undefined;
    return { type, formatVersion, header, footer, content, offset, length: end - offset };
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) return undefined;
    throw e;
  }
}

/**
 * The INSTANT_TIME header entry of a block at `offset` that failed to parse, read from as much of
 * its header as is intact; undefined when the header is damaged before that entry.
 */
function headerInstantTime(bytes: Uint8Array, offset: number): string | undefined {
  if (!isMagicAt(bytes, offset)) return undefined;
  try {
    // magic, block size (8), format version (4), block type (4), then the header entries.
    const c = new Cursor(bytes, offset + LOG_MAGIC.length + 16, bytes.length);
    const n = c.int();
    if (n < 0 || n > 64) return undefined;
    for (let i = 0; i < n; i++) {
      const key = c.int();
      const len = c.int();
      const value = utf8.decode(c.bytesOf(len));
      if (key === HeaderKey.INSTANT_TIME) return /^\d{14,17}$/.test(value) ? value : undefined;
    }
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) return undefined;
    throw e;
  }
  return undefined;
}

function corruptRegion(bytes: Uint8Array, offset: number, end: number): CorruptRegion {
  const instantTime = headerInstantTime(bytes, offset);
  return instantTime === undefined ? { offset, length: end - offset } : { offset, length: end - offset, instantTime };
}

/**
 * Reads every block of a log file. Corrupt stretches (bad lengths, torn trailing writes,
 * garbage between blocks) are reported in `corrupt` and skipped, never returned as blocks.
 */
export function readLogBlocks(bytes: Uint8Array): LogScan {
  const blocks: LogBlock[] = [];
  const corrupt: CorruptRegion[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (!isMagicAt(bytes, pos)) {
      const next = findMagic(bytes, pos + 1);
      const end = next === -1 ? bytes.length : next;
      corrupt.push({ offset: pos, length: end - pos });
      pos = end;
      continue;
    }
    const block = readBlock(bytes, pos);
    if (block) {
      blocks.push(block);
      pos += block.length;
      continue;
    }
    const next = findMagic(bytes, pos + 1);
    const end = next === -1 ? bytes.length : next;
    corrupt.push(corruptRegion(bytes, pos, end));
    pos = end;
  }
  return { blocks, corrupt };
}

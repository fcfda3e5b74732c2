// Reading a footer without its key-value metadata: the schema and row groups come first in the
// thrift FileMetaData (fields 1-4), the key-value list after (field 5). A Hudi base file's
// key-value list carries its record-key bloom filter, hundreds of KiB in every file, so a search
// that needs only the row groups' metadata reads the trailer, then the footer's first bytes up to
// the end of the row groups, and stops there.

import type { ByteSource } from './byte-source.js';
import { ParquetError } from './errors.js';
import { parseFooter, readFooterTail, trailerLength, type Footer } from './footer.js';
import { readFieldHeader, skipValue, ThriftDecodeError, type ThriftReader } from './thrift-compact.js';

const TRAILER = 8;
const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

/**
 * Where the fields before the key-value list end in a footer prefix: the offset of field 5's
 * header (or of STOP), or undefined when the prefix ends before that.
 */
function endBeforeKeyValues(bytes: Uint8Array): number | undefined {
  const r: ThriftReader = { bytes, pos: 0 };
  let last = 0;
  try {
    for (;;) {
      const at = r.pos;
      const h = readFieldHeader(r, last);
      if (!h || h.id >= 5) return at;
      last = h.id;
      skipValue(r, h.type);
    }
  } catch (e) {
    if (e instanceof ThriftDecodeError) return undefined;
    throw e;
  }
}

/**
 * The footer without key-value metadata (no ARROW:schema: types come from the Parquet schema),
 * reading `initialPrefix` bytes of it first and four times more while the row groups go on.
 */
export async function readFooterWithoutKeyValues(source: ByteSource, what: string, initialPrefix = 4096): Promise<Footer> {
  const size = source.size;
  if (!Number.isSafeInteger(size) || size < 12) {
    throw new ParquetError('PARQUET_CORRUPT', `Cannot read ${what}: ${size} bytes is too short for a Parquet file (at least 12). The object is empty or truncated.`);
  }
  const length = trailerLength(await source.read(size - TRAILER, TRAILER), size, what);
  const start = size - TRAILER - length;
  let want = Math.min(length, initialPrefix);
  for (;;) {
    const footer = footerFromPrefix(await source.read(start, want), want === length, size, what);
    if (footer) return footer;
    want = Math.min(length, want * 4);
  }
}

/** Parses fields 1-4 of a footer prefix; undefined when the prefix ends before they do (and is not the whole footer). */
function footerFromPrefix(prefix: Uint8Array, whole: boolean, size: number, what: string): Footer | undefined {
  const end = endBeforeKeyValues(prefix);
  if (end === undefined && !whole) return undefined;
  // fields 1-4 then STOP (a corrupt whole footer fails to parse below)
  const thrift = new Uint8Array((end ?? prefix.length) + 1);
  thrift.set(prefix.subarray(0, end ?? prefix.length));
  const withTrailer = new Uint8Array(thrift.length + TRAILER);
  withTrailer.set(thrift);
  new DataView(withTrailer.buffer).setUint32(thrift.length, thrift.length, true);
  withTrailer.set(MAGIC, thrift.length + 4);
  // nothing of the file is kept in memory: reads go to the source
  return { fileSize: size, thrift, tail: new Uint8Array(0), tailOffset: size, metadata: parseFooter(withTrailer, size, what) };
}

/**
 * The footer fetched as `readFooter` fetches it (one suffix read, two for a long footer; its
 * bytes still serve reads inside them) but parsed without the key-value metadata: a reader of a
 * column or two is spared turning a large entry (a Hudi bloom filter) into a string.
 */
export async function readFooterIgnoringKeyValues(source: ByteSource, initialReadSize: number, what: string): Promise<Footer> {
  const { tail, tailOffset, length } = await readFooterTail(source, initialReadSize, what);
  const start = tail.length - length - TRAILER;
  const footer = footerFromPrefix(tail.subarray(start, start + length), true, source.size, what);
  // a whole footer always parses or throws
  if (!footer) throw new ParquetError('PARQUET_CORRUPT', `Cannot read ${what}: its footer could not be parsed.`);
  return { ...footer, tail, tailOffset };
}


// Reading Parquet into Arrow: whole tables from bytes, or row group by row group from a ByteSource
// fetching only the footer and the column chunks a projection needs.

import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { ARROW_SCHEMA_KEY, decodeArrowSchema, encodeArrowSchema, projectSchema } from './arrow-schema-hint.js';
import { byteSourceFromBytes, countingByteSource, type ByteSource, type ReadStats } from './byte-source.js';
import { buildCompactFile, selectedRanges, type ChunkRange, type ChunkSelection, type PageRun } from './compact-file.js';
import { ParquetError } from './errors.js';
import type { ParquetFileMetadata } from './file-metadata.js';
import { DEFAULT_FOOTER_READ, footerFromBytes, readFooter, type Footer } from './footer.js';
import { decode } from './wasm-codec.js';
import { COLUMNWISE_MIN_BYTES, decodeInRuns, joinColumns, perFieldSelections, selectionBytes } from './column-decode.js';
import { readFooterIgnoringKeyValues, readFooterWithoutKeyValues } from './footer-prefix.js';
import { loadColumnBloomFilters, type ColumnBloomFilters } from './bloom-read.js';

export interface ReadOptions {
  /** Top-level column names to read, in the order wanted; all columns when omitted. */
  columns?: string[];
  /** Row group indexes to read (returned in file order); all when omitted. */
  rowGroups?: number[];
  /** Maximum rows per record batch; by default a row group is cut into batches of 1024 rows. */
  batchSize?: number;
}

export interface BatchReadOptions extends ReadOptions {
  /**
   * Fetch the next row group's bytes while the current one is consumed, and further row groups'
   * while their selected chunks add up to at most 4 MiB (default true).
   */
  prefetch?: boolean;
}

export interface OpenOptions {
  /** Bytes read from the end of the file to find the footer in one request (default 64 KiB). */
  footerReadSize?: number;
  /**
   * Chunks closer than this many bytes are fetched in one request, reading the gap too
   * (default 64 KiB): fewer requests at the cost of a few extra bytes.
   */
  coalesceGap?: number;
  /** How the file is named in error messages (e.g. its key). */
  name?: string;
  /**
   * Read the footer without its key-value metadata (ARROW:schema, and writers' extras such as a
   * Hudi record-key bloom filter): the trailer, then only the footer's schema and row groups.
   * Fewer bytes for a search that reads a column or two; types then come from the Parquet schema.
   */
  skipKeyValueMetadata?: boolean;
  /**
   * Fetch the footer as usual but parse it without its key-value metadata: the same requests as
   * a full read (its bytes still serve a small file's data), without decoding a large entry such
   * as a Hudi record-key bloom filter into a string. Types come from the Parquet schema.
   */
  ignoreKeyValueMetadata?: boolean;
}

/** An opened Parquet file: its footer is parsed once, data is fetched per read. */
export interface ParquetFileReader {
  readonly size: number;
  readonly metadata: ParquetFileMetadata;
  /** Requests and bytes fetched from the source so far (footer included). */
  readonly stats: ReadStats;
  /** The Arrow schema of the file (all columns, or the projected ones), without reading data. */
  arrowSchema(columns?: string[]): Schema;
  /** Reads the selected row groups and columns into one table. */
  read(options?: ReadOptions): Promise<Table>;
  /** Yields the selected data row group by row group, in batches of at most `batchSize` rows. */
  batches(options?: BatchReadOptions): AsyncIterable<RecordBatch>;
  /**
   * The bloom filters of top-level column `column`, row group by row group (undefined when it
   * has none). Served from the footer read when they sit inside it, as small files' do.
   */
  bloomFilters(column: string): Promise<ColumnBloomFilters | undefined>;
}

/** An async iterable of batches that also reports what it fetched. */
export interface ParquetBatchStream extends AsyncIterable<RecordBatch> {
  /** Requests and bytes fetched so far; final once iteration is done. */
  readonly stats: ReadStats;
}

interface Resolved {
  selection: ChunkSelection;
  /** Names in the order the caller asked for, when it differs from file order. */
  outputOrder?: string[];
}

function resolve(meta: ParquetFileMetadata, options: ReadOptions, what: string): Resolved {
  let fields = meta.fields.map((_, i) => i);
  let outputOrder: string[] | undefined;
  if (options.columns !== undefined) {
    if (!Array.isArray(options.columns) || options.columns.some((c) => typeof c !== 'string')) {
      throw new ParquetError('PARQUET_INVALID_ARGUMENT', 'The columns option must be an array of column names.');
    }
    const wanted = [...new Set(options.columns)];
    const missing = wanted.filter((c) => !meta.fields.includes(c));
    if (missing.length > 0) {
      throw new ParquetError(
        'PARQUET_COLUMN_NOT_FOUND',
        `${what} has no column ${missing.map((m) => `"${m}"`).join(', ')}. Its columns are: ${meta.fields.join(', ')}.`,
      );
    }
    if (wanted.length === 0) {
      throw new ParquetError('PARQUET_INVALID_ARGUMENT', 'The columns option is empty; name at least one column, or omit it to read all.');
    }
    fields = fields.filter((i) => wanted.includes(meta.fields[i]));
    if (wanted.some((c, k) => c !== meta.fields[fields[k]])) outputOrder = wanted;
  }
  let rowGroups = meta.rowGroups.map((g) => g.index);
  if (options.rowGroups !== undefined) {
    if (!Array.isArray(options.rowGroups)) {
      throw new ParquetError('PARQUET_INVALID_ARGUMENT', 'The rowGroups option must be an array of row group indexes.');
    }
    for (const i of options.rowGroups) {
      if (!Number.isInteger(i) || i < 0 || i >= meta.rowGroups.length) {
        throw new ParquetError(
          'PARQUET_INVALID_ARGUMENT',
          `Row group ${String(i)} does not exist in ${what}, which has ${meta.rowGroups.length} row group(s).`,
        );
      }
    }
    rowGroups = [...new Set(options.rowGroups)].sort((a, b) => a - b);
  }
  const names = new Set(fields.map((i) => meta.fields[i]));
  const columns = meta.columns.filter((c) => names.has(c.path[0])).map((c) => c.index);
  return { selection: { rowGroups, fields, columns }, ...(outputOrder ? { outputOrder } : {}) };
}

function validateBatchSize(batchSize: number | undefined): void {
  if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) {
    throw new ParquetError('PARQUET_INVALID_ARGUMENT', `batchSize must be a positive integer, got ${String(batchSize)}.`);
  }
}

function reorder<T extends Table | RecordBatch>(t: T, order: string[] | undefined): T {
  return order ? (t.select(order) as T) : t;
}

/**
 * Projected ARROW:schema entries by the stored entry, the file's field count and the fields
 * read. Kept across files: many small files of one writer (a slice's log blocks) share one
 * stored entry, and decoding and re-encoding it per file would cost more than decoding their
 * data. Bounded; cleared when full.
 */
const projectedHints = new Map<string, string | undefined>();
const PROJECTED_HINTS_MAX = 256;

/**
 * The ARROW:schema entry for a read of some fields: the stored one when all fields are read,
 * otherwise re-encoded with just those fields. Undefined when the file has none, or one that does
 * not line up with the Parquet schema (then types come from the Parquet schema alone).
 */
function arrowSchemaFor(footer: Footer, fields: number[]): string | undefined {
  const stored = footer.metadata.keyValueMetadata[ARROW_SCHEMA_KEY];
  if (stored === undefined) return undefined;
  const fieldCount = footer.metadata.fields.length;
  if (fields.length === fieldCount) return stored;
  const key = `${fieldCount}/${fields.join(',')}/${stored}`;
  if (projectedHints.has(key)) return projectedHints.get(key);
  let schema: Schema | null;
  try {
    schema = decodeArrowSchema(stored);
    if (schema.fields.length !== fieldCount) schema = null;
  } catch {
    schema = null;
  }
  const encoded = schema ? encodeArrowSchema(projectSchema(schema, fields)) : undefined;
  if (projectedHints.size >= PROJECTED_HINTS_MAX) projectedHints.clear();
  projectedHints.set(key, encoded);
  return encoded;
}

/** Decodes selected chunks already in memory (`chunk` returns their bytes). */
function decodeSelection(
  footer: Footer,
  resolved: Resolved,
  rowGroups: number[],
  chunk: (rowGroup: number, column: number) => Uint8Array,
  what: string,
  batchSize?: number,
): Table {
  const selection = { ...resolved.selection, rowGroups };
  const settings = batchSize !== undefined ? { batchSize } : {};
  const decodeOne = (part: ChunkSelection): Table => {
    const arrowSchema = arrowSchemaFor(footer, part.fields);
    const file = buildCompactFile({ footer, selection: part, chunk, ...(arrowSchema !== undefined ? { arrowSchema } : {}) });
    return decode(file, settings, what);
  };
  if (selection.fields.length < 2 || selectionBytes(footer.metadata, selection) <= COLUMNWISE_MIN_BYTES) {
    return reorder(decodeOne(selection), resolved.outputOrder);
  }
  // The schema of the whole selection (decoded from no row group), then each column on its own,
  // a large chunk of a flat column in runs of its pages.
  const schema = decodeOne({ ...selection, rowGroups: [] }).schema;
  const decodeRun = (part: ChunkSelection, runChunk: Uint8Array, run: PageRun): Table => {
    const arrowSchema = arrowSchemaFor(footer, part.fields);
    return decode(buildCompactFile({ footer, selection: part, chunk: () => runChunk, run, ...(arrowSchema !== undefined ? { arrowSchema } : {}) }), settings, what);
  };
  const columns = perFieldSelections(footer.metadata, selection).map((part) => decodeInRuns(footer.metadata, part, chunk, decodeOne, decodeRun));
  return reorder(joinColumns(schema, columns), resolved.outputOrder);
}

/** Reads a Parquet file held in memory into an Arrow table. */
export function readParquet(bytes: Uint8Array, options: ReadOptions = {}): Table {
  const what = 'Parquet bytes';
  const footer = footerFromBytes(bytes, what);
  const resolved = resolve(footer.metadata, options, what);
  const chunks = chunkLookup(selectedRanges(footer, resolved.selection), (r) => bytes.subarray(r.start, r.start + r.length));
  return decodeSelection(footer, resolved, resolved.selection.rowGroups, chunks, what);
}

/** The Arrow schema `readParquet(bytes, options)` returns, decoding no row. */
export function readParquetSchema(bytes: Uint8Array, options: Pick<ReadOptions, 'columns'> = {}): Schema {
  const what = 'Parquet bytes';
  const footer = footerFromBytes(bytes, what);
  const resolved = resolve(footer.metadata, options, what);
  return decodeSelection(footer, resolved, [], () => new Uint8Array(0), what).schema;
}

/** Reads only the footer of a file held in memory. */
export function readParquetMetadata(bytes: Uint8Array): ParquetFileMetadata {
  return footerFromBytes(bytes).metadata;
}

/** Reads only the footer through a source (a suffix read, plus one more if the footer is large). */
export async function readParquetMetadataFrom(source: ByteSource, options: Pick<OpenOptions, 'footerReadSize' | 'name'> = {}): Promise<ParquetFileMetadata> {
  const counted = countingByteSource(source);
  const footer = await readFooter(counted.source, options.footerReadSize ?? DEFAULT_FOOTER_READ, options.name ?? 'Parquet file');
  return footer.metadata;
}

function chunkLookup(ranges: ChunkRange[], bytesOf: (r: ChunkRange) => Uint8Array): (rg: number, col: number) => Uint8Array {
  const map = new Map<string, Uint8Array>();
  for (const r of ranges) map.set(`${r.rowGroup}/${r.column}`, bytesOf(r));
  return (rg, col) => {
    const b = map.get(`${rg}/${col}`);
    if (!b) throw new Error(`chunk ${rg}/${col} was not fetched`);
    return b;
  };
}

/**
 * Fetches chunk ranges, serving those inside the already-read tail from memory and merging
 * nearby ones into single requests.
 */
async function fetchRanges(source: ByteSource, footer: Footer, ranges: ChunkRange[], gap: number): Promise<(rg: number, col: number) => Uint8Array> {
  const fromTail = (r: ChunkRange): Uint8Array | undefined =>
    r.start >= footer.tailOffset ? footer.tail.subarray(r.start - footer.tailOffset, r.start - footer.tailOffset + r.length) : undefined;
  const remote = ranges.filter((r) => r.length > 0 && fromTail(r) === undefined).sort((a, b) => a.start - b.start);
  const spans: { start: number; end: number; members: ChunkRange[] }[] = [];
  for (const r of remote) {
    const last = spans[spans.length - 1];
    if (last && r.start - last.end <= gap) {
      last.end = Math.max(last.end, r.start + r.length);
      last.members.push(r);
    } else spans.push({ start: r.start, end: r.start + r.length, members: [r] });
  }
  const fetched = new Map<ChunkRange, Uint8Array>();
  await Promise.all(
    spans.map(async (s) => {
      const bytes = await source.read(s.start, s.end - s.start);
      for (const m of s.members) fetched.set(m, bytes.subarray(m.start - s.start, m.start - s.start + m.length));
    }),
  );
  return chunkLookup(ranges, (r) => fetched.get(r) ?? fromTail(r) ?? new Uint8Array(0));
}

/**
 * Column-chunk bytes of row groups a batch read fetches ahead of the one being decoded, beyond
 * the next group (always fetched ahead): on an object store a file's small row groups then cost
 * one round trip together instead of one each.
 */
const PREFETCH_WINDOW_BYTES = 4 * 1024 * 1024;

/** Opens a file (bytes or a source): reads and parses its footer once. */
export async function openParquet(input: Uint8Array | ByteSource, options: OpenOptions = {}): Promise<ParquetFileReader> {
  const what = options.name ? `Parquet file ${options.name}` : input instanceof Uint8Array ? 'Parquet bytes' : 'Parquet file';
  const gap = options.coalesceGap ?? 64 * 1024;
  if (!Number.isSafeInteger(gap) || gap < 0) throw new ParquetError('PARQUET_INVALID_ARGUMENT', `coalesceGap must be a non-negative integer, got ${String(gap)}.`);
  const counted = countingByteSource(input instanceof Uint8Array ? byteSourceFromBytes(input) : input);
  const source = counted.source;
  const footer =
    input instanceof Uint8Array
      ? footerFromBytes(input, what)
      : options.skipKeyValueMetadata
        ? await readFooterWithoutKeyValues(source, what)
        : options.ignoreKeyValueMetadata
          ? await readFooterIgnoringKeyValues(source, options.footerReadSize ?? DEFAULT_FOOTER_READ, what)
          : await readFooter(source, options.footerReadSize ?? DEFAULT_FOOTER_READ, what);

  // reads inside the already-fetched tail cost nothing
  const tailFirst: ByteSource = {
    size: footer.fileSize,
    read: (offset, length) =>
      offset >= footer.tailOffset ? Promise.resolve(footer.tail.subarray(offset - footer.tailOffset, offset - footer.tailOffset + length)) : source.read(offset, length),
  };
  const fetchGroup = (resolved: Resolved, rowGroup: number) =>
    fetchRanges(source, footer, selectedRanges(footer, { rowGroups: [rowGroup], columns: resolved.selection.columns }), gap);

  return {
    size: footer.fileSize,
    metadata: footer.metadata,
    stats: counted.stats,

    arrowSchema(columns?: string[]): Schema {
      const resolved = resolve(footer.metadata, columns ? { columns, rowGroups: [] } : { rowGroups: [] }, what);
      return decodeSelection(footer, resolved, [], () => new Uint8Array(0), what).schema;
    },

    async read(opts: ReadOptions = {}): Promise<Table> {
      validateBatchSize(opts.batchSize);
      const resolved = resolve(footer.metadata, opts, what);
      const chunks = await fetchRanges(source, footer, selectedRanges(footer, resolved.selection), gap);
      return decodeSelection(footer, resolved, resolved.selection.rowGroups, chunks, what, opts.batchSize);
    },

    bloomFilters(column: string): Promise<ColumnBloomFilters | undefined> {
      return loadColumnBloomFilters(tailFirst, footer.metadata, column, what);
    },

    async *batches(opts: BatchReadOptions = {}): AsyncIterable<RecordBatch> {
      validateBatchSize(opts.batchSize);
      const resolved = resolve(footer.metadata, opts, what);
      const groups = resolved.selection.rowGroups;
      const prefetch = opts.prefetch ?? true;
      type Chunks = (rg: number, col: number) => Uint8Array;
      const fetches: (Promise<Chunks> | undefined)[] = [];
      const groupBytes = groups.map((g) => selectionBytes(footer.metadata, { rowGroups: [g], columns: resolved.selection.columns }));
      // Row groups fetched so far, and the bytes of those fetched ahead of the one being decoded.
      let fetched = 0;
      let aheadBytes = 0;
      // Group `fetched` is due when it is the one to decode, or (with prefetch) the next one, or
      // when it still fits the window.
      const due = (k: number) => fetched <= k || (prefetch && (fetched === k + 1 || aheadBytes + groupBytes[fetched] <= PREFETCH_WINDOW_BYTES));
      const fetchThrough = (k: number) => {
        while (fetched < groups.length && due(k)) {
          if (fetched > k) aheadBytes += groupBytes[fetched];
          const pending = fetchGroup(resolved, groups[fetched]);
          // if the consumer stops early nobody awaits it; its error must not go unhandled
          pending.catch(() => undefined);
          fetches[fetched++] = pending;
        }
      };
      for (let k = 0; k < groups.length; k++) {
        if (k > 0 && k < fetched) aheadBytes -= groupBytes[k];
        fetchThrough(k);
        let chunks: Chunks | undefined = await fetches[k]!;
        fetches[k] = undefined;
        const batches = decodeSelection(footer, resolved, [groups[k]], chunks, what, opts.batchSize).batches;
        // Nothing here keeps what the consumer is done with: not the fetched bytes once decoded,
        // not a batch once yielded (a column decoded in runs frees run by run).
        chunks = undefined;
        for (let b = 0; b < batches.length; b++) {
          const batch = batches[b];
          batches[b] = undefined as unknown as RecordBatch;
          yield batch;
        }
      }
    },
  };
}

/**
 * Streams a file's data as record batches, row group by row group, so the caller never holds more
 * than about one row group of it, plus (with prefetch) the next one's fetched bytes and up to
 * 4 MiB more of those after it. On a source, only the footer and the needed
 * column chunks are fetched; `stats` tells how many bytes that was.
 */
export function readParquetBatches(input: Uint8Array | ByteSource, options: BatchReadOptions & OpenOptions = {}): ParquetBatchStream {
  let reader: ParquetFileReader | undefined;
  const stats: ReadStats = { requests: 0, bytesRead: 0 };
  return {
    get stats(): ReadStats {
      return reader ? { ...reader.stats } : stats;
    },
    async *[Symbol.asyncIterator]() {
      validateBatchSize(options.batchSize);
      reader = await openParquet(input, options);
      yield* reader.batches(options);
    },
  };
}

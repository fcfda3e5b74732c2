// Reading a small Parquet file held in memory without parquet-wasm: its flat columns of common
// types are decoded in JavaScript (flat-pages.ts) straight into the Arrow schema parquet-wasm
// would return, which is derived once per distinct footer schema and kept. A merge-on-read
// slice's log holds hundreds of Parquet data blocks of one writer schema and ~100 rows each,
// where parquet-wasm's fixed cost per file (footer parse, a WebAssembly call, the Arrow IPC
// hand-over) dwarfs the data. Columns of other types, encodings or codecs, nested columns and
// files the decoder cannot follow go to readParquet, whole file at a time, so the result is the
// same either way (one record batch per row group here).

import { DataType, makeData, RecordBatch, Struct, Table, TimeUnit, type Data, type Field, type Schema } from 'apache-arrow';
import { flatFooter, Physical, type FlatFooter, type FlatLeaf } from './flat-footer.js';
import { decodeFlatChunk, type DecodedChunk, type ValueLayout } from './flat-pages.js';
import { PageDecodeError } from './rle-hybrid.js';
import { trailerLength } from './footer.js';
import { readParquet, readParquetMetadata, readParquetSchema, type ReadOptions } from './read.js';

/** A Parquet file in memory whose footer was read once. */
export interface ParquetBytesReader {
  /** Top-level column names, in file order. */
  readonly fields: readonly string[];
  /** The selected columns (all when omitted), as readParquet returns them. */
  read(options?: Pick<ReadOptions, 'columns'>): Table;
}

/** Arrow schemas derived from a footer's schema bytes and a selection. */
interface SchemaEntry {
  schemaBytes: Uint8Array;
  keyValueBytes: Uint8Array;
  schema: Schema;
  /** How the selection decodes in JavaScript (null: it does not), once first read. */
  plans?: PlannedColumn[] | null;
}

/** Schemas by footer hash and selection; bounded, cleared when full. */
const schemas = new Map<string, SchemaEntry[]>();
const SCHEMAS_MAX = 128;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The schema parquet-wasm gives the selection: derived by parquet-wasm itself (decoding no row)
 * the first time a footer schema is seen, then kept; files of one writer share it.
 */
function schemaFor(bytes: Uint8Array, footer: FlatFooter, columns: string[] | undefined): SchemaEntry {
  const key = `${footer.schemaHash}\u0001${columns ? columns.join('\u0000') : '*'}`;
  const entries = schemas.get(key) ?? [];
  for (const e of entries) if (sameBytes(e.schemaBytes, footer.schemaBytes) && sameBytes(e.keyValueBytes, footer.keyValueBytes)) return e;
  const schema = readParquetSchema(bytes, columns ? { columns } : {});
  if (schemas.size >= SCHEMAS_MAX) schemas.clear();
  // copies: the footer's bytes are views into a block the caller may drop
  const entry: SchemaEntry = { schemaBytes: footer.schemaBytes.slice(), keyValueBytes: footer.keyValueBytes.slice(), schema };
  schemas.set(key, [...entries, entry]);
  return entry;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Refuses string values that are not UTF-8, as parquet-wasm does: the bytes as a whole must
 * decode, and no value may start inside a character (a continuation byte).
 */
function checkUtf8(data: Uint8Array, offsets: Int32Array): void {
  let ascii = true;
  for (let i = 0; i < data.length; i++) {
    if (data[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return;
  try {
    strictUtf8.decode(data);
  } catch {
    throw new PageDecodeError('a string value is not valid UTF-8');
  }
  for (let i = 0; i < offsets.length - 1; i++) {
    if (offsets[i] < data.length && (data[offsets[i]] & 0xc0) === 0x80) throw new PageDecodeError('a string value starts inside a UTF-8 character');
  }
}

/** An Arrow field decoded from one leaf: the layout its pages decode to and the column it makes. */
interface ColumnPlan {
  layout: ValueLayout;
  build: (chunk: DecodedChunk) => Data;
}

const TIMESTAMP_UNITS: Partial<Record<TimeUnit, number>> = { [TimeUnit.MILLISECOND]: 1, [TimeUnit.MICROSECOND]: 2, [TimeUnit.NANOSECOND]: 3 };
/** Converted types TIMESTAMP_MILLIS and TIMESTAMP_MICROS, as logical time units. */
const CONVERTED_TIMESTAMP_UNITS: Record<number, number> = { 9: 1, 10: 2 };

function timestampUnit(leaf: FlatLeaf): number | undefined {
  if (leaf.logical === 8) return leaf.unit;
  if (leaf.logical === undefined && leaf.converted !== undefined) return CONVERTED_TIMESTAMP_UNITS[leaf.converted];
  return undefined;
}

/** Plain integers: no annotation, or an INTEGER one (logical or converted INT_* / UINT_*). */
function plainInteger(leaf: FlatLeaf): boolean {
  return (leaf.logical === undefined || leaf.logical === 10) && (leaf.converted === undefined || (leaf.converted >= 11 && leaf.converted <= 18));
}

function isDate(leaf: FlatLeaf): boolean {
  return leaf.logical === 6 || (leaf.logical === undefined && leaf.converted === 6);
}

/** How to decode `leaf` into `field`'s type, or undefined when parquet-wasm must. */
function planColumn(field: Field, leaf: FlatLeaf): ColumnPlan | undefined {
  const type = field.type as DataType;
  const base = (c: DecodedChunk) => ({ type, length: c.length, nullCount: c.nullCount, ...(c.validity ? { nullBitmap: c.validity } : {}) });
  const words = (lanes: 1 | 2, view: (w: Int32Array) => ArrayBufferView): ColumnPlan => ({
    layout: { kind: 'words', lanes },
    build: (c) => makeData({ ...base(c), data: view(c.values as Int32Array) } as never),
  });
  const p = leaf.physical;
  if ((DataType.isUtf8(type) || DataType.isBinary(type)) && p === Physical.BYTE_ARRAY) {
    const utf8 = DataType.isUtf8(type);
    return {
      layout: { kind: 'bytes' },
      build: (c) => {
        if (utf8) checkUtf8(c.values as Uint8Array, c.offsets!);
        return makeData({ ...base(c), valueOffsets: c.offsets, data: c.values } as never);
      },
    };
  }
  if (DataType.isBool(type) && p === Physical.BOOLEAN) return { layout: { kind: 'bool' }, build: (c) => makeData({ ...base(c), data: c.values } as never) };
  if (DataType.isInt(type) && plainInteger(leaf)) {
    const Ctor = type.ArrayType as { new (b: ArrayBuffer): ArrayBufferView; from(a: Int32Array): ArrayBufferView };
    if (type.bitWidth === 64 && p === Physical.INT64) return words(2, (w) => new Ctor(w.buffer as ArrayBuffer));
    if (type.bitWidth === 32 && p === Physical.INT32) return words(1, (w) => new Ctor(w.buffer as ArrayBuffer));
    // narrower integers are stored as INT32; the typed array keeps their low bits, as a cast would
    if (type.bitWidth < 32 && p === Physical.INT32) return words(1, (w) => Ctor.from(w));
    return undefined;
  }
  if (DataType.isFloat(type) && leaf.logical === undefined) {
    if (type.ArrayType === Float64Array && p === Physical.DOUBLE) return words(2, (w) => new Float64Array(w.buffer as ArrayBuffer));
    if (type.ArrayType === Float32Array && p === Physical.FLOAT) return words(1, (w) => new Float32Array(w.buffer as ArrayBuffer));
    return undefined;
  }
  if (DataType.isDate(type) && type.ArrayType === Int32Array && p === Physical.INT32 && isDate(leaf)) return words(1, (w) => w);
  if (DataType.isTimestamp(type) && p === Physical.INT64) {
    const unit = timestampUnit(leaf);
    if (unit !== undefined && unit === TIMESTAMP_UNITS[type.unit]) return words(2, (w) => new BigInt64Array(w.buffer as ArrayBuffer));
  }
  return undefined;
}

/**
 * Decodes the selection in JavaScript: undefined when some column needs parquet-wasm (its type,
 * or nesting); throws PageDecodeError on pages it cannot follow (codec, encoding, or damage).
 */
export function decodeInJs(bytes: Uint8Array, columns?: string[]): Table | undefined {
  const footer = footerOf(bytes);
  return footer ? readFlat(bytes, footer, columns) : undefined;
}

interface PlannedColumn {
  leaf: number;
  optional: boolean;
  plan: ColumnPlan;
}

/** How each wanted field decodes, or undefined when some field needs parquet-wasm. */
function planColumns(footer: FlatFooter, wanted: readonly string[], schema: Schema): PlannedColumn[] | undefined {
  if (schema.fields.length !== wanted.length) return undefined;
  const plans: PlannedColumn[] = [];
  for (const [i, name] of wanted.entries()) {
    const f = footer.fields.indexOf(name);
    const leafIndex = f === -1 ? -1 : footer.fieldLeaf[f];
    const field = schema.fields[i];
    if (leafIndex === -1 || field.name !== name) return undefined;
    const leaf = footer.leaves[leafIndex];
    if (leaf.repetition === 2) return undefined;
    const plan = planColumn(field, leaf);
    if (!plan) return undefined;
    plans.push({ leaf: leafIndex, optional: leaf.repetition === 1, plan });
  }
  return plans;
}

function readFlat(bytes: Uint8Array, footer: FlatFooter, columns: string[] | undefined): Table | undefined {
  const wanted = columns ? [...new Set(columns)] : footer.fields;
  if (wanted.length === 0 || wanted.some((name) => !footer.fields.includes(name))) return undefined;
  const entry = schemaFor(bytes, footer, columns);
  // the plan depends only on what the entry was derived from: made once per entry
  if (entry.plans === undefined) entry.plans = planColumns(footer, wanted, entry.schema) ?? null;
  const { schema, plans } = entry;
  if (!plans) return undefined;
  const type = new Struct(schema.fields);
  const batches: RecordBatch[] = [];
  for (const rg of footer.rowGroups) {
    if (rg.numRows === 0) continue;
    const children = plans.map(({ leaf, optional, plan }) => plan.build(decodeFlatChunk(bytes, rg.chunks[leaf], rg.numRows, optional, plan.layout)));
    batches.push(new RecordBatch(schema, makeData({ type, length: rg.numRows, nullCount: 0, children })));
  }
  return batches.length > 0 ? new Table(schema, batches) : new Table(schema);
}

function footerOf(bytes: Uint8Array): FlatFooter | undefined {
  try {
    const length = trailerLength(bytes, bytes.length, 'Parquet bytes');
    const start = bytes.length - 8 - length;
    return flatFooter(bytes.subarray(start, start + length));
  } catch {
    return undefined;
  }
}

/**
 * Opens a Parquet file held in memory for reads that decode flat columns in JavaScript when they
 * can (see above) and through readParquet otherwise; the result is the same table either way.
 */
export function openParquetBytes(bytes: Uint8Array): ParquetBytesReader {
  const footer = bytes instanceof Uint8Array ? footerOf(bytes) : undefined;
  let fields = footer?.fields;
  return {
    get fields(): readonly string[] {
      // a footer the lean reader cannot follow is parsed in full, which reports what is wrong
      fields ??= readParquetMetadata(bytes).fields;
      return fields;
    },
    read(options: Pick<ReadOptions, 'columns'> = {}): Table {
      const columns = options.columns;
      if (footer && (columns === undefined || (Array.isArray(columns) && columns.every((c) => typeof c === 'string')))) {
        try {
          const table = readFlat(bytes, footer, columns);
          if (table) return table;
        } catch {
          // the decoder could not follow the pages: parquet-wasm decodes them or says what is wrong
        }
      }
      return readParquet(bytes, columns !== undefined ? { columns } : {});
    },
  };
}

// Finishes a file whose small decimals were written as plain fixed bytes (fixed-decimals.ts): the
// footer is rewritten so those leaves read as DECIMAL(precision, scale) FIXED_LEN_BYTE_ARRAY, the
// ARROW:schema entry names the original Decimal128 types again, and their statistics are the
// signed numeric min/max (the writer's byte-wise ones would order negatives after positives, so
// they are never written). Data pages stay where they are; only the footer changes.

import type { Data, Decimal, Table } from 'apache-arrow';
import { ARROW_SCHEMA_KEY, encodeArrowSchema } from './arrow-schema-hint.js';
import { ParquetError } from './errors.js';
import { isValid, type FixedDecimalLeaf } from './fixed-decimals.js';
import { footerFromBytes } from './footer.js';
import {
  COPY,
  DROP,
  finish,
  newWriter,
  readBinary,
  readFieldHeader,
  readListHeader,
  readZigZag,
  rewriteStruct,
  rewriteStructList,
  skipValue,
  ThriftDecodeError,
  ThriftType,
  writeBinary,
  writeBytes,
  writeFieldHeader,
  writeListHeader,
  writeStop,
  writeZigZag,
  type FieldAction,
  type FieldInsert,
  type ThriftReader,
  type ThriftWriter,
} from './thrift-compact.js';

const CONVERTED_DECIMAL = 5n;
const LOGICAL_DECIMAL = 5;
const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

interface Stats {
  nulls: number;
  min?: bigint;
  max?: bigint;
}

/** Numeric min, max and null count of a top-level decimal column per row group. */
function rowGroupStats(table: Table, field: number, rowGroupRows: number[]): Stats[] {
  const out: Stats[] = rowGroupRows.map(() => ({ nulls: 0 }));
  let group = 0;
  let left = rowGroupRows[0] ?? 0;
  for (const data of (table.getChildAt(field)?.data ?? []) as Data<Decimal>[]) {
    const stride = data.type.bitWidth / 8;
    const view = new DataView(data.values.buffer, data.values.byteOffset, data.values.byteLength);
    for (let i = 0; i < data.length; i++) {
      while (left === 0 && group < out.length - 1) left = rowGroupRows[++group];
      const s = out[group];
      left--;
      if (!isValid(data, i)) {
        s.nulls++;
        continue;
      }
      // fixed-decimals.ts refused values wider than 8 bytes, so the low 64 bits are the value;
      // a slice's value buffer starts at its first row (its null bitmap does not)
      const at = i * stride;
      const v = stride >= 8 ? view.getBigInt64(at, true) : BigInt(view.getInt32(at, true));
      if (s.min === undefined || v < s.min) s.min = v;
      if (s.max === undefined || v > s.max) s.max = v;
    }
  }
  return out;
}

function bigEndian(v: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  for (let b = 0; b < width; b++) out[width - 1 - b] = Number((v >> BigInt(8 * b)) & 0xffn);
  return out;
}

/** Statistics { 3: null_count, 5: max_value, 6: min_value }. */
function writeStatistics(w: ThriftWriter, s: Stats, width: number): void {
  writeFieldHeader(w, ThriftType.I64, 3, 0);
  writeZigZag(w, BigInt(s.nulls));
  if (s.min !== undefined && s.max !== undefined) {
    writeFieldHeader(w, ThriftType.BINARY, 5, 3);
    writeBinary(w, bigEndian(s.max, width));
    writeFieldHeader(w, ThriftType.BINARY, 6, 5);
    writeBinary(w, bigEndian(s.min, width));
  }
  writeStop(w);
}

/** The SchemaElement annotations: converted type, scale, precision and the DECIMAL logical type. */
function decimalAnnotations(leaf: FixedDecimalLeaf): FieldInsert[] {
  const i32 = (id: number, value: number): FieldInsert => ({ id, type: ThriftType.I32, write: (w) => writeZigZag(w, BigInt(value)) });
  return [
    { id: 6, type: ThriftType.I32, write: (w) => writeZigZag(w, CONVERTED_DECIMAL) },
    i32(7, leaf.scale),
    i32(8, leaf.precision),
    {
      id: 10,
      type: ThriftType.STRUCT,
      write: (w) => {
        writeFieldHeader(w, ThriftType.STRUCT, LOGICAL_DECIMAL, 0);
        writeFieldHeader(w, ThriftType.I32, 1, 0);
        writeZigZag(w, BigInt(leaf.scale));
        writeFieldHeader(w, ThriftType.I32, 2, 1);
        writeZigZag(w, BigInt(leaf.precision));
        writeStop(w);
        writeStop(w);
      },
    },
  ];
}

/** Annotates the decimal leaves of the flat schema list, counting leaves in list order. */
function rewriteSchema(r: ThriftReader, w: ThriftWriter, byLeaf: Map<number, FixedDecimalLeaf>): void {
  const { size, elementType } = readListHeader(r);
  if (elementType !== ThriftType.STRUCT) throw new ThriftDecodeError('schema is not a list of structs');
  writeListHeader(w, size, ThriftType.STRUCT);
  let leaf = -1;
  for (let i = 0; i < size; i++) {
    const start = r.pos;
    let children = 0;
    let last = 0;
    for (;;) {
      const h = readFieldHeader(r, last);
      if (!h) break;
      last = h.id;
      if (h.id === 5 && h.type === ThriftType.I32) children = Number(readZigZag(r));
      else skipValue(r, h.type);
    }
    const element = r.bytes.subarray(start, r.pos);
    const decimal = i > 0 && children === 0 ? byLeaf.get(++leaf) : undefined;
    if (!decimal) {
      writeBytes(w, element);
      continue;
    }
    const replaced = new Set([6, 7, 8, 10]);
    rewriteStruct({ bytes: element, pos: 0 }, w, (h) => (replaced.has(h.id) ? DROP : COPY), decimalAnnotations(decimal));
  }
}

function rewriteKeyValues(r: ThriftReader, w: ThriftWriter, arrowSchema: string): void {
  const { size, elementType } = readListHeader(r);
  if (size > 0 && elementType !== ThriftType.STRUCT) throw new ThriftDecodeError('key-value metadata is not a list of structs');
  writeListHeader(w, size, ThriftType.STRUCT);
  for (let i = 0; i < size; i++) {
    const start = r.pos;
    let key: string | undefined;
    let last = 0;
    for (;;) {
      const h = readFieldHeader(r, last);
      if (!h) break;
      last = h.id;
      if (h.id === 1 && h.type === ThriftType.BINARY) key = utf8Decoder.decode(readBinary(r));
      else skipValue(r, h.type);
    }
    if (key !== ARROW_SCHEMA_KEY) {
      writeBytes(w, r.bytes.subarray(start, r.pos));
      continue;
    }
    writeFieldHeader(w, ThriftType.BINARY, 1, 0);
    writeBinary(w, utf8.encode(ARROW_SCHEMA_KEY));
    writeFieldHeader(w, ThriftType.BINARY, 2, 1);
    writeBinary(w, utf8.encode(arrowSchema));
    writeStop(w);
  }
}

/**
 * Returns the file with its footer rewritten for the fixed-byte decimal leaves; `original` is
 * the table as the caller gave it (Decimal128 columns), whose schema goes into ARROW:schema.
 */
export function annotateFixedDecimals(file: Uint8Array, leaves: FixedDecimalLeaf[], original: Table): Uint8Array {
  const footer = footerFromBytes(file, 'the Parquet file just written');
  const byLeaf = new Map(leaves.map((l) => [l.leaf, l]));
  const rowGroupRows = footer.metadata.rowGroups.map((g) => g.numRows);
  const stats = new Map<number, Stats[]>();
  for (const l of leaves) if (l.field !== undefined) stats.set(l.leaf, rowGroupStats(original, l.field, rowGroupRows));

  const rewriteChunk = (r: ThriftReader, w: ThriftWriter, group: number, leaf: number): void => {
    const decimal = byLeaf.get(leaf);
    if (!decimal) {
      rewriteStruct(r, w, () => COPY);
      return;
    }
    const groupStats = stats.get(leaf)?.[group];
    rewriteStruct(r, w, (h): FieldAction => {
      // the page index holds the writer's byte-wise bounds: leave it unreferenced
      if (h.id >= 4 && h.id <= 7) return DROP;
      if (h.id !== 3) return COPY;
      return {
        kind: 'rewrite',
        rewrite: (r2, w2) =>
          rewriteStruct(
            r2,
            w2,
            (m) => (m.id === 12 ? DROP : COPY),
            groupStats ? [{ id: 12, type: ThriftType.STRUCT, write: (w3) => writeStatistics(w3, groupStats, decimal.byteWidth) }] : [],
          ),
      };
    });
  };

  let thrift: Uint8Array;
  try {
    const r: ThriftReader = { bytes: footer.thrift, pos: 0 };
    const w = newWriter();
    const groups = footer.metadata.rowGroups.length;
    const leafCount = footer.metadata.columns.length;
    rewriteStruct(r, w, (h): FieldAction => {
      if (h.id === 2) return { kind: 'rewrite', rewrite: (r2, w2) => rewriteSchema(r2, w2, byLeaf) };
      if (h.id === 5) return { kind: 'rewrite', rewrite: (r2, w2) => rewriteKeyValues(r2, w2, encodeArrowSchema(original.schema)) };
      if (h.id !== 4) return COPY;
      return {
        kind: 'rewrite',
        rewrite: (r2, w2) =>
          rewriteStructList(
            r2,
            w2,
            () => true,
            (g, r3, w3) =>
              rewriteStruct(r3, w3, (rg) =>
                rg.id === 1
                  ? { kind: 'rewrite', rewrite: (r4, w4) => rewriteStructList(r4, w4, () => true, (j, r5, w5) => rewriteChunk(r5, w5, g, j), leafCount) }
                  : COPY,
              ),
            groups,
          ),
      };
    });
    thrift = finish(w);
  } catch (e) {
    throw new ParquetError('PARQUET_WRITE_FAILED', `Cannot annotate the decimal columns of the written file: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
  }
  const dataEnd = footer.fileSize - 8 - footer.thrift.length;
  const out = new Uint8Array(dataEnd + thrift.length + 8);
  out.set(file.subarray(0, dataEnd), 0);
  out.set(thrift, dataEnd);
  new DataView(out.buffer).setUint32(dataEnd + thrift.length, thrift.length, true);
  out.set(MAGIC, dataEnd + thrift.length + 4);
  return out;
}

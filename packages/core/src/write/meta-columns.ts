// The five `_hoodie_*` meta columns every base file carries first: commit time, commit sequence
// number, record key, partition path and file name. Records carried over unchanged from an older
// file version keep their commit time and sequence number (incremental reads depend on that);
// every record in a file gets that file's name.

import { makeData, RecordBatch, Schema, Struct, Utf8, type Data } from 'apache-arrow';
import { isMetaField, META, prependMetaFields } from '../schema/table-schema.js';
import { selectColumns } from '../arrow/take.js';

/** The data part of a schema (meta fields removed). */
export function withoutMetaFields(schema: Schema): Schema {
  return new Schema(schema.fields.filter((f) => !isMetaField(f.name)), schema.metadata);
}

/** A meta column's values, or the column already built (see seqNoColumn, constantColumn). */
type MetaColumnValues = readonly (string | null)[] | Data<Utf8>;

export interface MetaValues {
  commitTimes: MetaColumnValues;
  seqNos: MetaColumnValues;
  recordKeys: string[];
  partitionPath: string;
  fileName: string;
}

const encoder = new TextEncoder();

/** A Utf8 column built straight into one buffer (Arrow's builder is several times slower). */
export function utf8Column(values: readonly (string | null)[]): Data<Utf8> {
  const length = values.length;
  const first = values[0];
  if (length > 0 && first !== null && values.every((v) => v === first)) return constantColumn(first, length);
  const ascii = length > 0 ? asciiColumn(values) : undefined;
  if (ascii) return ascii;
  const offsets = new Int32Array(length + 1);
  let nulls = 0;
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  // Meta values are ASCII (instants, sequence numbers, keys mostly): guess one byte per char.
  let data = new Uint8Array(Math.max(16, values.reduce((n, v) => n + (v?.length ?? 0), 0)));
  let at = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v === null) {
      nulls++;
    } else {
      bitmap[i >> 3] |= 1 << (i & 7);
      for (;;) {
        const r = encoder.encodeInto(v, data.subarray(at));
        if (r.read === v.length) {
          at += r.written;
          break;
        }
        const grown = new Uint8Array(data.length * 2 + v.length * 3);
        grown.set(data.subarray(0, at));
        data = grown;
      }
    }
    offsets[i + 1] = at;
  }
  return makeData({ type: new Utf8(), length, nullCount: nulls, nullBitmap: nulls > 0 ? bitmap : undefined, valueOffsets: offsets, data: data.subarray(0, at) });
}

/**
 * The column of non-null values that are all ASCII, or undefined: characters copied as bytes in
 * one pass. Encoding value by value costs an encoder call and a subarray per row.
 */
function asciiColumn(values: readonly (string | null)[]): Data<Utf8> | undefined {
  const length = values.length;
  const offsets = new Int32Array(length + 1);
  let at = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v === null) return undefined;
    at += v.length;
    offsets[i + 1] = at;
  }
  const data = new Uint8Array(at);
  let k = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    for (let j = 0; j < v.length; j++) {
      const c = v.charCodeAt(j);
      if (c > 0x7f) return undefined;
      data[k++] = c;
    }
  }
  return makeData({ type: new Utf8(), length, nullCount: 0, valueOffsets: offsets, data });
}

/** A meta column of `length` rows from its values, or the column already built. */
function metaColumn(values: MetaColumnValues, length: number): Data<Utf8> {
  if (!Array.isArray(values)) {
    const built = values as Data<Utf8>;
    if (built.length !== length) throw new RangeError(`a meta column of ${built.length} rows given for ${length} rows`);
    return built;
  }
  if (values.length !== length) throw new RangeError(`a meta column of ${values.length} values given for ${length} rows`);
  return utf8Column(values);
}

/** `length` rows of `value`. */
export function constantColumn(value: string, length: number): Data<Utf8> {
  const bytes = new TextEncoder().encode(value);
  const data = new Uint8Array(bytes.length * length);
  const offsets = new Int32Array(length + 1);
  for (let i = 0; i < length; i++) offsets[i + 1] = (i + 1) * bytes.length;
  // The value once, then what is filled copied after itself: log2(rows) copies, not one per row.
  if (data.length > 0) data.set(bytes, 0);
  for (let filled = bytes.length; filled > 0 && filled < data.length; filled *= 2) data.copyWithin(filled, 0, Math.min(filled, data.length - filled));
  return makeData({ type: new Utf8(), length, nullCount: 0, valueOffsets: offsets, data });
}

/** Builds a base-file batch: meta columns from `meta`, data columns from `data` (same row count). */
export function attachMetaColumns(data: RecordBatch, meta: MetaValues): RecordBatch {
  const length = data.numRows;
  const schema = prependMetaFields(data.schema);
  const dataChildren = data.schema.fields
    .map((f, i) => ({ f, child: data.data.children[i] }))
    .filter(({ f }) => !isMetaField(f.name))
    .map(({ child }) => child);
  const children = [
    metaColumn(meta.commitTimes, length),
    metaColumn(meta.seqNos, length),
    utf8Column(meta.recordKeys),
    constantColumn(meta.partitionPath, length),
    constantColumn(meta.fileName, length),
    ...dataChildren,
  ];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, children }));
}

/**
 * `attachMetaColumns` over consecutive parts of one file (`meta` holds the values of all their
 * rows, in order), each part first given exactly `dataSchema`'s columns: base-file batches
 * without concatenating the parts.
 */
export function withMetaColumns(
  parts: readonly RecordBatch[],
  dataSchema: Schema,
  meta: MetaValues & { commitTimes: readonly (string | null)[]; seqNos: readonly (string | null)[] },
): RecordBatch[] {
  const rows = parts.reduce((n, p) => n + p.numRows, 0);
  if (rows !== meta.recordKeys.length || rows !== meta.commitTimes.length || rows !== meta.seqNos.length) {
    throw new RangeError(`meta values for ${meta.recordKeys.length} rows given for parts of ${rows} rows`);
  }
  let at = 0;
  return parts.map((part) => {
    const end = at + part.numRows;
    const values = { ...meta, commitTimes: meta.commitTimes.slice(at, end), seqNos: meta.seqNos.slice(at, end), recordKeys: meta.recordKeys.slice(at, end) };
    at = end;
    return attachMetaColumns(selectColumns(part, dataSchema), values);
  });
}

/** Hudi's commit sequence number: `<instant>_<writer partition>_<record index>`. */
export function commitSeqNo(instant: string, writerPartition: number, index: number): string {
  return `${instant}_${writerPartition}_${index}`;
}

/**
 * The commit sequence numbers `<instant>_<writerPartition>_<n>` for n = first .. first+count-1 as
 * a column, written as bytes: building and encoding a string per row costs several times more.
 */
export function seqNoColumn(instant: string, writerPartition: number, count: number, first = 0): Data<Utf8> {
  const prefix = encoder.encode(`${instant}_${writerPartition}_`);
  const end = first + count;
  let digitBytes = 0;
  for (let width = 1, from = 0, to = 10; from < end; width++, from = to, to *= 10) digitBytes += width * Math.max(0, Math.min(to, end) - Math.max(from, first));
  const data = new Uint8Array(prefix.length * count + digitBytes);
  const offsets = new Int32Array(count + 1);
  const digits = new Uint8Array(16);
  let at = 0;
  for (let n = 0; n < count; n++) {
    data.set(prefix, at);
    at += prefix.length;
    let d = 0;
    let v = first + n;
    do {
      digits[d++] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    while (d > 0) data[at++] = digits[--d];
    offsets[n + 1] = at;
  }
  return makeData({ type: new Utf8(), length: count, nullCount: 0, valueOffsets: offsets, data });
}

/**
 * The columns a rewritten row carries from where it came (its stored row, or the incoming row
 * with the values this write gives it): commit time, sequence number and record key, then the
 * data columns. Partition path and file name are the same for every row of a file.
 */
export function carriedSchema(dataSchema: Schema): Schema {
  const full = prependMetaFields(dataSchema);
  const constant = new Set<string>([META.partitionPath, META.fileName]);
  return new Schema(full.fields.filter((f) => !constant.has(f.name)), dataSchema.metadata);
}

/**
 * Rows in `carriedSchema` for incoming data rows: this write's commit time, the given sequence
 * numbers and keys (each as values, or as the column already built).
 */
export function carriedRows(
  data: RecordBatch,
  dataSchema: Schema,
  meta: { commitTime: string; seqNos: MetaColumnValues; recordKeys: MetaColumnValues },
): RecordBatch {
  const length = data.numRows;
  const schema = carriedSchema(dataSchema);
  const children = [
    constantColumn(meta.commitTime, length),
    metaColumn(meta.seqNos, length),
    metaColumn(meta.recordKeys, length),
    ...selectColumns(data, dataSchema).data.children,
  ];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/** A base-file batch from rows in `carriedSchema`: the file's partition path and name put in between. */
export function withFileMetaColumns(carried: RecordBatch, partitionPath: string, fileName: string): RecordBatch {
  const length = carried.numRows;
  const schema = prependMetaFields(carried.schema);
  const [commitTimes, seqNos, recordKeys, ...data] = carried.data.children;
  const children = [commitTimes, seqNos, recordKeys, constantColumn(partitionPath, length), constantColumn(fileName, length), ...data];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

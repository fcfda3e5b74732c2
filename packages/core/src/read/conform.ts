// Makes batches from any source (base files, log blocks) carry exactly the requested Arrow
// schema: columns picked by name, absent ones filled with nulls, types re-labelled where the
// memory layout already matches (field names, nullability) and rebuilt where it does not.

import { DataType, makeData, RecordBatch, Schema, Struct, type Data, type Dictionary, type Field, type Table } from 'apache-arrow';

import { concatData, takeData } from '../arrow/take.js';

import { makeColumnBuilder } from './column-builder.js';

/** Whether two types share one memory layout, so data of one can be re-labelled as the other. */
export function sameLayout(a: DataType, b: DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  if (DataType.isInt(a) && DataType.isInt(b)) return a.bitWidth === b.bitWidth && a.isSigned === b.isSigned;
  if (DataType.isFloat(a) && DataType.isFloat(b)) return a.precision === b.precision;
  if (DataType.isDecimal(a) && DataType.isDecimal(b)) return a.scale === b.scale && a.precision === b.precision && a.bitWidth === b.bitWidth;
  if (DataType.isTimestamp(a) && DataType.isTimestamp(b)) return a.unit === b.unit;
  if (DataType.isDate(a) && DataType.isDate(b)) return a.unit === b.unit;
  if (DataType.isTime(a) && DataType.isTime(b)) return a.unit === b.unit && a.bitWidth === b.bitWidth;
  if (DataType.isFixedSizeBinary(a) && DataType.isFixedSizeBinary(b)) return a.byteWidth === b.byteWidth;
  if (DataType.isStruct(a) && DataType.isStruct(b)) {
    return a.children.length === b.children.length && a.children.every((f: Field, i: number) => f.name === b.children[i].name && sameLayout(f.type, b.children[i].type));
  }
  if ((DataType.isList(a) && DataType.isList(b)) || (DataType.isMap(a) && DataType.isMap(b))) {
    return sameLayout(a.children[0].type, b.children[0].type);
  }
  if (DataType.isDictionary(a) || DataType.isUnion(a)) return false;
  return true;
}

function relabel(data: Data, type: DataType): Data {
  if (data.type === type) return data;
  const children = type.children?.length ? data.children.map((c, i) => relabel(c, type.children[i].type)) : data.children;
  // Passing the Data itself as `buffers` shares its buffers, as Data#clone does by default.
  const shared = data as unknown as Parameters<Data['clone']>[4];
  return data.clone(type, data.offset, data.length, data.nullCount, shared, children);
}

/**
 * A dictionary-encoded column decoded to its value type by gathering dictionary entries (no
 * per-value conversion); undefined when the dictionary's values are not of that layout.
 */
function decodeDictionary(data: Data, type: DataType): Data | undefined {
  const dictionary = (data as Data<Dictionary>).dictionary;
  if (!DataType.isDictionary(data.type) || !dictionary || !sameLayout(dictionary.type, type)) return undefined;
  const values = dictionary.data.length === 1 ? dictionary.data[0] : concatData([...dictionary.data]);
  const indices = data.values as ArrayLike<number | bigint>;
  const picks = new Int32Array(data.length);
  // Arrow slices a fixed-width buffer with its Data: `values` starts at the first row already.
  for (let i = 0; i < data.length; i++) picks[i] = Number(indices[i]);
  const taken = takeData(values, picks);
  // Validity comes from the indices, not from the dictionary entries they point at.
  const bitmap = new Uint8Array(Math.ceil(data.length / 8));
  let nulls = 0;
  for (let i = 0; i < data.length; i++) {
    if (data.getValid(i)) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  const valid = nulls === 0 ? undefined : bitmap;
  // Buffers by Arrow's BufferType: offsets, data, validity, type ids.
  const buffers = [taken.valueOffsets, taken.values, valid, taken.typeIds] as unknown as Parameters<Data['clone']>[4];
  return relabel(taken.clone(taken.type, 0, data.length, nulls, buffers), type);
}

/** `data` as a column of `type`: re-labelled when layouts match, otherwise copied value by value. */
export function conformData(data: Data, type: DataType): Data {
  if (sameLayout(data.type, type)) return relabel(data, type);
  const decoded = decodeDictionary(data, type);
  if (decoded) return decoded;
  const b = makeColumnBuilder(type);
  for (let i = 0; i < data.length; i++) b.appendFrom(data, i);
  return b.finish();
}

function nullColumn(type: DataType, length: number): Data {
  const b = makeColumnBuilder(type);
  for (let i = 0; i < length; i++) b.appendNull();
  return b.finish();
}

/** A record batch of `schema` from named columns; missing names become null columns. */
export function batchFromColumns(schema: Schema, length: number, column: (name: string) => Data | undefined): RecordBatch {
  const children = schema.fields.map((f) => {
    const d = column(f.name);
    return d ? conformData(d, f.type) : nullColumn(f.type, length);
  });
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** Every batch of a table, conformed to `schema`. */
export function conformTable(table: Table, schema: Schema): RecordBatch[] {
  return table.batches.map((batch) =>
    batchFromColumns(schema, batch.numRows, (name) => {
      const idx = batch.schema.fields.findIndex((f) => f.name === name);
      return idx === -1 ? undefined : batch.data.children[idx];
    }),
  );
}

/** Keeps only the named fields of a schema, in the schema's order. */
export function projectSchema(schema: Schema, names: ReadonlySet<string>): Schema {
  return new Schema(schema.fields.filter((f) => names.has(f.name)), schema.metadata);
}

// Tables written with `hoodie.datasource.write.drop.partition.columns=true` keep partition
// values only in folder names; reads put them back as columns, typed as the schema says.

import { DataType, makeData, RecordBatch, Struct, type Schema } from 'apache-arrow';

import { makeColumnBuilder } from './column-builder.js';

function parseValue(text: string, type: DataType): unknown {
  if (text === '__HIVE_DEFAULT_PARTITION__' || text === 'default') return null;
  if (DataType.isUtf8(type)) return text;
  if (DataType.isInt(type)) {
    if (!/^-?\d+$/.test(text)) return null;
    return type.bitWidth === 64 ? BigInt(text) : Number(text);
  }
  if (DataType.isFloat(type)) {
    const n = Number(text);
    return Number.isNaN(n) ? null : n;
  }
  if (DataType.isBool(type)) return text === 'true' ? true : text === 'false' ? false : null;
  if (DataType.isDate(type) && type.unit === 0) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(ms) ? null : Math.round(ms / 86_400_000);
  }
  return null;
}

/** Replaces all-null columns named in `values` with the partition value, for every row. */
export function fillPartitionColumns(batch: RecordBatch, schema: Schema, values: ReadonlyMap<string, string>): RecordBatch {
  if (values.size === 0) return batch;
  let changed = false;
  const children = schema.fields.map((f, i) => {
    const col = batch.data.children[i];
    const text = values.get(f.name);
    if (text === undefined || col.nullCount !== col.length) return col;
    const value = parseValue(text, f.type);
    if (value === null) return col;
    const b = makeColumnBuilder(f.type);
    for (let r = 0; r < batch.numRows; r++) b.appendValue(value);
    changed = true;
    return b.finish();
  });
  if (!changed) return batch;
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

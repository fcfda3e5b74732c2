// The record key and partition path Hudi stores in `_hoodie_record_key` and
// `_hoodie_partition_path` for a row of a v9 fixture, worked out from the CREATE TABLE statement
// of its .sql (primaryKey, PARTITIONED BY, the key generator properties), never from lake.
//
// Hudi's rules that apply:
// - one record key field: the key is its value; several: `field1:value1,field2:value2`;
// - no PARTITIONED BY: the partition path is empty;
// - Spark SQL writes hive-style paths (`region=eu`) unless hive_style_partitioning is 'false';
// - the timestamp-based key generator formats the column's time in UTC with the output
//   date format: EPOCHMILLISECONDS and UNIX_TIMESTAMP read milliseconds and seconds since the
//   epoch, DATE_STRING an ISO-8601 text.

import type { Txn } from './v9-txns.js';

export interface KeyLayout {
  keyFields: string[];
  partitionColumn?: string;
  hiveStyle: boolean;
  /** The timestamp-based key generator's settings, when the table uses it. */
  time?: { type: 'EPOCHMILLISECONDS' | 'UNIX_TIMESTAMP' | 'DATE_STRING'; outputFormat: string };
}

const property = (sql: string, key: string): string | undefined => new RegExp(`'${key.replace(/\./g, '\\.')}'\\s*=\\s*'([^']*)'`).exec(sql)?.[1];

/** The key layout a CREATE TABLE statement sets up. */
export function keyLayoutOf(sql: string): KeyLayout {
  const keys = /primaryKey\s*=\s*'([^']+)'/.exec(sql)?.[1];
  if (!keys) throw new Error('the statements name no primaryKey');
  const partitionColumn = /PARTITIONED BY \((\w+)\)/.exec(sql)?.[1];
  const layout: KeyLayout = {
    keyFields: keys.split(',').map((s) => s.trim()),
    ...(partitionColumn && { partitionColumn }),
    hiveStyle: property(sql, 'hoodie.datasource.write.hive_style_partitioning') !== 'false',
  };
  const type = property(sql, 'hoodie.keygen.timebased.timestamp.type');
  if (type) {
    if (type !== 'EPOCHMILLISECONDS' && type !== 'UNIX_TIMESTAMP' && type !== 'DATE_STRING') throw new Error(`timestamp type ${type} is not modelled`);
    const outputFormat = property(sql, 'hoodie.keygen.timebased.output.dateformat');
    if (!outputFormat) throw new Error('the timestamp-based key generator needs an output date format');
    layout.time = { type, outputFormat };
  }
  return layout;
}

function formatUtc(ms: number, format: string): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const parts: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()),
    MM: two(d.getUTCMonth() + 1),
    dd: two(d.getUTCDate()),
    HH: two(d.getUTCHours()),
  };
  return format.replace(/yyyy|MM|dd|HH/g, (token) => parts[token]!);
}

/** `_hoodie_record_key` and `_hoodie_partition_path` of a row. */
export function metaColumnsOf(layout: KeyLayout, row: Txn): { recordKey: string; partitionPath: string } {
  const value = (field: string): string => String(row[field]);
  const recordKey = layout.keyFields.length === 1 ? value(layout.keyFields[0]!) : layout.keyFields.map((f) => `${f}:${value(f)}`).join(",");
  const column = layout.partitionColumn;
  if (column === undefined) return { recordKey, partitionPath: '' };
  let part = value(column);
  if (layout.time) {
    const raw = row[column];
    const ms = layout.time.type === 'DATE_STRING' ? Date.parse(String(raw)) : Number(raw) * (layout.time.type === 'UNIX_TIMESTAMP' ? 1000 : 1);
    part = formatUtc(ms, layout.time.outputFormat);
  }
  return { recordKey, partitionPath: layout.hiveStyle ? `${column}=${part}` : part };
}

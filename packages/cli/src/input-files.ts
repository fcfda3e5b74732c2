// Reads the records of `lake write --input`: NDJSON, CSV or Parquet, by extension or --format.

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Table as ArrowTable, type Schema } from 'apache-arrow';
import { readParquet } from '@lake/parquet';
import { LakeError } from '@lake/storage';
import { inferSchema, rowsToTable, type Row } from '@lake/core';

export type InputFormat = 'ndjson' | 'csv' | 'parquet';

export class InputFileError extends LakeError {
  constructor(message: string) {
    super('INPUT_FILE', message);
  }
}

export function inputFormatOf(path: string, explicit?: string): InputFormat {
  const format = (explicit ?? extname(path).slice(1)).toLowerCase();
  if (format === 'ndjson' || format === 'jsonl' || format === 'json') return 'ndjson';
  if (format === 'csv') return 'csv';
  if (format === 'parquet' || format === 'pq') return 'parquet';
  throw new InputFileError(`Cannot tell the format of ${path}; name it .ndjson, .csv or .parquet, or pass --format.`);
}

function parseNdjson(text: string, path: string): Row[] {
  const rows: Row[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
      rows.push(value as Row);
    } catch (e) {
      throw new InputFileError(`${path}:${i + 1}: not a JSON object (${(e as Error).message}). Each line must hold one record.`);
    }
  });
  return rows;
}

/** CSV cells are text; without a table schema, columns whose every value is numeric or boolean become so. */
function typedCsvRows(rows: Row[]): Row[] {
  const schema = inferSchema(rows);
  const numeric = new Set<string>();
  const integer = new Set<string>();
  const boolean = new Set<string>();
  for (const f of schema.fields) {
    const values = rows.map((r) => r[f.name]).filter((v): v is string => typeof v === 'string' && v !== '');
    if (values.length === 0) continue;
    if (values.every((v) => /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)))) integer.add(f.name);
    else if (values.every((v) => v.trim() !== '' && !Number.isNaN(Number(v)))) numeric.add(f.name);
    else if (values.every((v) => v === 'true' || v === 'false')) boolean.add(f.name);
  }
  return rows.map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === '' || v === undefined) out[k] = null;
      else if (integer.has(k) || numeric.has(k)) out[k] = Number(v);
      else if (boolean.has(k)) out[k] = v === 'true';
      else out[k] = v;
    }
    return out;
  });
}

function parseCsv(text: string, path: string, schema: Schema | undefined): Row[] {
  let rows: Row[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: false }) as Row[];
  } catch (e) {
    throw new InputFileError(`${path}: invalid CSV (${(e as Error).message}).`);
  }
  if (schema) {
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v])));
  }
  return typedCsvRows(rows);
}

/** The records of a file as an Arrow table, typed by the table's schema when it has one. */
export async function readInputFile(path: string, format: InputFormat, schema: Schema | undefined): Promise<ArrowTable> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new InputFileError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  if (format === 'parquet') return readParquet(bytes);
  const text = new TextDecoder().decode(bytes);
  const rows = format === 'ndjson' ? parseNdjson(text, path) : parseCsv(text, path, schema);
  return rowsToTable(rows, schema && schema.fields.length > 0 ? schema : undefined);
}

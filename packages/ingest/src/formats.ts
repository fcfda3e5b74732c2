// Record file formats: NDJSON, CSV, Parquet and Arrow IPC bytes -> records. Two modes: strict
// (`lake write`: a bad line fails the file) and lenient (ingestion: a bad line becomes a record
// that the quarantine receives, and the rest of the file still loads).

import { parse } from 'csv-parse/sync';
import { Table as ArrowTable, tableFromIPC, type Schema } from 'apache-arrow';
import { readParquet } from '@lake/parquet';
import { inferSchema, rowsToJson, rowsToTable, type Row } from '@lake/core';
import { InputFileError } from './errors.js';

export type InputFormat = 'ndjson' | 'csv' | 'parquet' | 'arrow';
export const INPUT_FORMATS: readonly InputFormat[] = ['ndjson', 'csv', 'parquet', 'arrow'];

/** The format named explicitly, or told by the file name's extension; undefined when neither says. */
export function formatOfName(name: string, explicit?: string): InputFormat | undefined {
  const dot = name.lastIndexOf('.');
  const ext = explicit ?? (dot > name.lastIndexOf('/') ? name.slice(dot + 1) : '');
  const format = ext.toLowerCase();
  if (format === 'ndjson' || format === 'jsonl' || format === 'json') return 'ndjson';
  if (format === 'csv') return 'csv';
  if (format === 'parquet' || format === 'pq') return 'parquet';
  if (format === 'arrow' || format === 'arrows' || format === 'ipc' || format === 'feather') return 'arrow';
  return undefined;
}

/** Like `formatOfName`, failing with a typed error when the format cannot be told. */
export function inputFormatOf(path: string, explicit?: string): InputFormat {
  const format = formatOfName(path, explicit);
  if (!format) {
    throw new InputFileError(`Cannot tell the format of ${path}; name it .ndjson, .csv, .parquet or .arrow, or pass --format.`);
  }
  return format;
}

/** One record of a file: a parsed value, or the reason it could not be parsed. */
export interface ParsedRecord {
  value?: Row;
  error?: string;
  raw?: string;
  /** 1-based line (NDJSON, CSV data rows counted after the header) or row number. */
  line: number;
  size: number;
}

/** One NDJSON line as a record (undefined for a blank line); `line` is its 1-based number. */
export function parseNdjsonLine(text: string, line: number): ParsedRecord | undefined {
  // A record line starts with "{": only other lines need the blank check (a trim copies the line).
  if (text.charCodeAt(0) !== 123 && text.trim() === '') return undefined;
  const size = text.length + 1;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object', raw: text, line, size };
    return { value: value as Row, line, size };
  } catch (e) {
    return { error: `not valid JSON (${(e as Error).message})`, raw: text, line, size };
  }
}

function parseNdjsonLenient(text: string): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const r = parseNdjsonLine(lines[i], i + 1);
    if (r) out.push(r);
  }
  return out;
}

function parseCsvRows(text: string, name: string): Row[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true, trim: false }) as Row[];
  } catch (e) {
    throw new InputFileError(`${name}: invalid CSV (${(e as Error).message}).`);
  }
}

function arrowRows(table: ArrowTable): Row[] {
  const rows: Row[] = [];
  for (const batch of table.batches) for (const row of rowsToJson(batch)) rows.push(row);
  return rows;
}

function readArrowIpc(bytes: Uint8Array, name: string): ArrowTable {
  try {
    return tableFromIPC(bytes);
  } catch (e) {
    throw new InputFileError(`${name}: not an Arrow IPC file or stream (${(e as Error).message}).`);
  }
}

/**
 * Every record of a file, leniently: malformed NDJSON lines come back with an `error` instead of
 * failing the file. CSV cells stay text ('' is null); the target schema types them later.
 * Parquet and Arrow IPC rows come back as JSON values (timestamps as ISO-8601 text).
 */
export function parseRecords(bytes: Uint8Array, format: InputFormat, name: string): ParsedRecord[] {
  if (format === 'parquet' || format === 'arrow') {
    const table = format === 'parquet' ? readParquet(bytes) : readArrowIpc(bytes, name);
    const rows = arrowRows(table);
    const size = rows.length > 0 ? Math.max(1, Math.round(bytes.length / rows.length)) : 0;
    return rows.map((value, i) => ({ value, line: i + 1, size }));
  }
  const text = new TextDecoder().decode(bytes);
  if (format === 'ndjson') return parseNdjsonLenient(text);
  const rows = parseCsvRows(text, name);
  const size = rows.length > 0 ? Math.max(1, Math.round(bytes.length / rows.length)) : 0;
  return rows.map((r, i) => ({
    value: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v])),
    line: i + 1,
    size,
  }));
}

/** CSV cells are text; without a table schema, columns whose every value is numeric or boolean become so. */
function typedCsvRows(rows: Row[]): Row[] {
  const schema = inferSchema(rows);
  const numeric = new Set<string>();
  const boolean = new Set<string>();
  for (const f of schema.fields) {
    const values = rows.map((r) => r[f.name]).filter((v): v is string => typeof v === 'string' && v !== '');
    if (values.length === 0) continue;
    if (values.every((v) => /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)))) numeric.add(f.name);
    else if (values.every((v) => v.trim() !== '' && !Number.isNaN(Number(v)))) numeric.add(f.name);
    else if (values.every((v) => v === 'true' || v === 'false')) boolean.add(f.name);
  }
  return rows.map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === '' || v === undefined) out[k] = null;
      else if (numeric.has(k)) out[k] = Number(v);
      else if (boolean.has(k)) out[k] = v === 'true';
      else out[k] = v;
    }
    return out;
  });
}

/**
 * The records of a file as one Arrow table, strictly: any malformed record fails the whole file
 * with its line number. Typed by `schema` when given (the table's data schema). `checkRows` sees
 * NDJSON and CSV rows before they become Arrow (which would turn unencodable text into U+FFFD).
 */
export function parseInputBytes(
  bytes: Uint8Array,
  format: InputFormat,
  name: string,
  schema: Schema | undefined,
  checkRows?: (rows: readonly Row[]) => void,
): ArrowTable {
  if (format === 'parquet') return readParquet(bytes);
  if (format === 'arrow') return readArrowIpc(bytes, name);
  const target = schema && schema.fields.length > 0 ? schema : undefined;
  let rows: Row[];
  if (format === 'ndjson') {
    rows = parseNdjsonLenient(new TextDecoder().decode(bytes)).map((r) => {
      if (r.error !== undefined || !r.value) {
        throw new InputFileError(`${name}:${r.line}: ${r.error ?? 'no record'}. Each line must hold one JSON object.`);
      }
      return r.value;
    });
  } else {
    const raw = parseCsvRows(new TextDecoder().decode(bytes), name);
    rows = target ? raw.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v]))) : typedCsvRows(raw);
  }
  checkRows?.(rows);
  return rowsToTable(rows, target);
}

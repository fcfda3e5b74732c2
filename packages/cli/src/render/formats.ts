// Output formats for rows printed by the CLI: ndjson (one JSON object per line), csv (RFC 4180,
// nested values as JSON text) and table (aligned columns for people at a terminal).

import type { RecordBatch, Schema } from 'apache-arrow';
import { rowsToJson, type JsonValue } from '@lake/core';

import type { OutputFormat } from '../options.js';

export interface RowSink {
  write(batch: RecordBatch): void;
  /** Flushes anything buffered (the table format sizes its columns on the first rows). */
  end(schema: Schema | undefined): void;
}

function cellText(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function ndjsonSink(out: (line: string) => void): RowSink {
  return {
    write(batch) {
      for (const row of rowsToJson(batch)) out(JSON.stringify(row));
    },
    end() {},
  };
}

export function csvSink(out: (line: string) => void): RowSink {
  let headerDone = false;
  const header = (schema: Schema) => {
    if (headerDone) return;
    headerDone = true;
    out(schema.fields.map((f) => csvField(f.name)).join(','));
  };
  return {
    write(batch) {
      header(batch.schema);
      for (const row of rowsToJson(batch)) out(Object.values(row).map((v) => csvField(cellText(v))).join(','));
    },
    end(schema) {
      if (schema) header(schema);
    },
  };
}

const maxCellWidth = 60;

/** Rows the table format looks at to size its columns before it starts printing. */
const TABLE_ALIGN_ROWS = 1000;

/**
 * Aligned columns for people at a terminal. Column widths come from the first `alignRows` rows;
 * from then on rows print as they arrive (a longer cell widens only its own line), so memory
 * stays bounded however many rows follow.
 */
export function tableSink(out: (line: string) => void, alignRows = TABLE_ALIGN_ROWS): RowSink {
  let pending: string[][] | undefined = [];
  let names: string[] | undefined;
  let widths: number[] = [];
  let count = 0;
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const flush = () => {
    if (pending === undefined) return;
    const header = names ?? [];
    widths = header.map((name) => name.length);
    for (const row of pending) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    out(line(header));
    out(widths.map((w) => '-'.repeat(w)).join('-+-'));
    for (const row of pending) out(line(row));
    pending = undefined;
  };
  return {
    write(batch) {
      names ??= batch.schema.fields.map((f) => f.name);
      for (const row of rowsToJson(batch)) {
        const cells = Object.values(row).map((v) => {
          const text = v === null ? 'null' : cellText(v);
          return text.length > maxCellWidth ? `${text.slice(0, maxCellWidth - 1)}…` : text;
        });
        count++;
        if (pending === undefined) out(line(cells));
        else {
          pending.push(cells);
          if (pending.length >= alignRows) flush();
        }
      }
    },
    end(schema) {
      names ??= schema?.fields.map((f) => f.name) ?? [];
      flush();
      out(`(${count} row${count === 1 ? '' : 's'})`);
    },
  };
}

export function sinkFor(format: OutputFormat, out: (line: string) => void): RowSink {
  switch (format) {
    case 'ndjson':
      return ndjsonSink(out);
    case 'csv':
      return csvSink(out);
    case 'table':
      return tableSink(out);
  }
}

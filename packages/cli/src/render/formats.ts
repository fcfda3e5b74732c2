// Output formats for rows printed by the CLI: ndjson (one JSON object per line), csv (RFC 4180,
// nested values as JSON text) and table (aligned columns for people at a terminal).

import type { RecordBatch, Schema } from 'apache-arrow';
import { rowsToJson } from '@lake/core';

import type { OutputFormat } from '../options.js';
import { alignedTable, cellText, TABLE_ALIGN_ROWS } from './aligned-table.js';


export interface RowSink {
  write(batch: RecordBatch): void;
  /** Flushes anything buffered (the table format sizes its columns on the first rows). */
  end(schema: Schema | undefined): void;
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

/** The table format (see aligned-table.ts) over Arrow record batches. */
export function tableSink(out: (line: string) => void, alignRows = TABLE_ALIGN_ROWS): RowSink {
  const table = alignedTable(out, alignRows);
  return {
    write(batch) {
      table.columns(batch.schema.fields.map((f) => f.name));
      for (const row of rowsToJson(batch)) table.row(Object.values(row));
    },
    end(schema) {
      table.columns(schema?.fields.map((f) => f.name) ?? []);
      table.end();
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

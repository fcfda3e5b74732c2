// Prints a stream of record batches in an output format, up to a row limit, without holding
// more than one batch (plus the table format's first rows). The table format is for people and
// stops at DEFAULT_TABLE_LIMIT rows unless told otherwise; it then says how many rows it left
// out and how to get them.

import type { RecordBatch, Schema } from 'apache-arrow';
import type { OutputFormat } from '../options.js';
import { sinkFor } from './formats.js';

export const DEFAULT_TABLE_LIMIT = 1000;

/** `--limit`: undefined = the format's default; 0 = every row. */
function rowLimit(format: OutputFormat, limit: number | undefined): number {
  if (limit === 0) return Infinity;
  return limit ?? (format === 'table' ? DEFAULT_TABLE_LIMIT : Infinity);
}

export interface PrintedRows {
  printed: number;
  /** Rows the limit left out (counted, not held), when the rest of the stream was read. */
  notShown: number;
}

export async function printRows(
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
  schema: () => Promise<Schema | undefined> | Schema | undefined,
  options: { format: OutputFormat; limit: number | undefined; explicitLimit: boolean },
  out: (line: string) => void,
): Promise<PrintedRows> {
  const sink = sinkFor(options.format, out);
  const limit = rowLimit(options.format, options.limit);
  let printed = 0;
  let notShown = 0;
  for await (const batch of batches) {
    const room = limit - printed;
    if (room <= 0) {
      // An explicit --limit stops reading; the table format's default limit counts what it hides.
      if (options.explicitLimit) break;
      notShown += batch.numRows;
      continue;
    }
    const part = batch.numRows > room ? batch.slice(0, room) : batch;
    sink.write(part);
    printed += part.numRows;
    notShown += batch.numRows - part.numRows;
  }
  sink.end(await schema());
  if (notShown > 0 && !options.explicitLimit) {
    out(`(${notShown} more row${notShown === 1 ? '' : 's'} not shown: --limit 0 prints every row, --format ndjson or csv streams them)`);
  }
  return { printed, notShown };
}

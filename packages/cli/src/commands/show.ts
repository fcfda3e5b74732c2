// `lake show`: rows of a snapshot, a time-travel point or an incremental range.

import { openTable } from '@lake/core';
import type { CliIO } from '../io.js';
import { list } from '../options.js';
import { sinkFor, type OutputFormat } from '../render/formats.js';

export interface ShowOptions {
  asOf?: string;
  since?: string;
  until?: string;
  columns?: string;
  withMeta?: boolean;
  format: OutputFormat;
  readOptimized?: boolean;
  limit?: number;
}

export async function showCommand(uri: string, opts: ShowOptions, io: CliIO): Promise<void> {
  const table = await openTable(uri);
  const columns = opts.columns ? list(opts.columns) : undefined;
  const withMeta = opts.withMeta ?? false;
  const stream = opts.since !== undefined || opts.until !== undefined
    ? table.readIncremental({ start: opts.since, end: opts.until, columns, withMeta })
    : table.read({ asOf: opts.asOf, columns, withMeta, readOptimized: opts.readOptimized });
  const sink = sinkFor(opts.format, io.out);
  let remaining = opts.limit ?? Infinity;
  for await (const batch of stream) {
    if (remaining <= 0) break;
    const part = batch.numRows > remaining ? batch.slice(0, remaining) : batch;
    sink.write(part);
    remaining -= part.numRows;
  }
  sink.end(await stream.schema());
  // Rows of damaged log blocks are missing from what was printed (a deleted row may show again):
  // never silently.
  for (const line of stream.warnings) io.err(`warning: ${line}`);
}

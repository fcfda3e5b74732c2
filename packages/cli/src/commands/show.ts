// `lake show`: rows of a snapshot, a time-travel point or an incremental range.

import { openTable } from '@lake/core';
import type { CliIO } from '../io.js';
import { readOptionsFor } from '../metadata-warning.js';
import { list } from '../options.js';
import type { OutputFormat } from '../options.js';
import { printRows } from '../render/print-rows.js';

export interface ShowOptions {
  asOf?: string;
  since?: string;
  until?: string;
  columns?: string;
  withMeta?: boolean;
  format: OutputFormat;
  readOptimized?: boolean;
  limit?: number;
  /** false with --no-metadata-table. */
  metadataTable?: boolean;
}

export async function showCommand(uri: string, opts: ShowOptions, io: CliIO): Promise<void> {
  const table = await openTable(uri, readOptionsFor(opts, io));
  const columns = opts.columns ? list(opts.columns) : undefined;
  const withMeta = opts.withMeta ?? false;
  const stream = opts.since !== undefined || opts.until !== undefined
    ? table.readIncremental({ start: opts.since, end: opts.until, columns, withMeta })
    : table.read({ asOf: opts.asOf, columns, withMeta, readOptimized: opts.readOptimized });
  await printRows(stream, () => stream.schema(), { format: opts.format, limit: opts.limit, explicitLimit: opts.limit !== undefined }, io.out);
  // Rows of damaged log blocks are missing from what was printed (a deleted row may show again):
  // never silently.
  for (const line of stream.warnings) io.err(`warning: ${line}`);
}

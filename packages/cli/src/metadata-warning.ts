// Reads that could not use a table's metadata table say so once on stderr: a scan lists files
// more than once (schema, then rows), and one warning per cause is enough.

import type { TableReadOptions } from '@lake/core';
import type { CliIO } from './io.js';

/** openTable read options for a command: the --no-metadata-table flag and a once-per-cause warning. */
export function readOptionsFor(opts: { metadataTable?: boolean }, io: CliIO): TableReadOptions {
  const seen = new Set<string>();
  return {
    useMetadataTable: opts.metadataTable,
    onWarning: (w) => {
      if (seen.has(w.message)) return;
      seen.add(w.message);
      io.err(`warning: ${w.message}`);
    },
  };
}

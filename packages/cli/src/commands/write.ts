// `lake write`: one file of records -> one commit.

import { assertRowKeys, CONFLICT_RETRIES_KEY, openTable, type InsertDuplicatePolicy, type WriteResult } from '@lake/core/format';
import { existingRecordRows } from '@lake/core/format';
import { Schema } from 'apache-arrow';
import type { CliIO } from '../io.js';
import { inputFormatOf, readInputFile } from '../input-files.js';
import { syncIfEnabled } from './sync.js';

import { writeOperations, type WriteOp } from '../options.js';

export { writeOperations, type WriteOp };

export interface WriteCommandOptions {
  input: string;
  op: WriteOp;
  format?: string;
  json?: boolean;
  conflictRetries?: number;
  /** `--op insert`: Hudi's insert duplicate policy (see WriteOptions.duplicates). */
  duplicates?: InsertDuplicatePolicy;
}

/** A one-shot command retries a lost conflict by default: the failed attempt left nothing visible. */
export const CLI_CONFLICT_RETRIES = 3;

export function describeWrite(r: WriteResult): string {
  return `${r.operation} committed ${r.instant} (${r.action}): ${r.inserted} inserted, ${r.updated} updated, ` +
    `${r.deleted} deleted${r.dropped ? `, ${r.dropped} dropped as duplicates` : ''}; ${r.filesWritten} file(s) written${r.filesReplaced ? `, ${r.filesReplaced} replaced` : ''}, ` +
    `${r.bytesWritten} bytes, partitions: ${r.partitions.length > 0 ? r.partitions.join(', ') : '(none)'}`;
}

export async function writeCommand(uri: string, opts: WriteCommandOptions, io: CliIO): Promise<void> {
  const table = await openTable(uri);
  const full = await table.schema();
  const data = new Schema(full.fields.filter((f) => !f.name.startsWith('_hoodie_')));
  const records = await readInputFile(opts.input, inputFormatOf(opts.input, opts.format), data.fields.length > 0 ? data : undefined, (rows) =>
    assertRowKeys(table.config, rows),
  );
  const retries = { conflictRetries: opts.conflictRetries ?? (table.config.raw.has(CONFLICT_RETRIES_KEY) ? undefined : CLI_CONFLICT_RETRIES) };
  // A commit that changes nothing still costs a timeline entry and a file-system view for every
  // reader after it: a write with nothing to write makes none, and says so.
  if (records.numRows === 0) {
    io.out(`Nothing to write: ${opts.input} holds no records; no commit made.`);
    return;
  }
  if (opts.op === 'delete' && (await existingRecordRows(table, records)).size === 0) {
    io.out(`Nothing to delete: none of the ${records.numRows} key(s) in ${opts.input} is in the table; no commit made.`);
    return;
  }
  let result: WriteResult;
  switch (opts.op) {
    case 'upsert':
      result = await table.upsert(records, retries);
      break;
    case 'insert':
      result = await table.insert(records, { ...retries, duplicates: opts.duplicates });
      break;
    case 'delete':
      result = await table.delete(records, retries);
      break;
    case 'insert_overwrite':
      result = await table.insertOverwrite(records, retries);
      break;
    case 'insert_overwrite_table':
      result = await table.insertOverwrite(records, { ...retries, table: true });
      break;
  }
  io.out(opts.json ? JSON.stringify(result) : describeWrite(result));
  // The commit stands (and is printed) whatever the catalog sync then does.
  await syncIfEnabled(table, io);
}

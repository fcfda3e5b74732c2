// Which keys a file slice's logs currently hold as deleted. Hudi merges a slice's log records
// among themselves first and the result with the base file: a record deleted in a log and then
// upserted with a smaller ordering value than its base-file version would lose to that version
// and come back. Writers route such re-inserts through a rewrite of the file group instead, so
// every engine reads what was written.

import type { ObjectStore } from '@lake/storage';

import type { FileSlice } from '../file-group/file-slice.js';
import { decodeAvroDataBlock, decodeDeleteBlock, decodeParquetDataBlock } from '../log/data-block.js';
import { BlockType } from '../log/log-format.js';
import { scanLogFiles } from '../log/log-scanner.js';
import { META } from '../schema/table-schema.js';

/** The keys among `wanted` whose latest log entry in `slice` is a delete. */
export async function keysDeletedInLogs(
  store: ObjectStore,
  slice: FileSlice,
  isValidInstant: (instant: string) => boolean,
  wanted: ReadonlySet<string>,
): Promise<Set<string>> {
  const deleted = new Set<string>();
  if (slice.logFiles.length === 0 || wanted.size === 0) return deleted;
  const scan = await scanLogFiles(store, slice.logFiles, isValidInstant);
  for (const { block, logFile } of scan.blocks) {
    if (block.type === BlockType.DELETE) {
      for (const d of decodeDeleteBlock(block, logFile.path)) if (wanted.has(d.recordKey)) deleted.add(d.recordKey);
    } else if (block.type === BlockType.PARQUET_DATA) {
      const keys = decodeParquetDataBlock(block, logFile.path, [META.recordKey]).getChild(META.recordKey);
      for (let i = 0; i < (keys?.length ?? 0); i++) deleted.delete(String(keys?.get(i)));
    } else if (block.type === BlockType.AVRO_DATA) {
      for (const r of decodeAvroDataBlock(block, logFile.path).records) deleted.delete(String(r[META.recordKey]));
    }
  }
  return deleted;
}

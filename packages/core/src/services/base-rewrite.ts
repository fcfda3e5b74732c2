// What compaction and clustering share: merged records (meta columns included) written as one
// new base file that keeps each record's commit time and sequence number, so incremental reads
// do not see rewritten records as new; and small timeline/listing helpers.

import type { RecordBatch, Schema } from 'apache-arrow';
import type { Compression } from '@lake/parquet';

import { concatBatches, selectColumns } from '../arrow/take.js';
import { formatBaseFileName, makeWriteToken } from '../file-group/base-file.js';
import { META } from '../schema/table-schema.js';
import { tableCompression } from '../write/compression.js';
import { tableBloomFilterColumns } from '../write/column-bloom-filters.js';
import type { TableContext } from '../table/table-context.js';
import { encodeBaseFile } from '../write/base-file-writer.js';
import { attachMetaColumns } from '../write/meta-columns.js';
import { markerKey } from '../commit/paths.js';

export interface BaseRewrite {
  partitionPath: string;
  fileId: string;
  instant: string;
  writerPartition: number;
  fullSchema: Schema;
  dataSchema: Schema;
  compression?: Compression;
  /** Marker type Hudi records for the output: MERGE (compaction) or CREATE (clustering). */
  marker: 'MERGE' | 'CREATE';
}

/** Writes `batches` (in `fullSchema`) as one base file; returns its path, size and row count. */
export async function writeRewrittenBaseFile(table: TableContext, batches: RecordBatch[], w: BaseRewrite): Promise<{ path: string; bytes: number; records: number }> {
  const merged = concatBatches(w.fullSchema, batches);
  const col = (name: string) => merged.getChild(name);
  const keys = Array.from({ length: merged.numRows }, (_, i) => String(col(META.recordKey)?.get(i)));
  const fileName = formatBaseFileName({ fileId: w.fileId, writeToken: makeWriteToken(w.writerPartition, 1, 0), instantTime: w.instant, extension: 'parquet' });
  const path = w.partitionPath === '' ? fileName : `${w.partitionPath}/${fileName}`;
  const withMeta = attachMeta(merged, w, keys, fileName);
  const bytes = encodeBaseFile([withMeta], withMeta.schema, keys, {
    tableName: table.config.name,
    compression: tableCompression(table.config.raw, w.compression),
    columnBloomFilters: tableBloomFilterColumns(table.config.raw),
  });
  await table.store.put(markerKey(w.instant, path, w.marker), new Uint8Array());
  await table.store.put(path, bytes);
  return { path, bytes: bytes.length, records: merged.numRows };
}


function attachMeta(merged: RecordBatch, w: BaseRewrite, keys: string[], fileName: string): RecordBatch {
  const times = merged.getChild(META.commitTime);
  const seqs = merged.getChild(META.commitSeqno);
  return attachMetaColumns(selectColumns(merged, w.dataSchema), {
    commitTimes: Array.from({ length: merged.numRows }, (_, i) => (times?.get(i) as string | null) ?? w.instant),
    seqNos: Array.from({ length: merged.numRows }, (_, i) => (seqs?.get(i) as string | null) ?? null),
    recordKeys: keys,
    partitionPath: w.partitionPath,
    fileName,
  });
}

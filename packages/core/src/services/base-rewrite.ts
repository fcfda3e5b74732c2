// What compaction and clustering share: merged records (meta columns included) written as one
// new base file that keeps each record's commit time and sequence number, so incremental reads
// do not see rewritten records as new; and small timeline/listing helpers.

import { makeData, RecordBatch, Struct, type Data, type Schema, type Utf8 } from 'apache-arrow';
import type { Compression } from '@lake/parquet';

import { selectColumns } from '../arrow/take.js';
import { formatBaseFileName, makeWriteToken } from '../file-group/base-file.js';
import { META, prependMetaFields } from '../schema/table-schema.js';
import { tableCompression } from '../write/compression.js';
import { tableBloomFilterColumns } from '../write/column-bloom-filters.js';
import type { TableContext } from '../table/table-context.js';
import { baseFileStream } from '../write/base-file-writer.js';
import { carriedSchema, utf8Column, withFileMetaColumns } from '../write/meta-columns.js';
import { markerKey } from '../commit/paths.js';

export interface BaseRewrite {
  partitionPath: string;
  fileId: string;
  instant: string;
  writerPartition: number;
  dataSchema: Schema;
  compression?: Compression;
  /** Marker type Hudi records for the output: MERGE (compaction) or CREATE (clustering). */
  marker: 'MERGE' | 'CREATE';
}

/**
 * Writes the records `batches` yields (meta columns and `dataSchema`'s, at least) as one base file; returns its path, size
 * and row count. Each batch goes to the encoder as it is read, with its commit times, sequence
 * numbers and record keys as stored (no string per row) and this file's name: the rewritten file
 * group is never held whole beside its encoding.
 */
export async function writeRewrittenBaseFile(
  table: TableContext,
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
  w: BaseRewrite,
): Promise<{ path: string; bytes: number; records: number }> {
  const fileName = formatBaseFileName({ fileId: w.fileId, writeToken: makeWriteToken(w.writerPartition, 1, 0), instantTime: w.instant, extension: 'parquet' });
  const path = w.partitionPath === '' ? fileName : `${w.partitionPath}/${fileName}`;
  const carried = carriedSchema(w.dataSchema);
  const keyColumn = carried.fields.findIndex((f) => f.name === META.recordKey);
  const file = baseFileStream(prependMetaFields(w.dataSchema), {
    tableName: table.config.name,
    compression: tableCompression(table.config.raw, w.compression),
    columnBloomFilters: tableBloomFilterColumns(table.config.raw),
  });
  const keys: Data<Utf8>[] = [];
  let records = 0;
  for await (const batch of batches) {
    if (batch.numRows === 0) continue;
    const rows = withCommitTimes(selectColumns(batch, carried), w.instant);
    keys.push(rows.data.children[keyColumn] as Data<Utf8>);
    records += rows.numRows;
    await file.write(withFileMetaColumns(rows, w.partitionPath, fileName));
  }
  const bytes = await file.finish({ columns: keys });
  await table.store.put(markerKey(w.instant, path, w.marker), new Uint8Array());
  await table.store.put(path, bytes);
  return { path, bytes: bytes.length, records };
}

/**
 * Rows whose commit time is missing (a record from a writer that left it empty) get the
 * rewrite's instant, as they would have had if written now; the column is rebuilt only then.
 */
function withCommitTimes(rows: RecordBatch, instant: string): RecordBatch {
  const times = rows.data.children[0] as Data<Utf8>;
  if (times.nullCount === 0) return rows;
  const column = rows.getChildAt(0)!;
  const filled = Array.from({ length: rows.numRows }, (_, i) => (column.get(i) as string | null) ?? instant);
  const children = [utf8Column(filled), ...rows.data.children.slice(1)];
  return new RecordBatch(rows.schema, makeData({ type: new Struct(rows.schema.fields), length: rows.numRows, nullCount: 0, children }));
}

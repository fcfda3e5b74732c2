// Decoding a large selection one top-level column at a time. parquet-wasm decodes into its own
// linear memory, which grows to the largest input plus its decoded Arrow data plus the IPC copy
// handed back, and never shrinks: decoding a 25 MB base file in one call leaves a few hundred MB
// of WebAssembly memory behind for the life of the process. Column by column, that high-water
// mark is set by the widest column instead. The columns are then joined into record batches on
// the JavaScript side, where their bytes already are, without copying them again.

import { makeData, RecordBatch, Struct, Table, type Data, type Schema } from 'apache-arrow';
import type { ChunkSelection, PageRun } from './compact-file.js';
import type { ParquetFileMetadata } from './file-metadata.js';
import { chunkRuns, runBytesOf } from './page-runs.js';

/** Selections with more compressed bytes than this are decoded column by column. */
export const COLUMNWISE_MIN_BYTES = 4 * 1024 * 1024;

/** Column chunks of a flat column larger than this are decoded in runs of pages of about this size. */
export const PAGE_RUN_BYTES = 4 * 1024 * 1024;

/**
 * One field's selection decoded: whole (`decodeWhole`) when it is nested or its chunks are small,
 * otherwise row group by row group, each large chunk in runs of its data pages (`decodeRun`, given
 * a run's bytes: dictionary page and data pages), the results as one table.
 */
export function decodeInRuns(
  meta: ParquetFileMetadata,
  part: ChunkSelection,
  chunk: (rowGroup: number, column: number) => Uint8Array,
  decodeWhole: (part: ChunkSelection) => Table,
  decodeRun: (part: ChunkSelection, bytes: Uint8Array, run: PageRun) => Table,
): Table {
  const column = part.columns[0];
  const large = (rg: number) => meta.rowGroups[rg].columns[column].length > PAGE_RUN_BYTES;
  if (part.columns.length !== 1 || meta.columns[column].maxRepetitionLevel > 0 || !part.rowGroups.some(large)) return decodeWhole(part);
  const tables = part.rowGroups.flatMap((rg): Table[] => {
    const one = { ...part, rowGroups: [rg] };
    const bytes = chunk(rg, column);
    const runs = large(rg) ? chunkRuns(bytes, PAGE_RUN_BYTES) : undefined;
    return runs ? runs.runs.map((run) => decodeRun(one, runBytesOf(bytes, runs, run), run)) : [decodeWhole(one)];
  });
  const schema = tables[0].schema;
  return new Table(schema, tables.flatMap((t) => t.batches.map((b) => new RecordBatch(schema, b.data))));
}

/** Compressed bytes of the selected chunks. */
export function selectionBytes(meta: ParquetFileMetadata, selection: Pick<ChunkSelection, 'rowGroups' | 'columns'>): number {
  let total = 0;
  for (const rg of selection.rowGroups) for (const col of selection.columns) total += meta.rowGroups[rg].columns[col].length;
  return total;
}

/** The selection split into one selection per top-level field (with that field's leaf columns). */
export function perFieldSelections(meta: ParquetFileMetadata, selection: ChunkSelection): ChunkSelection[] {
  return selection.fields.map((f) => ({
    rowGroups: selection.rowGroups,
    fields: [f],
    columns: selection.columns.filter((c) => meta.columns[c].path[0] === meta.fields[f]),
  }));
}

/**
 * Joins single-column tables (same row count, in `schema`'s field order) into one table of
 * `schema`. Their batches may be cut at different rows; output batches are cut wherever any
 * column's batch ends, and slicing a Data only makes a view.
 */
export function joinColumns(schema: Schema, columns: Table[]): Table {
  const chunks = columns.map((t) => t.batches.map((b) => b.data.children[0] as Data));
  const numRows = columns.length > 0 ? columns[0].numRows : 0;
  for (const [i, t] of columns.entries()) {
    if (t.numRows !== numRows) throw new Error(`column ${schema.fields[i]?.name} decoded ${t.numRows} rows, expected ${numRows}`);
  }
  const at = chunks.map(() => ({ chunk: 0, offset: 0 }));
  const type = new Struct(schema.fields);
  const batches: RecordBatch[] = [];
  for (let row = 0; row < numRows; ) {
    // skip exhausted (or empty) chunks, then take the longest run every column has left in its chunk
    let run = Infinity;
    for (const [i, pos] of at.entries()) {
      while (chunks[i][pos.chunk].length - pos.offset === 0) {
        pos.chunk++;
        pos.offset = 0;
      }
      run = Math.min(run, chunks[i][pos.chunk].length - pos.offset);
    }
    const children = at.map((pos, i) => {
      const data = chunks[i][pos.chunk];
      return pos.offset === 0 && run === data.length ? data : data.slice(pos.offset, run);
    });
    for (const pos of at) pos.offset += run;
    batches.push(new RecordBatch(schema, makeData({ type, length: run, nullCount: 0, children })));
    row += run;
  }
  return batches.length > 0 ? new Table(schema, batches) : new Table(schema);
}

// The typed view of a Parquet footer that lake works with: leaf columns with their types, row
// groups with the byte range and decoded statistics of every column chunk.

import type { FileMetaData, SchemaElement } from 'hyparquet';
import { ParquetError } from './errors.js';
import { decodeStatistics, type ColumnChunkStatistics } from './statistics.js';

export type { PhysicalType, TimeUnit, LogicalType, Repetition, ParquetColumn } from './column-types.js';
import type { LogicalType, ParquetColumn, Repetition, TimeUnit } from './column-types.js';

/** One column chunk of one row group: where its bytes are and what its statistics say. */
export interface ParquetColumnChunk {
  columnIndex: number;
  path: string[];
  name: string;
  /** Offset of the chunk's first page (dictionary page if any) in the file. */
  start: number;
  /** Number of bytes from `start` that hold the chunk's pages. */
  length: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Values including nulls (for repeated columns, one per leaf slot). */
  numValues: number;
  codec: string;
  encodings: string[];
  statistics?: ColumnChunkStatistics;
  /** Where the chunk's split-block bloom filter (header and bitset) is, when it has one. */
  bloomFilter?: { offset: number; length?: number };
}

export interface ParquetRowGroup {
  index: number;
  numRows: number;
  /** Uncompressed size of all column data, as the writer reported it. */
  totalByteSize: number;
  /** Sum of the chunks' compressed sizes. */
  compressedSize: number;
  columns: ParquetColumnChunk[];
}

export interface ParquetFileMetadata {
  numRows: number;
  version: number;
  createdBy?: string;
  /** Footer key-value metadata (including ARROW:schema when an Arrow writer made the file). */
  keyValueMetadata: Record<string, string>;
  /** Names of the top-level fields, in file order: what `columns` projections select from. */
  fields: string[];
  /** Leaf columns in file order. */
  columns: ParquetColumn[];
  rowGroups: ParquetRowGroup[];
  /** Size of the thrift-encoded footer, without the 8-byte trailer. */
  metadataLength: number;
}

/** Leaf columns of a flat schema list, with their paths and levels. */
function leafColumns(schema: SchemaElement[]): ParquetColumn[] {
  const leaves: ParquetColumn[] = [];
  let at = 1;
  const walk = (count: number, path: string[], def: number, rep: number, depth: number): void => {
    if (depth > 100) throw new Error('schema nested deeper than 100 levels');
    for (let i = 0; i < count; i++) {
      const el = schema[at++];
      if (!el) throw new Error('schema list ends before all children were listed');
      const repetition: Repetition = el.repetition_type ?? 'REQUIRED';
      const d = def + (repetition === 'REQUIRED' ? 0 : 1);
      const r = rep + (repetition === 'REPEATED' ? 1 : 0);
      const p = [...path, el.name];
      if (el.num_children !== undefined && el.num_children > 0) {
        walk(el.num_children, p, d, r, depth + 1);
      } else {
        if (!el.type) throw new Error(`leaf column ${p.join('.')} has no physical type`);
        const logicalType = effectiveLogicalType(el);
        leaves.push({
          index: leaves.length,
          path: p,
          name: p.join('.'),
          physicalType: el.type,
          ...(logicalType ? { logicalType } : {}),
          ...(el.type_length !== undefined ? { typeLength: el.type_length } : {}),
          repetition,
          maxDefinitionLevel: d,
          maxRepetitionLevel: r,
        });
      }
    }
  };
  const root = schema[0];
  if (!root) throw new Error('schema is empty');
  walk(root.num_children ?? 0, [], 0, 0, 0);
  if (at !== schema.length) throw new Error('schema list has elements outside the tree');
  return leaves;
}

const TIMESTAMP_CONVERTED: Record<string, TimeUnit> = { TIMESTAMP_MILLIS: 'MILLIS', TIMESTAMP_MICROS: 'MICROS' };
const TIME_CONVERTED: Record<string, TimeUnit> = { TIME_MILLIS: 'MILLIS', TIME_MICROS: 'MICROS' };
const INT_CONVERTED: Record<string, [number, boolean]> = {
  INT_8: [8, true],
  INT_16: [16, true],
  INT_32: [32, true],
  INT_64: [64, true],
  UINT_8: [8, false],
  UINT_16: [16, false],
  UINT_32: [32, false],
  UINT_64: [64, false],
};

function effectiveLogicalType(el: SchemaElement): LogicalType | undefined {
  const lt = el.logical_type;
  if (lt) {
    switch (lt.type) {
      case 'STRING':
      case 'ENUM':
      case 'JSON':
      case 'BSON':
      case 'UUID':
      case 'FLOAT16':
      case 'DATE':
      case 'INTERVAL':
      case 'NULL':
        return { type: lt.type };
      case 'DECIMAL':
        return { type: 'DECIMAL', precision: lt.precision, scale: lt.scale ?? 0 };
      case 'TIME':
      case 'TIMESTAMP':
        return { type: lt.type, isAdjustedToUTC: lt.isAdjustedToUTC, unit: lt.unit };
      case 'INTEGER':
        return { type: 'INTEGER', bitWidth: lt.bitWidth, isSigned: lt.isSigned };
      default:
        return { type: 'OTHER', name: String(lt.type) };
    }
  }
  const ct = el.converted_type;
  if (!ct) return undefined;
  if (ct === 'UTF8') return { type: 'STRING' };
  if (ct === 'ENUM' || ct === 'JSON' || ct === 'BSON' || ct === 'DATE' || ct === 'INTERVAL') return { type: ct };
  if (ct === 'DECIMAL') return { type: 'DECIMAL', precision: el.precision ?? 0, scale: el.scale ?? 0 };
  if (ct in TIMESTAMP_CONVERTED) return { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: TIMESTAMP_CONVERTED[ct] };
  if (ct in TIME_CONVERTED) return { type: 'TIME', isAdjustedToUTC: true, unit: TIME_CONVERTED[ct] };
  if (ct in INT_CONVERTED) {
    const [bitWidth, isSigned] = INT_CONVERTED[ct];
    return { type: 'INTEGER', bitWidth, isSigned };
  }
  return undefined;
}

function toNumber(v: bigint | number | undefined, what: string): number {
  if (v === undefined) throw new Error(`footer lacks ${what}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`footer has an invalid ${what}: ${String(v)}`);
  return n;
}

/** Raw thrift statistics structs per row group and column, as hyparquet's thrift decoder returns them. */
export type RawStatistics = (Record<string, unknown> | undefined)[][];

/** Converts hyparquet's footer object (plus raw statistics bytes) into our typed metadata. */
export function toFileMetadata(meta: FileMetaData, rawStats: RawStatistics): ParquetFileMetadata {
  const columns = leafColumns(meta.schema);
  const fields = topLevelFields(meta.schema);
  const keyValueMetadata: Record<string, string> = {};
  for (const kv of meta.key_value_metadata ?? []) keyValueMetadata[kv.key] = kv.value ?? '';

  const rowGroups = meta.row_groups.map((rg, index): ParquetRowGroup => {
    if (rg.columns.length !== columns.length) {
      throw new Error(`row group ${index} has ${rg.columns.length} column chunks, the schema has ${columns.length} leaves`);
    }
    let compressedSize = 0;
    const chunks = rg.columns.map((chunk, j): ParquetColumnChunk => {
      if (chunk.file_path) {
        throw new ParquetError(
          'PARQUET_UNSUPPORTED',
          `Column chunk ${columns[j].name} of row group ${index} lives in another file (${chunk.file_path}); ` +
            'external column chunks are not supported. Rewrite the file with all columns inline.',
        );
      }
      const md = chunk.meta_data;
      if (!md) {
        throw new ParquetError(
          'PARQUET_UNSUPPORTED',
          `Column chunk ${columns[j].name} of row group ${index} has no metadata (encrypted column?); encrypted files are not supported.`,
        );
      }
      const dataStart = toNumber(md.data_page_offset, 'data page offset');
      const dict = md.dictionary_page_offset === undefined ? undefined : Number(md.dictionary_page_offset);
      // some writers put 0 here when there is no dictionary; a real dictionary page precedes the data
      const start = dict !== undefined && dict > 0 && dict < dataStart ? dict : dataStart;
      const length = toNumber(md.total_compressed_size, 'column chunk size');
      compressedSize += length;
      const stats = decodeStatistics(rawStats[index]?.[j], columns[j]);
      const bloomOffset = md.bloom_filter_offset === undefined ? 0 : Number(md.bloom_filter_offset);
      const bloomLength = md.bloom_filter_length;
      return {
        columnIndex: j,
        path: columns[j].path,
        name: columns[j].name,
        start,
        length,
        compressedSize: length,
        uncompressedSize: toNumber(md.total_uncompressed_size, 'uncompressed size'),
        numValues: toNumber(md.num_values, 'value count'),
        codec: md.codec,
        encodings: md.encodings ?? [],
        ...(stats ? { statistics: stats } : {}),
        ...(bloomOffset > 0 ? { bloomFilter: { offset: bloomOffset, ...(bloomLength !== undefined && bloomLength > 0 ? { length: bloomLength } : {}) } } : {}),
      };
    });
    return {
      index,
      numRows: toNumber(rg.num_rows, 'row count'),
      totalByteSize: toNumber(rg.total_byte_size, 'row group size'),
      compressedSize,
      columns: chunks,
    };
  });

  return {
    numRows: toNumber(meta.num_rows, 'row count'),
    version: meta.version,
    ...(meta.created_by ? { createdBy: meta.created_by } : {}),
    keyValueMetadata,
    fields,
    columns,
    rowGroups,
    metadataLength: meta.metadata_length,
  };
}

function topLevelFields(schema: SchemaElement[]): string[] {
  const names: string[] = [];
  let at = 1;
  const skip = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const el = schema[at++];
      if (el?.num_children) skip(el.num_children);
    }
  };
  for (let i = 0; i < (schema[0].num_children ?? 0); i++) {
    const el = schema[at++];
    if (!el) break;
    names.push(el.name);
    if (el.num_children) skip(el.num_children);
  }
  return names;
}

// Cutting one large column chunk of a flat column into runs of consecutive data pages, each
// decoded on its own (with the chunk's dictionary page) by compact-file.ts: a decode then
// copies into parquet-wasm's memory, which never shrinks, a run's bytes rather than the whole
// chunk's. The pages are found from their own headers, so no page index is needed.

import type { PageRun } from './compact-file.js';
import { readFieldHeader, readZigZag, skipValue, ThriftType, type ThriftReader } from './thrift-compact.js';

const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const DATA_PAGE_V2 = 3;

/** A run and where its data pages are in the chunk. */
export interface ChunkRun extends PageRun {
  start: number;
  end: number;
}

export interface ChunkRuns {
  /** End of the dictionary page at the chunk's start (0: none). */
  dictionaryEnd: number;
  runs: ChunkRun[];
}

interface PageHeader {
  type: number;
  uncompressed: number;
  compressed: number;
  values: number;
  rows?: number;
}

/** Field 1 (num_values) of a data page header, and field 3 (num_rows) of a v2 one. */
function readDataHeader(r: ThriftReader, h: PageHeader): void {
  let last = 0;
  for (let f = readFieldHeader(r, last); f; f = readFieldHeader(r, last)) {
    last = f.id;
    if (f.id === 1 && f.type === ThriftType.I32) h.values = Number(readZigZag(r));
    else if (f.id === 3 && f.type === ThriftType.I32) h.rows = Number(readZigZag(r));
    else skipValue(r, f.type);
  }
}

function readPageHeader(r: ThriftReader): PageHeader {
  const h: PageHeader = { type: -1, uncompressed: 0, compressed: -1, values: -1 };
  let last = 0;
  for (let f = readFieldHeader(r, last); f; f = readFieldHeader(r, last)) {
    last = f.id;
    if (f.id === 1 && f.type === ThriftType.I32) h.type = Number(readZigZag(r));
    else if (f.id === 2 && f.type === ThriftType.I32) h.uncompressed = Number(readZigZag(r));
    else if (f.id === 3 && f.type === ThriftType.I32) h.compressed = Number(readZigZag(r));
    else if ((f.id === 5 || f.id === 8) && f.type === ThriftType.STRUCT) readDataHeader(r, h);
    else skipValue(r, f.type);
  }
  return h;
}

/**
 * The chunk's data pages in runs of about `runBytes` compressed bytes, or undefined when it is
 * one run anyway or its pages are not plain (index pages, headers that do not add up): the
 * caller then decodes the chunk whole, which reports any corruption as it always does.
 */
export function chunkRuns(chunk: Uint8Array, runBytes: number): ChunkRuns | undefined {
  const r: ThriftReader = { bytes: chunk, pos: 0 };
  let dictionaryEnd = 0;
  const runs: ChunkRun[] = [];
  let current: ChunkRun | undefined;
  try {
    while (r.pos < chunk.length) {
      const start = r.pos;
      const h = readPageHeader(r);
      const end = r.pos + h.compressed;
      if (h.compressed < 0 || end > chunk.length) return undefined;
      if (h.type === DICTIONARY_PAGE) {
        if (start !== 0) return undefined;
        dictionaryEnd = end;
      } else if (h.type === DATA_PAGE || h.type === DATA_PAGE_V2) {
        const rows = h.type === DATA_PAGE_V2 ? h.rows : h.values;
        if (rows === undefined || rows < 0) return undefined;
        if (!current || current.end - current.start >= runBytes) {
          current = { start, end, rows: 0, dataOffset: dictionaryEnd, uncompressedSize: dictionaryEnd > 0 ? dictionaryUncompressed(chunk, dictionaryEnd) : 0 };
          runs.push(current);
        }
        current.end = end;
        current.rows += rows;
        current.uncompressedSize += end - start - h.compressed + h.uncompressed;
      } else return undefined;
      r.pos = end;
    }
  } catch {
    return undefined;
  }
  return runs.length > 1 ? { dictionaryEnd, runs } : undefined;
}

/** Uncompressed bytes of the dictionary page at the chunk's start, header included. */
function dictionaryUncompressed(chunk: Uint8Array, end: number): number {
  const r: ThriftReader = { bytes: chunk, pos: 0 };
  const h = readPageHeader(r);
  return r.pos + h.uncompressed + (end - r.pos - h.compressed);
}

/** The bytes a run is decoded from: the dictionary page, then the run's data pages. */
export function runBytesOf(chunk: Uint8Array, runs: ChunkRuns, run: ChunkRun): Uint8Array {
  if (runs.dictionaryEnd === 0) return chunk.subarray(run.start, run.end);
  const out = new Uint8Array(runs.dictionaryEnd + run.end - run.start);
  out.set(chunk.subarray(0, runs.dictionaryEnd));
  out.set(chunk.subarray(run.start, run.end), runs.dictionaryEnd);
  return out;
}

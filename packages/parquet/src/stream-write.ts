// Writing a Parquet file from rows that arrive a batch at a time (a file group being merged):
// batches are buffered up to a piece's worth of Arrow bytes, each piece is encoded and joined into
// the file as it fills (see piece-join.ts), and the footer metadata, which may depend on every
// row (a record-key bloom filter), is given at the end. Neither the whole table nor a whole-file
// encode is ever held.

import { RecordBatch, Table, type Schema } from 'apache-arrow';
import { encodePooled } from './encode-pool.js';
import type { FooterMetadata } from './footer-key-values.js';
import { ParquetError } from './errors.js';
import { pieceJoin, type PieceJoin } from './piece-join.js';
import { batchBytes } from './piece-plan.js';
import { encode } from './wasm-codec.js';
import { checkOptions, DEFAULT_PIECE_BYTES, planWrite, type EncodedPiece, type WriteOptions } from './write-plan.js';

export interface StreamWriteOptions extends Omit<WriteOptions, 'metadata'> {
  /** Rows the file is expected to have: sizes row groups with bloom filters. */
  expectedRows?: number;
  /**
   * Bytes the file is expected to have: the buffer it is joined in starts at this size (a little
   * more is harmless; less costs a copy each time it grows by half).
   */
  expectedBytes?: number;
  /** Encode pieces on the Parquet workers (default false: in the calling thread). */
  onWorker?: boolean;
}

export interface ParquetStreamWriter {
  /** Adds rows of the writer's schema; a piece is encoded once enough are buffered. */
  write(batch: RecordBatch): Promise<void>;
  /** Encodes what is left and returns the file, with `metadata` as its footer key-value metadata. */
  finish(metadata?: FooterMetadata): Promise<Uint8Array>;
}

/** Same column names and types, in the same order (nullability and metadata aside). */
function sameColumns(a: Schema, b: Schema): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i].name && String(f.type) === String(b.fields[i].type));
}

export function parquetStreamWriter(schema: Schema, options: StreamWriteOptions = {}): ParquetStreamWriter {
  const { expectedRows, expectedBytes, onWorker = false, ...rest } = options;
  // Pieces of a file of unknown length: row groups with bloom filters get the largest default
  // size (a piece is usually smaller); a file that is one piece is sized as writeParquet sizes it.
  const checked = checkOptions(expectedRows ?? Number.MAX_SAFE_INTEGER, rest);
  const pieceBytes = checked.pieceBytes ?? DEFAULT_PIECE_BYTES;
  let buffered: RecordBatch[] = [];
  let bufferedBytes = 0;
  let join: PieceJoin | undefined;
  let finished = false;

  const encodeTable = async (table: Table, metadata?: FooterMetadata): Promise<Uint8Array> => {
    const planned = planWrite(table, metadata ? checkOptions(expectedRows ?? table.numRows, { ...rest, metadata }) : checked);
    return planned.finish(onWorker ? await encodePooled(planned.table, planned.settings) : encode(planned.table, planned.settings));
  };
  // a piece's bloom filters are placed by the join, not written into the piece first
  const encodePiece = async (table: Table): Promise<EncodedPiece> => {
    const planned = planWrite(table, checked);
    return planned.finishPiece(onWorker ? await encodePooled(planned.table, planned.settings) : encode(planned.table, planned.settings));
  };
  // The piece being encoded (on a worker) while the next one fills: joined in order, and at most
  // one waits beside the one being buffered.
  let inFlight: Promise<void> | undefined;
  let pieces = 0;
  const flush = async (): Promise<void> => {
    const table = new Table(schema, buffered);
    buffered = [];
    bufferedBytes = 0;
    pieces++;
    const previous = inFlight;
    const encoded = encodePiece(table);
    const joined = (async () => {
      const piece = await encoded;
      await previous;
      join ??= pieceJoin(Math.max(expectedBytes ?? 0, 4 * piece.bytes.length) + 64 * 1024);
      join.add(piece.bytes, piece.filters);
    })();
    // awaited by the next flush or by finish; a failure must not go unhandled meanwhile
    joined.catch(() => undefined);
    inFlight = joined;
    if (!onWorker) await joined;
    else await previous;
  };

  return {
    async write(batch) {
      if (finished) throw new ParquetError('PARQUET_INVALID_ARGUMENT', 'The Parquet stream writer is finished; start another for more rows.');
      if (!sameColumns(batch.schema, schema)) {
        throw new ParquetError('PARQUET_INVALID_ARGUMENT', `A batch's columns (${batch.schema.fields.map(String).join(', ')}) differ from the file's (${schema.fields.map(String).join(', ')}).`);
      }
      if (batch.numRows === 0) return;
      // under the file's own schema object, so the piece's table takes it as it is
      buffered.push(batch.schema === schema ? batch : new RecordBatch(schema, batch.data));
      bufferedBytes += batchBytes(batch);
      if (bufferedBytes >= pieceBytes) await flush();
    },
    async finish(metadata) {
      if (finished) throw new ParquetError('PARQUET_INVALID_ARGUMENT', 'The Parquet stream writer is already finished.');
      finished = true;
      // a file that fits one piece is one encode, with its metadata, as writeParquet makes it
      if (pieces === 0) return encodeTable(new Table(schema, buffered), metadata ?? {});
      if (buffered.length > 0) await flush();
      await inFlight;
      return join!.finish(metadata ?? {});
    },
  };
}

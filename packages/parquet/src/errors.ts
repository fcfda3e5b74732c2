// Typed errors of the Parquet layer: every failure to read, decode or write a file surfaces as a
// ParquetError with a stable code, never as a raw decoder exception.

import { LakeError } from '@lake/storage';

export type ParquetErrorCode =
  /** The bytes are not a readable Parquet file (truncated, corrupt footer, corrupt pages). */
  | 'PARQUET_CORRUPT'
  /** The file uses a feature this reader does not handle (encryption, external column chunks). */
  | 'PARQUET_UNSUPPORTED'
  /** A projection names a column the file does not have. */
  | 'PARQUET_COLUMN_NOT_FOUND'
  /** An option passed by the caller is out of range or malformed. */
  | 'PARQUET_INVALID_ARGUMENT'
  /** The writer rejected the Arrow data (unsupported type, inconsistent batches). */
  | 'PARQUET_WRITE_FAILED';

export class ParquetError extends LakeError {
  declare readonly code: ParquetErrorCode;

  constructor(code: ParquetErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Wraps anything thrown while decoding a file into a PARQUET_CORRUPT error naming the file. */
export function corruptError(what: string, cause: unknown): ParquetError {
  if (cause instanceof ParquetError) return cause;
  const detail = describeCause(cause);
  return new ParquetError(
    'PARQUET_CORRUPT',
    `Cannot read ${what}: ${detail}. The bytes are not a valid Parquet file (truncated or corrupt); ` +
      'check that the object was fully written and that the right key was read.',
    { cause },
  );
}

export function describeCause(cause: unknown): string {
  // a Rust panic inside the decoder surfaces as WebAssembly.RuntimeError ("unreachable")
  if (cause instanceof Error && cause.name === 'RuntimeError') return `the Parquet decoder aborted (${cause.message})`;
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

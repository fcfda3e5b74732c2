// Reads the records of `lake write --input` from local disk; parsing (NDJSON, CSV, Parquet,
// Arrow IPC) is @lake/ingest's, shared with `lake ingest`.

import { readFile } from 'node:fs/promises';
import type { Table as ArrowTable, Schema } from 'apache-arrow';
import type { Row } from '@lake/core';
import { InputFileError, inputFormatOf, parseInputBytes, type InputFormat } from '@lake/ingest';

export { inputFormatOf };

/** The records of a file as an Arrow table, typed by the table's schema when it has one. */
export async function readInputFile(
  path: string,
  format: InputFormat,
  schema: Schema | undefined,
  checkRows?: (rows: readonly Row[]) => void,
): Promise<ArrowTable> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new InputFileError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  return parseInputBytes(bytes, format, path, schema, checkRows);
}

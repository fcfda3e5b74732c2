// The ARROW:schema footer entry Arrow writers leave in Parquet files: a base64 Arrow IPC schema
// message. The decoder uses it to restore exact Arrow types (Int8, timezones, field names), so
// when a read keeps only some columns the entry is re-encoded with just those fields.

import { Schema, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { decodeBase64Forgiving, encodeBase64 } from './base64.js';
import { ParquetError } from './errors.js';

export const ARROW_SCHEMA_KEY = 'ARROW:schema';

const CONTINUATION = 0xffffffff;

/** Decodes the entry into an Arrow schema. Throws on malformed input. */
export function decodeArrowSchema(encoded: string): Schema {
  const message = decodeBase64Forgiving(encoded.trim());
  if (!message) throw new ParquetError('PARQUET_CORRUPT', `The ${ARROW_SCHEMA_KEY} footer entry is not Base64; the file's Parquet schema is used instead.`);
  // some writers omit the continuation marker before the length
  const hasMarker = message.length >= 8 && new DataView(message.buffer, message.byteOffset).getUint32(0, true) === CONTINUATION;
  const prefix = hasMarker ? new Uint8Array(0) : new Uint8Array([0xff, 0xff, 0xff, 0xff]);
  // a stream is the schema message followed by the end-of-stream marker
  const stream = new Uint8Array(prefix.length + message.length + 8);
  stream.set(prefix, 0);
  stream.set(message, prefix.length);
  stream.set([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], prefix.length + message.length);
  return tableFromIPC(stream).schema;
}

/** Encodes a schema the way Arrow writers store it: continuation, length, flatbuffer message. */
export function encodeArrowSchema(schema: Schema): string {
  const stream = tableToIPC(new Table(schema), 'stream');
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const metadataLength = view.getUint32(4, true);
  return encodeBase64(stream.subarray(0, 8 + metadataLength));
}

/** The schema restricted to the fields at the given top-level positions. */
export function projectSchema(schema: Schema, fieldIndexes: number[]): Schema {
  return new Schema(
    fieldIndexes.map((i) => schema.fields[i]),
    schema.metadata,
  );
}

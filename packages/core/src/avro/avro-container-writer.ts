// Writes Avro object container files ("Obj\x01", header with the schema, one data block): the
// encoding Hudi uses for plans on the timeline (compaction, clustering, clean, rollback).

import { AvroWriter } from './avro-writer.js';
import { jsonAvroEncoder } from './encode-json.js';

const MAGIC = new Uint8Array([0x4f, 0x62, 0x6a, 0x01]);
const utf8 = new TextEncoder();

function randomSync(): Uint8Array {
  const sync = new Uint8Array(16);
  crypto.getRandomValues(sync);
  return sync;
}

/**
 * A container holding `records`, all of `schema` (an Avro schema as JSON). Union values are
 * given unwrapped (a string for ["null","string"]); maps as plain objects.
 */
export function encodeAvroContainer(schema: object, records: readonly unknown[]): Uint8Array {
  const encode = jsonAvroEncoder(schema);
  const out = new AvroWriter();
  out.raw(MAGIC);
  const meta: [string, Uint8Array][] = [
    ['avro.schema', utf8.encode(JSON.stringify(schema))],
    ['avro.codec', utf8.encode('null')],
  ];
  out.long(meta.length);
  for (const [k, v] of meta) {
    out.bytes(utf8.encode(k));
    out.bytes(v);
  }
  out.long(0);
  const sync = randomSync();
  out.raw(sync);
  if (records.length > 0) {
    const data = new AvroWriter();
    for (const r of records) encode(r, data);
    const block = data.slice(0);
    out.long(records.length);
    out.long(block.length);
    out.raw(block);
    out.raw(sync);
  }
  return out.slice(0);
}

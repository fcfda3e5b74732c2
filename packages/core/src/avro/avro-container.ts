// Avro object container files ("Obj\x01" + header + blocks): the format Hudi uses for timeline
// metadata that is not JSON (v8 commits, rollback, clean, restore, requested replace plans).

import { inflateSync } from 'fflate';

import { AvroDecodeError } from '../errors.js';
import { AvroReader, readDatum } from './avro-decoder.js';
import { parseAvroSchema, type AvroType } from './avro-schema.js';

const MAGIC = [0x4f, 0x62, 0x6a, 0x01];

/** Whether the bytes start with the Avro container magic. */
export function isAvroContainer(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}

export interface AvroContainer {
  schema: AvroType;
  schemaJson: string;
  metadata: Map<string, Uint8Array>;
  records: unknown[];
}

const utf8 = new TextDecoder();

/** Reads every record of a container file; codecs `null` and `deflate` are supported. */
export function readAvroContainer(bytes: Uint8Array): AvroContainer {
  if (!isAvroContainer(bytes)) throw new AvroDecodeError('Not an Avro container file (missing "Obj\\x01" magic)');
  const r = new AvroReader(bytes, 4);
  const metadata = new Map<string, Uint8Array>();
  r.readBlocks(() => {
    const k = r.readString();
    metadata.set(k, r.readBytes());
  });
  const sync = r.readFixed(16);
  const schemaBytes = metadata.get('avro.schema');
  if (!schemaBytes) throw new AvroDecodeError('Avro container has no avro.schema in its header');
  const schemaJson = utf8.decode(schemaBytes);
  const schema = parseAvroSchema(schemaJson);
  const codec = metadata.get('avro.codec') ? utf8.decode(metadata.get('avro.codec')) : 'null';
  if (codec !== 'null' && codec !== 'deflate') {
    throw new AvroDecodeError(`Avro container codec "${codec}" is not supported (null and deflate are)`);
  }
  const records: unknown[] = [];
  while (r.pos < r.end) {
    const count = r.readLength('block count');
    const size = r.readLength('block size');
    const block = r.readFixed(size);
    let data = block;
    if (codec === 'deflate') {
      try {
        data = inflateSync(block);
      } catch (e) {
        throw new AvroDecodeError('Avro container block does not inflate', { cause: e });
      }
    }
    const br = new AvroReader(data);
    for (let i = 0; i < count; i++) records.push(readDatum(schema, br));
    const marker = r.readFixed(16);
    if (!marker.every((b, i) => b === sync[i])) {
      throw new AvroDecodeError(`Avro container sync marker mismatch at offset ${r.pos - 16}`);
    }
  }
  return { schema, schemaJson, metadata, records };
}

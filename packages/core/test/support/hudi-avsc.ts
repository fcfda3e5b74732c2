// Loads the Hudi Avro schemas kept in test/hudi-avsc (see its NOTICE) as avsc types, so tests
// decode what lake writes with Hudi's own schemas, independently of lake's Avro code.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';

const dir = fileURLToPath(new URL('../hudi-avsc/', import.meta.url));

function load(name: string): unknown {
  return JSON.parse(readFileSync(`${dir}${name}.avsc`, 'utf8')) as unknown;
}

/** The named Hudi schema; the records other schemas name (wrappers, instant info) are registered first. */
export function hudiType(name: string, options: { wrapUnions?: boolean } = {}): avro.Type {
  const registry: Record<string, avro.Type> = {};
  for (const shared of ['HoodieWrappers', 'HoodieInstantInfo']) {
    // the wrappers file is a union of records: register them with the union wrapped (always unambiguous)
    avro.Type.forSchema(load(shared) as avro.Schema, { registry, wrapUnions: true });
  }
  return avro.Type.forSchema(load(name) as avro.Schema, { registry, wrapUnions: options.wrapUnions ?? false });
}

/**
 * Decodes an Avro object container lake wrote (its own writer schema embedded) as Hudi reads it:
 * resolved against Hudi's schema, so a field Hudi needs that lake lacks or mistypes fails here.
 */
export async function decodeAsHudi(name: string, container: Uint8Array): Promise<unknown[]> {
  const reader = hudiType(name);
  let writer: avro.Type | undefined;
  const records: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    const decoder = new avro.streams.BlockDecoder({
      parseHook: (schema: avro.Schema) => {
        writer = avro.Type.forSchema(schema);
        return writer;
      },
    });
    decoder.on('data', (r: unknown) => records.push(r));
    decoder.on('error', reject);
    decoder.on('end', () => resolve());
    decoder.end(Buffer.from(container));
  });
  if (!writer) throw new Error(`no Avro container header in the ${name} bytes`);
  const resolver = reader.createResolver(writer);
  return records.map((r) => reader.fromBuffer(writer!.toBuffer(r), resolver));
}

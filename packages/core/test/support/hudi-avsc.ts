// Loads the Hudi Avro schemas kept in test/hudi-avsc (see its NOTICE) as avsc types, so tests
// decode what lake writes with Hudi's own schemas, independently of lake's Avro code.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';

const dir = fileURLToPath(new URL('../hudi-avsc/', import.meta.url));

function load(name: string): unknown {
  return JSON.parse(readFileSync(`${dir}${name}.avsc`, 'utf8')) as unknown;
}

/** The named Hudi schema; wrapper records are registered first for the schemas that name them. */
export function hudiType(name: string, options: { wrapUnions?: boolean } = {}): avro.Type {
  const registry: Record<string, avro.Type> = {};
  avro.Type.forSchema(load('HoodieWrappers') as avro.Schema, { registry, wrapUnions: options.wrapUnions ?? false });
  return avro.Type.forSchema(load(name) as avro.Schema, { registry, wrapUnions: options.wrapUnions ?? false });
}

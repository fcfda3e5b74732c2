// Decimals in the files lake writes, as parquet-avro reads them for Hudi (Spark upserts into a
// lake file group, Hudi compaction, MOR snapshot reads of Parquet log blocks): base files and
// Parquet log blocks store every decimal as FIXED_LEN_BYTE_ARRAY exactly as wide as the Avro
// `fixed` the schema in the footer and commit names, annotated DECIMAL(precision, scale).

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { Decimal, Field, Schema, Utf8 } from 'apache-arrow';
import { parquetMetadata, type SchemaElement } from 'hyparquet';

import { createTable, rowsToJson } from '../src/index.js';
import { readLogBlocks } from '../src/log/log-reader.js';
import { BlockType } from '../src/log/log-format.js';

interface AvroField {
  name: string;
  type: unknown;
}

/** The `fixed` decimal of a field, unwrapping a nullable union. */
function fixedOf(field: AvroField): { size: number; precision: number; scale: number } {
  const t = Array.isArray(field.type) ? field.type.find((b) => b !== 'null') : field.type;
  return t as { size: number; precision: number; scale: number };
}

function checkDecimals(file: Uint8Array, decimals: string[]): void {
  const meta = parquetMetadata(file);
  const avro = JSON.parse(meta.key_value_metadata!.find((kv) => kv.key === 'parquet.avro.schema')!.value!) as { fields: AvroField[] };
  for (const name of decimals) {
    const el = meta.schema.find((e: SchemaElement) => e.name === name)!;
    const fixed = fixedOf(avro.fields.find((f) => f.name === name)!);
    expect(el.type).toBe('FIXED_LEN_BYTE_ARRAY');
    expect(el.type_length).toBe(fixed.size);
    expect(el.converted_type).toBe('DECIMAL');
    expect([el.precision, el.scale]).toEqual([fixed.precision, fixed.scale]);
  }
}

describe('decimal columns in lake files', () => {
  it('are fixed bytes of the Avro fixed size in base files and Parquet log blocks', async () => {
    const store = new MemoryStore(`decimal-files-${process.pid}`);
    const schema = new Schema([
      new Field('id', new Utf8(), false),
      new Field('p', new Utf8(), true),
      new Field('price', new Decimal(2, 10, 128), true),
      new Field('qty', new Decimal(0, 4, 128), true),
    ]);
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], type: 'mor', schema });
    await t.insert([
      { id: 'a', p: 'x', price: '-12345678.90', qty: '9999' },
      { id: 'b', p: 'x', price: '0.05', qty: null },
    ]);
    await t.upsert([{ id: 'a', p: 'x', price: '42.00', qty: '-1' }]);

    let bases = 0;
    let blocks = 0;
    for await (const o of store.list('x/')) {
      const bytes = await store.get(o.key);
      if (o.key.endsWith('.parquet')) {
        checkDecimals(bytes, ['price', 'qty']);
        bases++;
      } else if (o.key.includes('.log.')) {
        for (const b of readLogBlocks(bytes).blocks) {
          if (b.type !== BlockType.PARQUET_DATA) continue;
          checkDecimals(b.content, ['price', 'qty']);
          blocks++;
        }
      }
    }
    expect([bases, blocks]).toEqual([1, 1]);
    const rows: Record<string, unknown>[] = [];
    for await (const b of t.read({ withMeta: false })) rows.push(...rowsToJson(b));
    expect(rows.sort((x, y) => String(x.id).localeCompare(String(y.id)))).toEqual([
      { id: 'a', p: 'x', price: '42.00', qty: '-1' },
      { id: 'b', p: 'x', price: '0.05', qty: null },
    ]);
  });
});

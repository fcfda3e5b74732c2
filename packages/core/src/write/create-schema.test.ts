// hoodie.table.create.schema: a table created without a schema records its first write's in
// hoodie.properties (as Spark does when its first write creates the table), keeping every other
// property and a valid checksum; a schema given at creation is never replaced.

import { MemoryStore } from '@lake/storage';
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { parseProperties } from '../config/properties.js';
import { checksumMatches, parseTableConfig } from '../config/table-config.js';
import { createTable } from '../table/create-table.js';

const KEY = '.hoodie/hoodie.properties';
let n = 0;
const newStore = () => new MemoryStore(`create-schema-${process.pid}-${++n}`);

async function propertiesOf(store: MemoryStore): Promise<{ text: string; map: Map<string, string> }> {
  const text = new TextDecoder().decode(await store.get(KEY));
  return { text, map: parseProperties(text) };
}

describe('hoodie.table.create.schema', () => {
  it('is recorded from the first write of a table created without one', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], orderingField: 'ts' });
    const before = await propertiesOf(store);
    expect(before.map.has('hoodie.table.create.schema')).toBe(false);
    await t.insert([{ id: 'a', p: 'x', ts: 1, amount: 2.5 }]);
    const after = await propertiesOf(store);
    const schema = JSON.parse(after.map.get('hoodie.table.create.schema')!) as { type: string; name: string; fields: { name: string }[] };
    expect(schema.type).toBe('record');
    expect(schema.fields.map((f) => f.name)).toEqual(['id', 'p', 'ts', 'amount']);
    // everything else as it was, and the checksum still what Hudi computes
    const others = new Map([...after.map].filter(([k]) => k !== 'hoodie.table.create.schema'));
    expect(others).toEqual(before.map);
    expect(checksumMatches(parseTableConfig(after.text))).toBe(true);
    // the schema a reader resolves before and after agrees with the file
    await t.upsert([{ id: 'b', p: 'x', ts: 2, amount: 1 }]);
    expect((await propertiesOf(store)).map.get('hoodie.table.create.schema')).toBe(after.map.get('hoodie.table.create.schema'));
  });

  it('is left as given at creation', async () => {
    const store = newStore();
    const given = new Schema([new Field('id', new Utf8(), false), new Field('p', new Utf8(), true), new Field('n', new Int32(), true)]);
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], schema: given });
    const before = (await propertiesOf(store)).text;
    await t.insert([{ id: 'a', p: 'x', n: 1 }]);
    expect((await propertiesOf(store)).text).toBe(before);
  });

  it('is not recorded by a write that knows no columns', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'] });
    await t.delete([{ id: 'a' }]);
    expect((await propertiesOf(store)).map.has('hoodie.table.create.schema')).toBe(false);
  });
});

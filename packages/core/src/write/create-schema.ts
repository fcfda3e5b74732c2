// `hoodie.table.create.schema`: Hudi records the schema a table was created with in
// hoodie.properties, and Spark creates a table with its first write, so a Spark-made table always
// has it (Hudi falls back to it while no commit names a schema). A lake table created without a
// schema gets it from its first write, as Spark would have written it, before that write starts.

import type { ObjectStore } from '@lake/storage';
import type { Schema } from 'apache-arrow';

import { parseProperties } from '../config/properties.js';
import { formatTableProperties, TableProps, type TableConfig } from '../config/table-config.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import { HOODIE_PROPERTIES } from '../commit/paths.js';

/** Where hoodie.properties lives in every table version. */

/** Configs whose hoodie.properties is known to hold a create schema (saves a read per write). */
const recorded = new WeakSet<TableConfig>();

/**
 * Adds `hoodie.table.create.schema` (the data columns, as createTable writes it) to
 * hoodie.properties when the table has none yet. The file is replaced in one put, so readers
 * see the old or the new properties, never a torn file; the checksum is recomputed.
 */
export async function recordCreateSchema(store: ObjectStore, config: TableConfig, dataSchema: Schema, now: Date = new Date()): Promise<void> {
  if (config.createSchema || recorded.has(config) || dataSchema.fields.length === 0) return;
  const props = parseProperties(new TextDecoder().decode(await store.get(HOODIE_PROPERTIES)));
  if (!props.get(TableProps.createSchema)) {
    props.set(TableProps.createSchema, JSON.stringify(arrowSchemaToAvro(dataSchema, { tableName: config.name })));
    await store.put(HOODIE_PROPERTIES, new TextEncoder().encode(formatTableProperties(props, now)));
  }
  recorded.add(config);
}

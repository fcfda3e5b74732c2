// Shared helpers of the ingest tests: an events table, temp folders, reading a table back.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float64, Int32, Schema, TimeUnit, Timestamp, Utf8 } from 'apache-arrow';
import { createTable, rowsToJson, type HudiTable } from '@lake/core';
import type { ObjectStore } from '@lake/storage';

export const eventSchema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('user', new Utf8(), true),
  new Field('ts', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), false),
  new Field('amount', new Float64(), true),
  new Field('count', new Int32(), true),
  new Field('dt', new Utf8(), false),
]);

export function createEventsTable(location: string | ObjectStore): Promise<HudiTable> {
  return createTable(location, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', schema: eventSchema, name: 'events' });
}

export async function tempDir(prefix = 'lake-ingest-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Every row of the table's latest snapshot, without meta columns. */
export async function tableRows(table: HudiTable): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const batch of table.read({ withMeta: false })) for (const row of rowsToJson(batch)) out.push(row);
  return out;
}

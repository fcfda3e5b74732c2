// Ingestion into tables lake must not write (a metadata table) and of records whose key Arrow
// could not hold as given (lone surrogates): refused up front, or quarantined with the reason.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { MetadataTableEnabledError, openTable } from '@lake/core';
import { fileSource, ingest, type QuarantineBatch, type QuarantineSink } from '../src/index.js';
import { createEventsTable, tableRows } from './support.js';

let n = 0;
const enc = new TextEncoder();
const dec = new TextDecoder();

async function source(lines: string[]): Promise<MemoryStore> {
  const store = new MemoryStore(`ingest-safety-src-${process.pid}-${++n}`);
  await store.put('part-0001.ndjson', enc.encode(lines.join('\n') + '\n'));
  return store;
}

function capture(): QuarantineSink & { batches: QuarantineBatch[] } {
  const batches: QuarantineBatch[] = [];
  return { batches, write: async (b) => (batches.push(b), 'memory') };
}

describe('ingest', () => {
  it('quarantines a record whose key holds a lone surrogate, and writes the others', async () => {
    const table = await createEventsTable(new MemoryStore(`ingest-safety-${process.pid}-${++n}`));
    // "\ud800" in JSON text decodes to an unpaired surrogate.
    const src = await source([
      '{"id":"e1","ts":"2024-03-01T10:00:00Z","dt":"2024-03-01"}',
      '{"id":"e2\\ud800","ts":"2024-03-01T10:00:00Z","dt":"2024-03-01"}',
      '{"id":"e3","ts":"2024-03-01T10:00:00Z","dt":"2024-03-01\\udc00"}',
    ]);
    const quarantine = capture();
    const summary = await ingest(table, { source: fileSource(src), quarantine });
    expect(summary.written).toBe(1);
    expect(summary.quarantined).toBe(2);
    const reasons = quarantine.batches.flatMap((b) => b.records.map((r) => r.reasons.join('; ')));
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/^id: .*lone UTF-16 surrogate/);
    expect(reasons[1]).toMatch(/^dt: .*lone UTF-16 surrogate/);
    expect((await tableRows(await openTable(table.store))).map((r) => r.id)).toEqual(['e1']);
  });

  it('refuses a table with a metadata table, writing nothing', async () => {
    const store = new MemoryStore(`ingest-safety-${process.pid}-${++n}`);
    await createEventsTable(store);
    const props = dec.decode(await store.get('.hoodie/hoodie.properties'));
    await store.put('.hoodie/hoodie.properties', enc.encode(props.replace('hoodie.table.checksum=', 'hoodie.table.metadata.partitions=files\nhoodie.table.checksum=')));
    const src = await source(['{"id":"e1","ts":"2024-03-01T10:00:00Z","dt":"2024-03-01"}']);
    const quarantine = capture();
    const table = await openTable(store);
    await expect(ingest(table, { source: fileSource(src), quarantine })).rejects.toBeInstanceOf(MetadataTableEnabledError);
    expect(quarantine.batches).toEqual([]);
    expect(await table.timeline().then((t) => t.completed())).toEqual([]);
  });
});

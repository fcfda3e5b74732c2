// Ingestion from an object-store prefix on a real S3-protocol server (s3rver) into a table on the
// same server: Firehose-style keys in time order, new objects picked up by the next run, the
// quarantine written next to the table.

import { describe, expect, it } from 'vitest';
import { openStore } from '@lake/storage';
import { collect, openTable } from '@lake/core';
import { dateOf, ingest, QUARANTINE_PREFIX, sourceFromUri } from '@lake/ingest';
import { createEventsTable } from '../packages/ingest/test/support.js';
import { withS3rver } from './support/s3rver.js';

const s3 = withS3rver();
const enc = new TextEncoder();

function lines(from: number, to: number, broken = false): Uint8Array {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(JSON.stringify({ id: `s${i}`, user: `u${i % 5}`, ts: Date.UTC(2024, 1, 28 + (i % 3), 12) , amount: i }));
  if (broken) out.push('{"id": "bad", "ts": "not a time"}');
  return enc.encode(out.join('\n') + '\n');
}

describe('ingest from an S3 prefix', () => {
  it('reads new objects in key order, exactly once across runs', async () => {
    const { bucket: _bucket, prefix: _prefix, ...connection } = s3.storeOptions('unused');
    const opts = { s3: connection };
    const prefix = `run-${Date.now()}`;
    const raw = await openStore(s3.uri(`${prefix}/raw/clicks`), opts);
    await raw.put('2024/02/28/12/part-0002.ndjson', lines(10, 20));
    await raw.put('2024/02/28/11/part-0001.ndjson', lines(0, 10, true));
    const table = await createEventsTable(await openStore(s3.uri(`${prefix}/tables/events`), opts));

    const first = await ingest(table, {
      source: await sourceFromUri(s3.uri(`${prefix}/raw/clicks`), { store: opts }),
      derive: { dt: dateOf('ts') },
      batch: { maxRows: 8 },
    });
    expect(first).toMatchObject({ read: 21, written: 20, quarantined: 1, checkpoint: { key: '2024/02/28/12/part-0002.ndjson' } });

    await raw.put('2024/02/28/13/part-0003.ndjson', lines(20, 25));
    const second = await ingest(table, { source: await sourceFromUri(s3.uri(`${prefix}/raw/clicks`), { store: opts }), derive: { dt: dateOf('ts') } });
    expect(second).toMatchObject({ read: 5, written: 5, resumedFrom: { key: '2024/02/28/12/part-0002.ndjson' } });

    const reopened = await openTable(await openStore(s3.uri(`${prefix}/tables/events`), opts));
    const data = await collect(reopened.read({ withMeta: false, columns: ['id'] }));
    const ids = data.getChild('id')!.toArray() as string[];
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    const quarantined: string[] = [];
    for await (const o of reopened.store.list(QUARANTINE_PREFIX)) quarantined.push(new TextDecoder().decode(await reopened.store.get(o.key)));
    expect(quarantined).toHaveLength(1);
    expect(JSON.parse(quarantined[0].trim())).toMatchObject({ position: '2024/02/28/11/part-0001.ndjson:11', record: { id: 'bad' } });
  });
});

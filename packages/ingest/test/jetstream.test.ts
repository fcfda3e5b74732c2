// JetStream end to end against a real nats-server: records land once, the checkpoint is the
// stream sequence, acks follow commits, and a restart (even after lost acks) resumes after the
// committed sequence.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTable } from '@lake/core';
import { dateOf, ingest, jetStreamSource, lastCommittedCheckpoint, sourceFromUri } from '../src/index.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from './nats-server.js';
import { createEventsTable, tableRows, tempDir } from './support.js';

const hasNats = natsServerAvailable();
let nats: NatsServer;
beforeAll(async () => {
  if (hasNats) nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.stop();
});

function event(i: number): Record<string, unknown> {
  return { id: `e${String(i).padStart(4, '0')}`, user: `u${i % 7}`, ts: Date.UTC(2024, 0, 1 + (i % 3), 0, 0, i % 60), amount: i / 4 };
}

describe.runIf(hasNats)('JetStream source', () => {
  it('ingests a stream once, resumes after the committed sequence, and survives lost acks', async () => {
    await nats.createStream('EVENTS', ['events.>']);
    const first = Array.from({ length: 250 }, (_, i) => event(i));
    await nats.publish('events.click', first);
    await nats.publish('events.click', ['{broken']);
    const tmp = await tempDir();
    try {
      const table = await createEventsTable(`${tmp.path}/events`);
      const run1 = await ingest(table, {
        source: jetStreamSource({ servers: nats.url, stream: 'EVENTS', durable: 'lake' }),
        derive: { dt: dateOf('ts') },
        batch: { maxRows: 100 },
        idleWaitMs: 1000,
      });
      expect(run1.read).toBe(251);
      expect(run1.written).toBe(250);
      expect(run1.quarantined).toBe(1);
      expect(run1.batches).toBe(3);
      expect((await lastCommittedCheckpoint(table, 'jetstream:EVENTS'))?.checkpoint).toBe(251);

      // Messages 252..301 arrive; a run commits them but "loses" its acks (the ack is never sent):
      // the next run must not write them again.
      await nats.publish('events.click', Array.from({ length: 50 }, (_, i) => event(250 + i)));
      const noAck = jetStreamSource({ servers: nats.url, stream: 'EVENTS', durable: 'lake' });
      noAck.acknowledge = async () => undefined;
      const run2 = await ingest(table, { source: noAck, derive: { dt: dateOf('ts') }, idleWaitMs: 1000 });
      expect(run2.resumedFrom).toBe(251);
      expect(run2.written).toBe(50);

      await nats.publish('events.click', Array.from({ length: 10 }, (_, i) => event(300 + i)));
      const run3 = await ingest(table, { source: await sourceFromUri(`${nats.url}/EVENTS?durable=lake`), derive: { dt: dateOf('ts') }, idleWaitMs: 1000 });
      expect(run3.resumedFrom).toBe(301);
      expect(run3.read).toBe(10);

      const rows = await tableRows(await openTable(`${tmp.path}/events`));
      expect(rows).toHaveLength(310);
      expect(new Set(rows.map((r) => r.id)).size).toBe(310);
      const e42 = rows.find((r) => r.id === 'e0042');
      expect(e42).toMatchObject({ user: 'u0', amount: 10.5, ts: new Date(Date.UTC(2024, 0, 1, 0, 0, 42)).toISOString() });
    } finally {
      await tmp.remove();
    }
  });

  it('only reads the filter subject when given one', async () => {
    await nats.createStream('MIXED', ['mixed.*']);
    await nats.publish('mixed.a', [event(1), event(2)]);
    await nats.publish('mixed.b', [event(3)]);
    const tmp = await tempDir();
    try {
      const table = await createEventsTable(`${tmp.path}/events`);
      const run = await ingest(table, {
        source: await sourceFromUri(`${nats.url}/MIXED?durable=onlyb&subject=mixed.b`),
        derive: { dt: dateOf('ts') },
        idleWaitMs: 1000,
      });
      expect(run.sourceId).toBe('jetstream:MIXED/mixed.b');
      expect((await tableRows(table)).map((r) => r.id)).toEqual(['e0003']);
    } finally {
      await tmp.remove();
    }
  });
});

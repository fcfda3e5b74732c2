// Crash test of `lake ingest --follow` from a NATS JetStream stream that keeps receiving: the
// consumer is killed with SIGKILL at random points and restarted; at the end the table holds every
// published record exactly once, whatever acknowledgements were lost.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openTable } from '@lake/core';
import { createEventsTable, tempDir } from '../packages/ingest/test/support.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from '../packages/ingest/test/nats-server.js';
import { checkExactlyOnce, crashLoop, makeEvent, sleep, type SourceEvent } from './support/ingest-crash.js';

describe.runIf(natsServerAvailable())('ingest crash safety: JetStream', () => {
  let nats: NatsServer;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('a stream that keeps receiving, consumer killed at random points, lands exactly once', async () => {
    const tmp = await tempDir('lake-ingest-crash-js-');
    try {
      await nats.createStream('CRASH', ['crash.events']);
      const tableUri = join(tmp.path, 'events');
      await createEventsTable(tableUri);
      const expected = new Map<string, SourceEvent>();
      let next = 0;
      const produce = async () => {
        for (let round = 0; round < 30; round++) {
          const records = Array.from({ length: 30 }, () => makeEvent(next++));
          for (const r of records) expected.set(r.id, r);
          await nats.publish('crash.events', records);
          await sleep(250);
        }
      };
      await crashLoop(tableUri, `${nats.url}/CRASH?durable=lake`, 99, produce, ['--batch-rows', '45', '--batch-seconds', '0.5']);
      await checkExactlyOnce(await openTable(tableUri), expected);
    } finally {
      await tmp.remove();
    }
  }, 150_000); // child processes start slowly on busy machines; the work itself takes a fraction of this
});

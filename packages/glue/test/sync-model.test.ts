// Model test: any sequence of commits to random partitions, with syncs that Glue cuts short at
// random calls, ends — after one sync that completes — with exactly the table's partitions in
// the catalog and the latest commit as the sync point; a cut-short sync never moves the point.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTable } from '@lake/core';

import { GlueSyncError, syncToGlue, type GlueSyncOptions } from '../src/index.js';
import { GlueServer } from './support/glue-server.js';

const server = new GlueServer(3);
let options: GlueSyncOptions;
let run = 0;

beforeAll(async () => {
  const endpoint = await server.start();
  options = { database: 'model', endpoint, region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 };
});
afterAll(() => server.stop());

type FailingCall = 'BatchCreatePartition' | 'UpdateTable' | 'GetPartitions' | 'BatchGetPartition' | 'CreateTable';
type Step = { kind: 'write'; days: number[] } | { kind: 'sync'; failAt?: FailingCall };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), days: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({
    kind: fc.constant('sync' as const),
    failAt: fc.option(fc.constantFrom<FailingCall>('BatchCreatePartition', 'UpdateTable', 'GetPartitions', 'BatchGetPartition', 'CreateTable'), { nil: undefined }),
  }),
);

describe('Glue sync model', () => {
  it('converges to the table partitions and latest commit whatever syncs were cut short', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        run++;
        const name = `m_${run}`;
        const table = await createTable(`memory://glue-model-${run}-${Date.now()}`, { name, recordKey: ['id'], partitionBy: ['dt'], hiveStylePartitioning: true });
        const written = new Set<string>();
        let lastInstant: string | undefined;
        let syncedTo: string | undefined;
        let k = 0;
        for (const s of steps) {
          if (s.kind === 'write') {
            const rows = s.days.map((d) => ({ id: `r${k++}`, dt: `2024-01-0${d}` }));
            lastInstant = (await table.upsert(rows)).instant;
            s.days.forEach((d) => written.add(`2024-01-0${d}`));
            continue;
          }
          server.clearFaults();
          if (s.failAt) server.fail({ operation: s.failAt, error: 'InternalServiceException', status: 500, times: 100 });
          const outcome = await syncToGlue(table, options).then(
            () => 'ok' as const,
            (e: unknown) => {
              if (!(e instanceof GlueSyncError)) throw e;
              return 'failed' as const;
            },
          );
          const point = server.table('model', name)?.Parameters?.last_commit_time_sync as string | undefined;
          if (outcome === 'ok') syncedTo = lastInstant;
          // A sync that failed never records a commit it did not finish.
          expect(point).toBe(syncedTo);
        }
        server.clearFaults();
        await syncToGlue(table, options);
        const inCatalog = server.partitionsOf('model', name).map((p) => p.Values[0] as string).sort();
        expect(inCatalog).toEqual(lastInstant ? [...written].sort() : []);
        expect(server.table('model', name)?.Parameters?.last_commit_time_sync).toBe(lastInstant);
      }),
      { numRuns: 12 },
    );
    expect(server.violations).toEqual([]);
  });
});

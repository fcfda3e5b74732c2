// Model test of the copy-on-write write path (see support/table-model.ts): random sequences of
// writes and clusterings against a plain Map, on MemoryStore, LocalStore and an S3 server.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';

import { LocalStore, MemoryStore } from '@lake/storage';
import { withS3rver } from './support/s3rver.js';
import { runScenario, scenarioArb } from './support/table-model.js';

let counter = 0;

describe('copy-on-write writes agree with a Map model', () => {
  it('on MemoryStore', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await runScenario(new MemoryStore(`cow-model-${process.pid}-${++counter}`), s, true);
      }),
      { numRuns: 25 },
    );
  });

  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('on LocalStore', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const dir = mkdtempSync(join(tmpdir(), 'lake-cow-model-'));
        dirs.push(dir);
        await runScenario(new LocalStore(dir), s, false);
      }),
      { numRuns: 8 },
    );
  });

  describe('on S3', () => {
    const s3 = withS3rver();
    it('runs the model against an S3 server', async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (s) => {
          await runScenario(s3.makeStore(), s, false);
        }),
        { numRuns: 3 },
      );
    });
  });
});

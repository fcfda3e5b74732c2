// Model test of merge-on-read tables (see support/table-model.ts): random upserts, deletes,
// overwrites, scheduled and run compactions against a plain Map. After every step the snapshot,
// time travel to every earlier instant and the step's incremental read agree with the model.
// (On S3 the merge-on-read path runs in compact-cli.test.ts.)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';

import { LocalStore, MemoryStore } from '@lake/storage';
import { morScenarioArb, runScenario } from './support/table-model.js';

let counter = 0;

describe('merge-on-read writes and compactions agree with a Map model', () => {
  it('on MemoryStore', async () => {
    await fc.assert(
      fc.asyncProperty(morScenarioArb, async (s) => {
        await runScenario(new MemoryStore(`mor-model-${process.pid}-${++counter}`), s, true);
      }),
      { numRuns: 40 },
    );
  }, 180_000);

  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('on LocalStore', async () => {
    await fc.assert(
      fc.asyncProperty(morScenarioArb, async (s) => {
        const dir = mkdtempSync(join(tmpdir(), 'lake-mor-model-'));
        dirs.push(dir);
        await runScenario(new LocalStore(dir), s, false);
      }),
      { numRuns: 4 },
    );
  }, 180_000);
});

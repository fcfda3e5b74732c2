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
import { morScenarioArb, runScenario, type Scenario } from './support/table-model.js';

let counter = 0;

describe('merge-on-read writes and compactions agree with a Map model', () => {
  // Found by the model: a compaction scheduled on a file group that an insert overwrite then
  // replaced has nothing left to compact there, and must not fail on the replaced input.
  it('compacts after an overwrite replaced a file group under a pending compaction', async () => {
    const s: Scenario = {
      type: 'mor',
      ordering: false,
      declaredSchema: false,
      sizing: undefined,
      ops: [
        { kind: 'insert', rows: [{ id: 14, ts: 0, v: 'a' }] },
        { kind: 'upsert', rows: [{ id: 14, ts: 0, v: 'a' }] },
        { kind: 'schedule' },
        { kind: 'overwrite', table: false, rows: [{ id: 5, ts: 0, v: 'a' }, { id: 0, ts: 0, v: 'a' }] },
        { kind: 'compact' },
        { kind: 'upsert', rows: [{ id: 0, ts: 0, v: 'a' }] },
      ],
    };
    await runScenario(new MemoryStore(`mor-model-${process.pid}-${++counter}`), s, true);
  });

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

import { defineConfig } from 'vitest/config';

// Tests run the workspace's TypeScript sources (the `@lake/source` export condition), never a
// possibly stale dist/; plain Node and npm consumers get the compiled dist/.
const sourceConditions = ['@lake/source', 'node', 'development|production'];

// Crash, soak and long model runs: `pnpm test` leaves them out so that it stays within a few
// minutes on two cores, `pnpm test:long` runs only them (.ci/run runs both). A bare
// `npx vitest run [file]` runs whatever it is given.
export const longTests = [
  'test/rollback.test.ts',
  'test/compaction-crash.test.ts',
  'test/ingest-crash-files.test.ts',
  'test/ingest-crash-jetstream.test.ts',
  'test/cow-model.test.ts',
  'test/mor-model.test.ts',
  'test/erasure-resume.test.ts',
];

// `pnpm soak` runs the concurrency soak alone, longer (SOAK_WRITES); test:long runs it briefly.
const soakTests = ['test/concurrency-soak.test.ts'];

const allTests = ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'];
const script = process.env.npm_lifecycle_event;

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: script === 'test:long' ? [...longTests, ...soakTests] : script === 'soak' ? soakTests : allTests,
    exclude: script === 'test' ? [...longTests, ...soakTests, '**/node_modules/**'] : ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than cores: one on a 2-core machine. Many tests wait on
    // child processes, s3rver or Chromium rather than compute, so two keep both cores busy.
    maxWorkers: Number(process.env.LAKE_TEST_WORKERS ?? 2),
    // A worker imports the engine (Arrow, parquet-wasm, the AWS SDK) once for all its test files
    // instead of once per file: that import was a third of the run. Tests keep no global state
    // between files (stores are named per test; stubbed globals and env are restored).
    isolate: false,
  },
});

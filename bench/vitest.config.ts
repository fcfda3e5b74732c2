import { defineConfig } from 'vitest/config';

// The bench's own unit tests (its generators and statistics), outside the workspace's test run:
// `npx vitest run --config bench/vitest.config.ts` from the repository root.
const sourceConditions = ['@lake/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: { include: ['src/**/*.test.ts'], root: import.meta.dirname, testTimeout: 60_000, pool: 'forks' },
});

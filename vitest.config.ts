import { defineConfig } from 'vitest/config';

// Tests run the workspace's TypeScript sources (the `@lake/source` export condition), never a
// possibly stale dist/; plain Node and npm consumers get the compiled dist/.
const sourceConditions = ['@lake/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

// The checked-in public API reports (api/*.api.d.ts) match the packages' compiled declarations:
// a change of any package's public surface must come with `pnpm api:update` and be reviewed.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiReports, reportPath, ROOT } from '../scripts/api-report.js';

describe('public API reports', () => {
  it('match the compiled declarations of every package', () => {
    // Incremental: only what changed since the last build is compiled, so dist/ is never stale here.
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'tsconfig.build.json')], { stdio: 'pipe' });
    const stale: string[] = [];
    for (const [pkg, text] of apiReports()) {
      const checkedIn = readFileSync(reportPath(pkg), 'utf8');
      if (checkedIn !== text) stale.push(`api/${pkg}.api.d.ts`);
    }
    expect(stale, `public API changed: run \`pnpm api:update\` and review ${stale.join(', ')}`).toEqual([]);
  });

  it('keeps the format building blocks out of @lake/core', () => {
    const core = readFileSync(reportPath('core'), 'utf8').split('// @lake/core/format')[0]!;
    for (const internal of ['readLogBlocks', 'createBloomFilter', 'encodeAvroRecords', 'buildFileSystemView', 'parseCommitMetadata']) {
      expect(core).not.toContain(`/* ${internal} */`);
    }
    expect(core).toContain('/* createTable */');
    expect(core).toContain('/* LakeErrorCode */');
  });
});

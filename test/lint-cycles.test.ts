// The lint config's import-x/no-cycle must see cycles between TypeScript modules written with
// `.js` specifiers, as every import in this workspace is; a misconfigured resolver or parser
// setting makes the rule pass silently.
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function cycleReports(folder: string): Promise<Map<string, string[]>> {
  // ignore: false, because the workspace lint leaves these deliberately broken fixtures out.
  const eslint = new ESLint({ cwd: ROOT, ignore: false });
  const results = await eslint.lintFiles([`test/lint-fixtures/${folder}`]);
  const byFile = new Map<string, string[]>();
  for (const r of results) {
    const name = r.filePath.slice(r.filePath.lastIndexOf('/') + 1);
    byFile.set(name, r.messages.map((m) => m.ruleId ?? m.message));
  }
  return byFile;
}

describe('lint: import cycles', () => {
  it('reports both imports of a two-module cycle', async () => {
    const reports = await cycleReports('cycle');
    expect(reports).toEqual(
      new Map([
        ['entry.ts', ['import-x/no-cycle']],
        ['ledger.ts', ['import-x/no-cycle']],
      ]),
    );
  });

  it('reports nothing once the import goes one way only', async () => {
    const reports = await cycleReports('acyclic');
    expect(reports).toEqual(
      new Map([
        ['entry.ts', []],
        ['ledger.ts', []],
      ]),
    );
  });
});

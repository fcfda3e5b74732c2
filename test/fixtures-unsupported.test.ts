// Tables of a table version lake does not read (here a Spark-written table whose
// hoodie.properties says version 10): opening one fails with UnsupportedTableVersionError naming
// the version, through the library and the CLI, so no reader ever gets wrong or empty rows.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { openTable, SUPPORTED_TABLE_VERSIONS, UnsupportedTableVersionError } from '@lake/core/format';
import { cleanupFixtures, fixture } from './support/fixtures.js';
import { lake } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lake-unsupported-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  cleanupFixtures();
});

/** A copy of a version 9 fixture whose hoodie.properties claims `version`. */
function withVersion(version: number): string {
  const root = join(dir, `v${version}`);
  cpSync(fixture('sample_table/cow/v9_txns_simple_overwrite').root, root, { recursive: true });
  const file = join(root, '.hoodie', 'hoodie.properties');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^hoodie\.table\.version=\d+$/m, `hoodie.table.version=${version}`));
  return root;
}

describe('tables of unsupported table versions', () => {
  it('version 10 is not one lake reads', () => {
    expect(SUPPORTED_TABLE_VERSIONS).toEqual([5, 6, 8, 9]);
  });

  it('refused with a typed error naming the version', async () => {
    const err = await openTable(withVersion(10)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnsupportedTableVersionError);
    expect((err as Error).message).toContain('version 10');
  });

  it('lake show says so in one line and exits 1', async () => {
    const r = await lake('show', withVersion(10));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^lake: .*version 10/);
  });
});

// Spark-written tables of a table version lake does not read yet (Hudi 1.1's version 9): opening
// one fails with UnsupportedTableVersionError naming the version, through the library and the
// CLI, so no reader ever gets wrong or empty rows from such a table.

import { describe, expect, it } from 'vitest';

import { openTable, SUPPORTED_TABLE_VERSIONS, UnsupportedTableVersionError } from '@lake/core/format';
import { allFixtures } from './support/fixtures.js';
import { lake } from './support/cli.js';

const unsupported = allFixtures().filter((f) => !(SUPPORTED_TABLE_VERSIONS as readonly number[]).includes(f.version));

describe('fixture tables of unsupported table versions', () => {
  it('exist in the conformance fixtures', () => {
    expect(unsupported.length).toBeGreaterThan(0);
  });

  for (const f of unsupported) {
    it(`${f.id}: refused with a typed error naming version ${f.version}`, async () => {
      const err = await openTable(f.root).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UnsupportedTableVersionError);
      expect((err as Error).message).toContain(String(f.version));
    });
  }

  it('lake show says so in one line and exits 1', async () => {
    const f = unsupported[0]!;
    const r = await lake('show', f.root);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(new RegExp(`^lake: .*version ${f.version}`));
  });
});

// `lake query` and `lake show` on a table with a metadata table: --explain says the listing came
// through it, --no-metadata-table lists folders instead (same rows), and a metadata table that
// cannot be used is reported once on stderr while the rows stay the same.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTable, openTable } from '@lake/core';
import { writeFilesPartitionSnapshot } from '@lake/core/format';
import { lake } from './support/cli.js';

let dir: string;
let uri: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lake-mt-cli-'));
  uri = join(dir, 'events');
  const table = await createTable(uri, { recordKey: ['id'], partitionBy: ['dt'] });
  await table.insert(Array.from({ length: 12 }, (_, i) => ({ id: i, dt: `2024-01-0${1 + (i % 3)}` })));
  await writeFilesPartitionSnapshot((await openTable(uri)).store);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the metadata table in the CLI', () => {
  it('query --explain names the listing source; --no-metadata-table lists folders', async () => {
    const through = await lake('query', uri, '--where', "dt = '2024-01-02'", '--explain', '--format', 'ndjson');
    expect(through.code).toBe(0);
    expect(through.err.join('\n') + through.out.join('\n')).toContain("listing:    through the table's metadata table");
    const folders = await lake('query', uri, '--where', "dt = '2024-01-02'", '--explain', '--format', 'ndjson', '--no-metadata-table');
    expect(folders.code).toBe(0);
    expect(folders.err.join('\n') + folders.out.join('\n')).toContain("listing:    the table's folders");
    const rowsOf = (lines: string[]): string[] => lines.filter((l) => l.startsWith('{')).sort();
    expect(rowsOf(folders.out)).toEqual(rowsOf(through.out));
    expect(rowsOf(through.out).length).toBe(4);
  });

  it('show warns once when the metadata table cannot be used, and prints every row', async () => {
    await rm(join(uri, '.hoodie/metadata/.hoodie/hoodie.properties'));
    const r = await lake('show', uri, '--format', 'ndjson');
    expect(r.code).toBe(0);
    expect(r.out.length).toBe(12);
    const warnings = r.err.filter((l) => l.includes('METADATA') || l.includes('metadata table was not used'));
    expect(warnings.length).toBe(1);
  });
});

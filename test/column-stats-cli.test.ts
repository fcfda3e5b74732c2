// `lake query --explain` and `lake gdpr-delete --dry-run` on Spark-written tables with
// column_stats and record_index partitions: files ruled out by them are reported, and
// --no-metadata-table turns them off with the same rows.

import { afterAll, describe, expect, it } from 'vitest';

import { cleanupFixtures, fixture } from './support/fixtures.js';
import { lake } from './support/cli.js';

afterAll(() => cleanupFixtures());

const root = (): string => fixture('sample_table/cow/v9_txns_simple_meta').root;
const rowsOf = (lines: string[]): string[] => lines.filter((l) => l.startsWith('{')).sort();

describe('column_stats in the CLI', () => {
  it('query --explain counts files pruned by column_stats; --no-metadata-table prunes none, same rows', async () => {
    const on = await lake('query', root(), '--where', "currency = 'GBP'", '--explain', '--format', 'ndjson');
    const off = await lake('query', root(), '--where', "currency = 'GBP'", '--explain', '--format', 'ndjson', '--no-metadata-table');
    expect(on.code).toBe(0);
    expect(off.code).toBe(0);
    const pruned = (lines: string[]): number => Number(/(\d+) by the metadata table's column_stats/.exec(lines.join('\n'))?.[1]);
    expect(pruned([...on.err, ...on.out])).toBeGreaterThan(0);
    expect(pruned([...off.err, ...off.out])).toBe(0);
    expect(rowsOf(on.out)).toEqual(rowsOf(off.out));
    expect(rowsOf(on.out).length).toBeGreaterThan(0);
  });

  it('gdpr-delete --dry-run reports the files column_stats ruled out, and takes --no-metadata-table', async () => {
    const on = await lake('gdpr-delete', root(), '--column', 'currency', '--id', 'GBP', '--dry-run');
    expect(on.code).toBe(0);
    expect(on.out.join('\n')).toMatch(/ruled out by the metadata table's column statistics \(footers not read\): [1-9]/);
    const off = await lake('gdpr-delete', root(), '--column', 'currency', '--id', 'GBP', '--dry-run', '--no-metadata-table');
    expect(off.code).toBe(0);
    expect(off.out.join('\n')).not.toMatch(/column statistics \(footers not read\)/);
    expect(off.out[0]).toBe(on.out[0]);
    expect((await lake('gdpr-delete', '--help')).out.join('\n')).toContain('--no-metadata-table');
  });

  it('query --explain counts file groups pruned by the record_index; --no-metadata-table prunes none, same rows', async () => {
    const table = fixture('sample_table/cow/v9_timebasedkeygen_nonhivestyle').root;
    const where = "_hoodie_record_key = 'TXN-004'";
    const on = await lake('query', table, '--where', where, '--explain', '--format', 'ndjson');
    const off = await lake('query', table, '--where', where, '--explain', '--format', 'ndjson', '--no-metadata-table');
    expect(on.code).toBe(0);
    expect(off.code).toBe(0);
    const pruned = (lines: string[]): number => Number(/(\d+) by the metadata table's record_index/.exec(lines.join('\n'))?.[1]);
    expect(pruned([...on.err, ...on.out])).toBe(5);
    expect(pruned([...off.err, ...off.out])).toBe(0);
    expect(rowsOf(on.out)).toEqual(rowsOf(off.out));
    expect(rowsOf(on.out)).toHaveLength(1);
  });
});

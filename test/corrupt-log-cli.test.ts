// The `lake` command never hides a corrupt log block: `lake show` and `lake query` print the rows it could read and
// a warning naming the damaged file on stderr; `lake compact` and `lake gdpr-delete` refuse such a
// table with CORRUPT_LOG_BLOCK and go ahead with --force.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { lake } from './support/cli.js';
import { createTable } from '@lake/core';

const root = mkdtempSync(join(tmpdir(), 'lake-corrupt-log-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a merge-on-read table with a truncated log file of a completed delete', () => {
  it('show warns on stderr; compact and gdpr-delete refuse it unless --force', async () => {
    const dir = join(root, 't');
    const t = await createTable(dir, { recordKey: ['id'], type: 'mor' });
    await t.insert([
      { id: 'a', user: 'u1' },
      { id: 'b', user: 'u2' },
    ]);
    await t.delete(['a']);
    const log = (await t.fileSlices())[0].logFiles[0].path;
    writeFileSync(join(dir, log), readFileSync(join(dir, log)).subarray(0, 40));

    const show = await lake('show', dir, '--format', 'ndjson');
    expect(show.code).toBe(0);
    expect(show.out.map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(['a', 'b']);
    expect(show.err.join('\n')).toMatch(new RegExp(`warning: corrupt log block in ${log.replace(/[.]/g, '\\.')}.*completed write`));

    const query = await lake('query', dir, '--format', 'ndjson');
    expect(query.code).toBe(0);
    expect(query.out).toHaveLength(2);
    expect(query.err.join('\n')).toContain(`warning: corrupt log block in ${log}`);

    const refused = await lake('compact', dir);
    expect(refused.code).not.toBe(0);
    expect(refused.err.join('\n')).toMatch(/Compaction \d+ refused: 1 corrupt or truncated log block/);
    const erase = await lake('gdpr-delete', dir, '--column', 'user', '--id', 'u2');
    expect(erase.code).not.toBe(0);
    expect(erase.err.join('\n')).toMatch(/Erasure refused: 1 corrupt or truncated log block/);

    expect((await lake('compact', dir, '--force')).code).toBe(0);
    const after = await lake('show', dir, '--format', 'ndjson');
    expect(after.err).toEqual([]);
    expect((await lake('gdpr-delete', dir, '--column', 'user', '--id', 'u2', '--force')).code).toBe(0);
    expect((await lake('show', dir, '--format', 'ndjson')).out.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a']);
  });

  it('--help names --force', async () => {
    expect((await lake('compact', '--help')).out.join('\n')).toContain('--force');
    expect((await lake('gdpr-delete', '--help')).out.join('\n')).toContain('--force');
  });
});

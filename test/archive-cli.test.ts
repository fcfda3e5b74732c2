// `lake compact` archives the timeline beyond hoodie.keep.max.commits, `lake history --archived`
// lists the archived instants with their statistics, and `lake show` prints the same rows.

import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, expect, it } from 'vitest';

import { createTable } from '@lake/core';
import { lake } from './support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'lake-archive-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('lake compact archives, lake history --archived shows archived instants, rows stay the same', async () => {
  const dir = join(root, 't');
  const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['p'], orderingField: 'ts', type: 'mor' });
  const writes: string[] = [];
  writes.push((await t.insert([{ id: 'a', p: 'x', ts: 0 }, { id: 'b', p: 'y', ts: 0 }])).instant);
  for (let c = 1; c < 8; c++) writes.push((await t.upsert([{ id: c % 2 ? 'a' : 'b', p: c % 2 ? 'x' : 'y', ts: c }])).instant);
  appendFileSync(join(dir, '.hoodie', 'hoodie.properties'), 'hoodie.keep.max.commits=6\nhoodie.keep.min.commits=4\nhoodie.cleaner.commits.retained=2\n');
  const before = await lake('show', dir, '--format', 'ndjson');

  const run = await lake('compact', dir, '--json');
  expect(run.code, run.err.join('\n')).toBe(0);
  const summary = JSON.parse(run.out[0]) as { completed: string[]; archived: number };
  expect(summary.completed).toHaveLength(1);
  // 9 completed writes (8 delta commits and the compaction) down to keep.min (4).
  expect(summary.archived).toBe(5);
  expect(readdirSync(join(dir, '.hoodie', 'archived'))).toEqual(['.commits_.archive.1_1-0-1']);
  expect((await lake('show', dir, '--format', 'ndjson')).out.sort()).toEqual(before.out.sort());

  const active = (await lake('history', dir, '--json')).out.map((l) => JSON.parse(l) as { instant: string });
  expect(active.map((e) => e.instant)).not.toContain(writes[0]);
  const all = (await lake('history', dir, '--json', '--archived')).out.map((l) => JSON.parse(l) as { instant: string; action: string; archived: boolean; inserted: number | null });
  expect(all.filter((e) => e.archived).map((e) => e.instant)).toEqual(writes.slice(0, 5));
  expect(all.find((e) => e.instant === writes[0])).toMatchObject({ action: 'deltacommit', inserted: 2, archived: true });
  expect(all.filter((e) => !e.archived)).toHaveLength(active.length);

  const text = await lake('compact', dir);
  expect(text.code).toBe(0);
  const help = await lake('compact', '--help');
  expect(help.out.join('\n')).toMatch(/hoodie\.keep\.max\.commits/);
});

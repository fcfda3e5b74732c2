// The `lake` command on tables it must not get wrong: a partition value starting with a dot is
// shown after the write that acknowledged it, a table with a metadata table or a hoodie.properties
// cut short is refused, `rollback --json` always prints an object, and credentials in a URI are
// never echoed.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { lake } from './support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'lake-cli-safety-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function input(lines: object[]): string {
  const file = join(root, `input-${++n}.ndjson`);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

async function newTable(): Promise<string> {
  const dir = join(root, `t${++n}`);
  const created = await lake('create', dir, '--key', 'id', '--partition-by', 'dt');
  expect(created.code, created.err.join('\n')).toBe(0);
  return dir;
}

function editProperties(dir: string, edit: (lines: string[]) => string[]): void {
  const file = join(dir, '.hoodie', 'hoodie.properties');
  writeFileSync(file, edit(readFileSync(file, 'utf8').split('\n')).join('\n'));
}

describe('lake on local tables', () => {
  it('shows the rows of a partition value starting with a dot once the write is acknowledged', async () => {
    const dir = await newTable();
    const write = await lake('write', dir, '--input', input([{ id: 'a', dt: '.2024-05-01' }, { id: 'b', dt: '2024-05-01' }]));
    expect(write.code, write.err.join('\n')).toBe(0);
    const show = await lake('show', dir, '--format', 'ndjson');
    expect(show.code).toBe(0);
    expect(show.out.map((l) => JSON.parse(l) as { id: string; dt: string }).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', dt: '.2024-05-01' },
      { id: 'b', dt: '2024-05-01' },
    ]);
  });

  it('refuses a ".hoodie" partition value with exit code 1 and writes nothing', async () => {
    const dir = await newTable();
    const write = await lake('write', dir, '--input', input([{ id: 'a', dt: '.hoodie' }]));
    expect(write.code).toBe(1);
    expect(write.err.join('\n')).toContain('.hoodie');
    expect((await lake('show', dir, '--format', 'ndjson')).out).toEqual([]);
  });

  it('refuses a record key with a lone surrogate (a "\\ud800" escape in NDJSON) and writes nothing', async () => {
    const dir = await newTable();
    const file = join(root, `input-${++n}.ndjson`);
    writeFileSync(file, '{"id":"a","dt":"d"}\n{"id":"b\\ud800","dt":"d"}\n');
    const write = await lake('write', dir, '--input', file);
    expect(write.code).toBe(1);
    expect(write.err.join('\n')).toMatch(/position 1: .*lone UTF-16 surrogate/);
    expect((await lake('show', dir, '--format', 'ndjson')).out).toEqual([]);
  });

  it('refuses to write a table with a metadata table, and reads it as before', async () => {
    const dir = await newTable();
    expect((await lake('write', dir, '--input', input([{ id: 'a', dt: 'd' }]))).code).toBe(0);
    editProperties(dir, (lines) => {
      const i = lines.findIndex((l) => l.startsWith('hoodie.table.checksum='));
      return [...lines.slice(0, i), 'hoodie.table.metadata.partitions=files', ...lines.slice(i)];
    });
    const write = await lake('write', dir, '--input', input([{ id: 'b', dt: 'd' }]));
    expect(write.code).toBe(1);
    expect(write.err.join('\n')).toContain('hoodie.metadata.enable=false');
    expect(existsSync(join(dir, '.hoodie', 'metadata'))).toBe(false);
    for (const args of [['compact', dir], ['clean', dir], ['rollback', dir], ['gdpr-delete', dir, '--column', 'id', '--id', 'a']]) {
      const r = await lake(...args);
      expect(r.code, args[0]).toBe(1);
      expect(r.err.join('\n'), args[0]).toContain('metadata table');
    }
    const show = await lake('show', dir, '--format', 'ndjson');
    expect(show.out.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a']);
  });

  it('refuses to write when hoodie.properties was cut before the partition fields', async () => {
    const dir = await newTable();
    expect((await lake('write', dir, '--input', input([{ id: 'a', dt: 'd' }]))).code).toBe(0);
    editProperties(dir, (lines) => lines.slice(0, lines.findIndex((l) => l.startsWith('hoodie.table.partition.fields='))));
    const write = await lake('write', dir, '--input', input([{ id: 'a', dt: 'd' }]));
    expect(write.code).toBe(1);
    expect(write.err.join('\n')).toContain('hoodie.table.checksum');
    const show = await lake('show', dir, '--format', 'ndjson');
    expect(show.out).toHaveLength(1);
  });

  it('rollback --json prints an object when nothing was rolled back', async () => {
    const dir = await newTable();
    const r = await lake('rollback', dir, '--json');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(JSON.parse(r.out[0])).toEqual({ rolledBack: null, nothingToRollBack: true, reason: 'no write was left behind by a dead writer' });
  });

  it('never echoes credentials given in an s3:// URI', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY';
    for (const command of [['show'], ['write', '--input', input([{ id: 'a', dt: 'd' }])], ['history']]) {
      const [name, ...rest] = command;
      const r = await lake(name, `s3://AKIDEXAMPLE:${secret}@my-bucket/t`, ...rest);
      expect(r.code, name).not.toBe(0);
      const text = [...r.out, ...r.err].join('\n');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('AKIDEXAMPLE');
      expect(text).toContain('s3://***@my-bucket/t');
    }
  });
});

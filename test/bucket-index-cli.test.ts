// `lake create --index bucket`: the options, their checks, and a write that reads no file.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { openTable } from '@lake/core';
import { lake } from './support/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lake-bucket-cli-'));
  dirs.push(dir);
  return dir;
}

describe('lake create --index bucket', () => {
  it('creates a bucket table whose upserts read no file', async () => {
    const dir = tempDir();
    const uri = join(dir, 't');
    const created = await lake('create', uri, '--key', 'id', '--partition-by', 'dt', '--type', 'mor', '--index', 'bucket', '--buckets', '3');
    expect(created.code).toBe(0);
    const t = await openTable(uri);
    expect(t.config.raw.get('hoodie.index.type')).toBe('BUCKET');
    expect(t.config.raw.get('hoodie.bucket.index.num.buckets')).toBe('3');
    expect(t.config.raw.get('hoodie.bucket.index.hash.field')).toBe('id');

    const input = join(dir, 'a.ndjson');
    writeFileSync(input, Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `k${i}`, dt: `d${i % 2}`, v: i })).join('\n'));
    expect((await lake('write', uri, '--input', input, '--json')).code).toBe(0);
    const up = await lake('write', uri, '--input', input, '--op', 'upsert', '--json');
    expect(up.code).toBe(0);
    expect(JSON.parse(up.out.at(-1) ?? '{}').index.filesRead).toBe(0);
    for (const p of ['d0', 'd1']) {
      const prefixes = new Set(readdirSync(join(uri, p)).filter((f) => !f.startsWith('.hoodie')).map((f) => f.replace(/^\./, '').slice(0, 9)));
      for (const x of prefixes) expect(x).toMatch(/^0000000[0-2]-$/);
    }
  });

  it('checks its options', async () => {
    const dir = tempDir();
    expect((await lake('create', join(dir, 'a'), '--key', 'id', '--index', 'bucket')).code).toBe(2);
    expect((await lake('create', join(dir, 'b'), '--key', 'id', '--buckets', '4')).code).toBe(2);
    expect((await lake('create', join(dir, 'c'), '--key', 'id', '--index', 'bucket', '--buckets', 'x')).code).toBe(2);
    const bad = await lake('create', join(dir, 'd'), '--key', 'id', '--index', 'bucket', '--buckets', '4', '--bucket-hash-field', 'name');
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toMatch(/not record key fields/);
    const help = await lake('create', '--help');
    expect(help.out.join('\n')).toMatch(/--buckets <n>/);
  });
});

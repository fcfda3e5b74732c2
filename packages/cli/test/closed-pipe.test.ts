// `lake show <table> | head -1`: the reader closes the pipe after one line while lake still
// prints. lake then stops quietly with exit code 0, as Unix tools do, instead of crashing on
// EPIPE with a stack trace.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTable } from '@lake/core';

const main = resolve(dirname(fileURLToPath(import.meta.url)), '../src/main.ts');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('a closed output pipe', () => {
  it('ends lake show quietly with exit code 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lake-pipe-'));
    dirs.push(dir);
    const table = join(dir, 't');
    const t = await createTable(table, { recordKey: ['id'] });
    await t.insert(Array.from({ length: 50_000 }, (_, i) => ({ id: i, v: `value-${i}` })));
    const child = spawn(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', main, 'show', table, '--format', 'ndjson', '--limit', '50000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Like `head -1`: take the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(err).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 60_000);
});

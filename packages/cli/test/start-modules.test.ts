// What `lake` loads to start: `lake history` on a local table reads the table config and the
// timeline and prints plain rows, without Apache Arrow, Parquet (and its WebAssembly) or the AWS
// SDK; `lake --help` loads no engine package at all. Start-up time is mostly module loading, so
// this is what keeps both close to bare Node (bench/cli-start.mjs measures the time itself).
// Checked in a fresh Node process whose module loader records every module it loads.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '../src/index.js';

const main = resolve(dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

// Module hooks run on their own thread: they append each loaded URL to a file.
const hooks = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) { appendFileSync(file, url + '\\n'); return next(url, context); }
`;
const recorder = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), { data: { file: process.env.LAKE_MODULE_LOG } });`;

const heavy = /apache-arrow|parquet-wasm|hyparquet|@aws-sdk|xxhash-wasm|avsc|\/packages\/(parquet|query|ingest|glue)\//;

async function loadedModules(dir: string, args: string[]): Promise<{ stdout: string; modules: string[] }> {
  const log = join(dir, `modules-${args[0]}.log`);
  await writeFile(log, '');
  const stdout = execFileSync(
    process.execPath,
    ['--conditions=@lake/source', '--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(recorder)}`, main, ...args],
    { encoding: 'utf8', env: { ...process.env, LAKE_MODULE_LOG: log } },
  );
  return { stdout, modules: (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '') };
}

async function lake(...args: string[]) {
  const lines: string[] = [];
  const io: CliIO = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false };
  const code = await runCli(args, io);
  return { code, lines };
}

describe('modules loaded at start', () => {
  let dir: string;
  let table: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lake-start-'));
    table = join(dir, 't');
    await writeFile(join(dir, 'rows.ndjson'), '{"id":"a","n":1}\n{"id":"b","n":2}\n');
    expect((await lake('create', table, '--key', 'id')).code).toBe(0);
    expect((await lake('write', table, '--input', join(dir, 'rows.ndjson'))).code).toBe(0);
    expect((await lake('write', table, '--input', join(dir, 'rows.ndjson'))).code).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lake history reads the timeline without Arrow, Parquet or the AWS SDK', async () => {
    const { stdout, modules } = await loadedModules(dir, ['history', table]);
    expect(modules.some((m) => m.includes('/packages/core/src/timeline/timeline.ts'))).toBe(true);
    expect(modules.filter((m) => heavy.test(m))).toEqual([]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0].split('|').map((c) => c.trim())).toEqual([
      'instant', 'action', 'state', 'completionTime', 'operation', 'inserted', 'updated', 'deleted', 'filesWritten',
    ]);
    expect(lines.at(-1)).toBe('(2 rows)');
  });

  it('prints the same instants in the table format as with --json', async () => {
    const json = (await lake('history', table, '--json')).lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const text = (await lake('history', table)).lines;
    expect(text).toHaveLength(json.length + 3);
    const widths = text[1].split('-+-').map((dashes) => dashes.length);
    json.forEach((entry, i) => {
      const cells = text[i + 2].split(' | ').map((c) => c.trim());
      expect(cells).toEqual(Object.values(entry).map((v) => String(v)));
      expect(text[i + 2].split(' | ').slice(0, -1).map((c) => c.length)).toEqual(widths.slice(0, -1));
    });
    expect(json.map((e) => [e.operation, e.inserted, e.updated])).toEqual([
      ['UPSERT', 2, 0],
      ['UPSERT', 0, 2],
    ]);
  });

  it('lake --help loads no engine package', async () => {
    const { stdout, modules } = await loadedModules(dir, ['--help']);
    expect(stdout).toContain('history');
    expect(modules.filter((m) => heavy.test(m) || m.includes('/packages/core/') || m.includes('/packages/storage/'))).toEqual([]);
  });
});

// The soak's child processes: its two measured steps, each in a fresh Node process so that peak
// RSS is that step's alone, and an S3 protocol server (s3rver) for the run against S3.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { childBundle } from '../child-bundle.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH_ROOT = join(HERE, '..', '..');

/**
 * glibc's malloc raises its mmap threshold to the largest block freed (up to 32 MiB), after which
 * the ArrayBuffers of a long-running writer (files read, encoded, handed to workers) come from the
 * brk heap, whose freed middle it never returns: in the 10M-event soak 280 MB of heap for about
 * 150 MB of buffers. A fixed threshold keeps blocks of 128 KiB and more in their own mappings,
 * unmapped when freed. It is a setting of the process's environment (as for any Node service on
 * glibc); the children get it unless already set, and LAKE_SOAK_GLIBC_DEFAULTS=1 leaves glibc's
 * default.
 */
const MMAP_THRESHOLD = '131072';

function childEnv(): NodeJS.ProcessEnv {
  if (process.env.LAKE_SOAK_GLIBC_DEFAULTS === '1') return process.env;
  return { ...process.env, MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? MMAP_THRESHOLD };
}

/** The allocator setting the children run with, for the report. */
export function mallocSetting(): string {
  const value = childEnv().MALLOC_MMAP_THRESHOLD_;
  return value === undefined ? "glibc's default malloc settings" : `MALLOC_MMAP_THRESHOLD_=${value}`;
}

/**
 * Runs `bench/src/soak/<entry>` in a new process, as plain JavaScript bundled from the sources (see
 * child-bundle.ts: the resident set is then the step's, not a TypeScript loader's); its last
 * argument is where it writes its JSON result.
 */
export async function runChild<T>(entry: string, args: string[]): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'lake-soak-child-'));
  const resultFile = join(dir, 'result.json');
  const main = await childBundle(join(HERE, entry), `soak-${entry.replace(/\.ts$/, '')}`);
  try {
    await new Promise<void>((resolve, reject) => {
      // LAKE_SOAK_PROFILE=<folder>: each child writes a CPU profile there (the ingestion's is the one to read).
      const profile = process.env.LAKE_SOAK_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LAKE_SOAK_PROFILE}`] : [];
      const child = spawn(process.execPath, [...profile, main, ...args, resultFile], {
        cwd: BENCH_ROOT,
        env: childEnv(),
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${entry} exited with ${signal ?? `code ${String(code)}`}`))));
    });
    return JSON.parse(await readFile(resultFile, 'utf8')) as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes a job description for a child to read. */
export async function jobFile(job: unknown): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lake-soak-job-'));
  const path = join(dir, 'job.json');
  await writeFile(path, JSON.stringify(job));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface S3Server {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** The repository's s3rver launcher (test/support), patched to list and delete as S3 does. */
const S3RVER_MAIN = join(BENCH_ROOT, '..', 'test', 'support', 's3rver-main.cjs');

export async function startS3Server(bucket = 'lake-soak'): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'lake-soak-s3rver-'));
  // s3rver encrypts LIST continuation tokens with DES, which OpenSSL 3 only offers as legacy.
  const child = spawn(process.execPath, [S3RVER_MAIN, directory, bucket], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 20 s')), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${String(code)} before listening`));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

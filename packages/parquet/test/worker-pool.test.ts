// The worker pool: every job settles with its own answer or its own error, whatever the order of
// jobs, failures and worker crashes (model test); Parquet encoded on a worker has the bytes the
// calling thread would have written; the worker count follows LAKE_PARQUET_WORKERS.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tableFromArrays } from 'apache-arrow';
import { closeParquetWorkers, createWorkerPool, parquetWorkerCount, parquetWorkersRunning, readParquet, writeParquet, writeParquetAsync, ParquetError } from '../src/index.js';
import { encodePooled } from '../src/encode-pool.js';
import { encode } from '../src/wasm-codec.js';

// A job: a number to square, a failure (the handler throws) or a crash (the worker thread exits).
type Job = { kind: 'square'; n: number } | { kind: 'throw'; n: number } | { kind: 'exit'; n: number };

const handler = `(() => (job) => {
  if (job.kind === 'throw') throw new RangeError('bad ' + job.n);
  if (job.kind === 'exit') process.exit(3);
  return { output: job.n * job.n };
})()`;

const jobArb: fc.Arbitrary<Job> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((n) => ({ kind: 'square' as const, n })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 9 }).map((n) => ({ kind: 'throw' as const, n })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 9 }).map((n) => ({ kind: 'exit' as const, n })) },
);

afterAll(() => closeParquetWorkers());

describe('worker pool', () => {
  it('settles every job with its own result or error, through throws and worker crashes (model)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(jobArb, { minLength: 1, maxLength: 12 }), async (size, jobs) => {
        const pool = createWorkerPool<Job, number>({ size, handler })!;
        try {
          const settled = await Promise.allSettled(jobs.map((job) => pool.run(job)));
          settled.forEach((s, i) => {
            const job = jobs[i];
            if (job.kind === 'square') {
              expect(s).toEqual({ status: 'fulfilled', value: job.n * job.n });
            } else if (job.kind === 'throw') {
              expect(s.status).toBe('rejected');
              const error = (s as PromiseRejectedResult).reason as Error;
              expect(error.name).toBe('RangeError');
              expect(error.message).toBe(`bad ${job.n}`);
            } else {
              expect(s.status).toBe('rejected');
              const error = (s as PromiseRejectedResult).reason as ParquetError;
              expect(error).toBeInstanceOf(ParquetError);
              expect(error.code).toBe('PARQUET_WRITE_FAILED');
              expect(error.message).toMatch(/worker thread stopped \(exit code 3\)/);
            }
          });
          // After crashes, the pool still works.
          await expect(pool.run({ kind: 'square', n: 7 })).resolves.toBe(49);
        } finally {
          await pool.close();
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('fails jobs still waiting when closed, and refuses new ones', async () => {
    const pool = createWorkerPool<Job, number>({ size: 1, handler })!;
    const first = pool.run({ kind: 'square', n: 2 });
    const waiting = pool.run({ kind: 'square', n: 3 });
    const settled = Promise.allSettled([first, waiting]);
    await pool.close();
    expect((await settled).map((s) => s.status)).toEqual(['rejected', 'rejected']);
    await expect(pool.run({ kind: 'square', n: 4 })).rejects.toMatchObject({ code: 'PARQUET_INVALID_ARGUMENT' });
  });

  it('replaces a worker whose WebAssembly trapped instead of reusing it', async () => {
    const counting = `(() => { let calls = 0; return (job) => {
      if (job === 'trap') throw new WebAssembly.RuntimeError('unreachable');
      return { output: ++calls };
    }; })()`;
    const pool = createWorkerPool<string, number>({ size: 1, handler: counting })!;
    try {
      expect(await pool.run('count')).toBe(1);
      expect(await pool.run('count')).toBe(2);
      await expect(pool.run('trap')).rejects.toMatchObject({ name: 'RuntimeError' });
      expect(await pool.run('count')).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker that reports more memory than retireAboveBytes after its job, and keeps one below it', async () => {
    const counting = `(() => { let calls = 0; return (job) => ({ output: ++calls, memory: job }); })()`;
    const pool = createWorkerPool<number, number>({ size: 1, handler: counting, retireAboveBytes: 1000 })!;
    try {
      expect(await pool.run(10)).toBe(1);
      expect(await pool.run(1000)).toBe(2);
      // The job that reported 1001 bytes gets its answer; the next job runs on a new worker.
      expect(await pool.run(1001)).toBe(3);
      expect(await pool.run(10)).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('warm starts every worker idle: handlers load before any job, and idle workers let the process exit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lake-warm-'));
    try {
      // Each worker's handler marks its start in a file of its own.
      const marking = `(() => {
        require('node:fs').writeFileSync(require('node:path').join(${JSON.stringify(dir)}, 'up-' + require('node:worker_threads').threadId), '');
        return (job) => ({ output: job });
      })()`;
      const pool = createWorkerPool<number, number>({ size: 2, handler: marking })!;
      try {
        pool.warm();
        pool.warm();
        for (let i = 0; i < 500 && (await readdir(dir)).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
        expect((await readdir(dir)).length).toBe(2);
        expect(await Promise.all([pool.run(1), pool.run(2), pool.run(3)])).toEqual([1, 2, 3]);
        // No worker beyond the size was started by the jobs.
        expect((await readdir(dir)).length).toBe(2);
      } finally {
        await pool.close();
      }
      // A process that warms the encoding pool and does nothing else ends by itself.
      const script = `import { warmParquetWorkers } from '@lake/parquet'; warmParquetWorkers(); console.log('warmed');`;
      const out = execFileSync(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, LAKE_PARQUET_WORKERS: '1' },
        timeout: 60_000,
      });
      expect(out.trim()).toBe('warmed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('is busy exactly while every worker it may start runs a job or jobs wait', async () => {
    const slow = `(() => (job) => { const until = Date.now() + job; while (Date.now() < until); return { output: job }; })()`;
    const pool = createWorkerPool<number, number>({ size: 2, handler: slow })!;
    try {
      expect(pool.busy()).toBe(false);
      const first = pool.run(300);
      expect(pool.busy()).toBe(false);
      const second = pool.run(300);
      expect(pool.busy()).toBe(true);
      const third = pool.run(1);
      expect(pool.busy()).toBe(true);
      expect(await Promise.all([first, second, third])).toEqual([300, 300, 1]);
      expect(pool.busy()).toBe(false);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('shares waiting jobs that allow it with the calling thread: each runs once, on whichever comes free first', async () => {
    const slow = `(() => (job) => { const until = Date.now() + job.ms; while (Date.now() < until); return { output: 'worker ' + job.n }; })()`;
    const pool = createWorkerPool<{ n: number; ms: number }, string>({ size: 1, handler: slow })!;
    try {
      const here = (job: { n: number; ms: number }) => `here ${job.n}`;
      // the worker is idle: the first job goes to it even though the caller could take it
      const first = pool.run({ n: 0, ms: 400 }, [], here);
      // these wait for the worker; the calling thread, free once this test awaits, takes them
      const waiting = [1, 2, 3].map((n) => pool.run({ n, ms: 1 }, [], here));
      // a job that does not allow it waits for the worker, whatever the caller is doing
      const workerOnly = pool.run({ n: 4, ms: 1 });
      expect(await Promise.all([first, ...waiting, workerOnly])).toEqual(['worker 0', 'here 1', 'here 2', 'here 3', 'worker 4']);
      // a job the calling thread cannot run fails alone; the pool goes on
      const failing = pool.run({ n: 5, ms: 300 }, [], () => 'unused');
      const broken = pool.run({ n: 6, ms: 1 }, [], () => {
        throw new RangeError('no');
      });
      await expect(broken).rejects.toThrow(RangeError);
      expect(await failing).toBe('worker 5');
      expect(pool.busy()).toBe(false);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('has no pool for a size below one', () => {
    expect(createWorkerPool({ size: 0, handler })).toBeUndefined();
  });
});

describe('Parquet encoding on workers', () => {
  const rows = 3000;
  const table = tableFromArrays({
    id: Array.from({ length: rows }, (_, i) => `id-${i}`),
    n: Float64Array.from({ length: rows }, (_, i) => i * 1.5),
    k: Int32Array.from({ length: rows }, (_, i) => i % 7),
  });
  // One footer key: parquet-wasm orders several in a hash map's order, which differs between calls.
  const settings = { compression: 'snappy' as const, rowGroupSize: 1000, keyValueMetadata: { a: '1' } };

  it('starts no worker for a table under 4 MiB the calling thread may encode, and uses one already running', async () => {
    await closeParquetWorkers();
    const mid = tableFromArrays({ id: Array.from({ length: 60_000 }, (_, i) => `row-${i}-${'x'.repeat(i % 13)}`) });
    const inline = encode(mid, settings);
    // over the pooled minimum (256 KiB of IPC), under the worker-start minimum
    expect(await encodePooled(mid, settings, undefined, true)).toEqual(inline);
    expect(parquetWorkersRunning()).toBe(0);
    // a job that must not run on the caller starts one (where workers exist) ...
    expect(await encodePooled(mid, settings)).toEqual(inline);
    const started = parquetWorkerCount() > 0 ? 1 : 0;
    expect(parquetWorkersRunning()).toBe(started);
    // ... which the caller's small jobs then share
    expect(await encodePooled(mid, settings, undefined, true)).toEqual(inline);
    expect(parquetWorkersRunning()).toBe(started);
  });

  it('writes the bytes the calling thread writes', async () => {
    const inline = encode(table, settings);
    const pooled = await encodePooled(table, settings, 0);
    expect(Buffer.from(pooled).equals(Buffer.from(inline))).toBe(true);
  });

  it('writeParquetAsync equals writeParquet, footer metadata and row groups included', async () => {
    const options = { compression: 'zstd' as const, rowGroupSize: 700, metadata: { 'writer.model.name': 'avro' } };
    const sync = writeParquet(table, options);
    const async = await writeParquetAsync(table, options);
    expect(Buffer.from(async).equals(Buffer.from(sync))).toBe(true);
    const back = readParquet(async);
    expect(back.numRows).toBe(rows);
    expect(back.getChild('id')!.get(2999)).toBe('id-2999');
  });

  it('writes the same bytes when the caller encodes because every worker is taken', async () => {
    const options = { compression: 'zstd' as const, rowGroupSize: 700, metadata: { 'writer.model.name': 'avro' } };
    const sync = writeParquet(table, options);
    const together = await Promise.all(Array.from({ length: 4 }, () => writeParquetAsync(table, options, { callerWhenBusy: true })));
    for (const bytes of together) expect(Buffer.from(bytes).equals(Buffer.from(sync))).toBe(true);
  });

  it('reports an encoder abort as PARQUET_WRITE_FAILED from a worker too, and encodes on after it', async () => {
    const expected = encode(table, settings);
    // A row group size of 0 makes the Rust writer panic (a WebAssembly trap).
    const inline = (() => {
      try {
        encode(table, { ...settings, rowGroupSize: 0 });
      } catch (e) {
        return e as ParquetError;
      }
    })();
    expect(inline?.code).toBe('PARQUET_WRITE_FAILED');
    await expect(encodePooled(table, { ...settings, rowGroupSize: 0 }, 0)).rejects.toMatchObject({ code: 'PARQUET_WRITE_FAILED', message: inline!.message });
    const after = await encodePooled(table, settings, 0);
    expect(Buffer.from(after).equals(Buffer.from(expected))).toBe(true);
  });

  it('sizes the pool from LAKE_PARQUET_WORKERS, else one less than the cores (at most 4)', () => {
    expect(parquetWorkerCount({ LAKE_PARQUET_WORKERS: '0' }, 8)).toBe(0);
    expect(parquetWorkerCount({ LAKE_PARQUET_WORKERS: '3' }, 1)).toBe(3);
    expect(parquetWorkerCount({ LAKE_PARQUET_WORKERS: 'many' }, 8)).toBe(0);
    expect(parquetWorkerCount({}, 1)).toBe(0);
    expect(parquetWorkerCount({}, 2)).toBe(1);
    expect(parquetWorkerCount({}, 16)).toBe(4);
  });
});

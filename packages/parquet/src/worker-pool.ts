// A small pool of `node:worker_threads` workers running one CommonJS handler, so CPU-bound work
// on independent inputs (Parquet encoding of separate files) runs beside the calling thread.
// Where workers do not exist (browsers, runtimes without worker_threads) there is no pool and
// callers run the work on their own thread. Idle workers do not keep the process alive.

import { ParquetError } from './errors.js';

type WorkerThreads = typeof import('node:worker_threads');
type NodeWorker = import('node:worker_threads').Worker;

export interface WorkerPoolOptions {
  /** Most workers started (they start on demand, one per job waiting, up to this many). */
  size: number;
  /**
   * Source of a CommonJS expression that evaluates, inside the worker, to the handler
   * `(input) => ({ output, transfer? })`. It may `require` absolute paths and node built-ins.
   */
  handler: string;
  /**
   * A worker whose handler reports more memory than this after a job (`memory` beside `output`) is
   * replaced once idle: WebAssembly memory only grows, so one large job would otherwise keep a
   * worker at its high-water mark for the rest of a long-running process.
   */
  retireAboveBytes?: number;
}

export interface WorkerPool<In, Out> {
  readonly size: number;
  /**
   * Runs the handler on `input` in a worker; `transfer` lists buffers moved rather than copied.
   * With `here`, the job may instead run on the calling thread: when that thread returns to its
   * event loop while the job still waits for a worker, it takes the job itself (one at a time,
   * letting workers that finished meanwhile take the next ones first), so the calling thread
   * works as one more worker whenever it has nothing else to do.
   */
  run(input: In, transfer?: ArrayBuffer[], here?: (input: In) => Out): Promise<Out>;
  /** Whether a job given now would wait: every worker the pool may start is running one. */
  busy(): boolean;
  /** Workers started and not stopped (idle or running a job). */
  workers(): number;
  /**
   * Starts every worker now, idle: a worker's start (a Node thread, then whatever the handler
   * loads) then overlaps the caller's own start instead of delaying the first job.
   */
  warm(): void;
  /** Stops every worker; jobs still running fail. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  input: unknown;
  transfer: ArrayBuffer[];
  /** The job run on the calling thread instead, when it is free first (see WorkerPool.run). */
  here?: (input: unknown) => unknown;
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: NodeWorker;
  job?: Job;
}

const workerMain = (handler: string): string => `
const { parentPort } = require('node:worker_threads');
const handle = (${handler});
parentPort.on('message', (job) => {
  try {
    const result = handle(job.input);
    parentPort.postMessage({ id: job.id, output: result.output, memory: result.memory }, result.transfer || []);
  } catch (e) {
    parentPort.postMessage({ id: job.id, error: { name: e && e.name, message: String(e && e.message !== undefined ? e.message : e) } });
  }
});
`;

/** Calls `f` on the event loop's next turn, after pending I/O (worker messages) is handled. */
function nextTurn(f: () => void): void {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (immediate) immediate(f);
  else setTimeout(f, 0);
}

/** node:worker_threads, when this runtime has it (Node >= 20.16 names built-ins synchronously). */
function workerThreads(): WorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
  } catch {
    return undefined;
  }
}

/** A pool, or undefined where workers cannot be started (the caller then works on its own thread). */
export function createWorkerPool<In, Out>(options: WorkerPoolOptions): WorkerPool<In, Out> | undefined {
  const threads = workerThreads();
  if (!threads || !(options.size >= 1)) return undefined;
  const source = workerMain(options.handler);
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 0;
  let closed = false;
  let helping = false;

  // The calling thread takes one waiting job that allows it, then yields: a worker whose answer
  // arrived meanwhile is handed the next job (worker messages are handled before immediates).
  function help(): void {
    if (helping || closed) return;
    helping = true;
    nextTurn(() => {
      helping = false;
      const at = queue.findIndex((j) => j.here !== undefined);
      if (at < 0 || closed) return;
      const [job] = queue.splice(at, 1);
      try {
        job.resolve(job.here!(job.input) as never);
      } catch (e) {
        job.reject(e instanceof Error ? e : new Error(String(e)));
      }
      if (queue.some((j) => j.here !== undefined)) help();
    });
  }

  function retire(slot: Slot): void {
    const at = slots.indexOf(slot);
    if (at >= 0) slots.splice(at, 1);
    void slot.worker.terminate();
  }

  function fail(slot: Slot, error: Error): void {
    const job = slot.job;
    slot.job = undefined;
    retire(slot);
    job?.reject(error);
    dispatch();
  }

  function start(): Slot {
    const worker = new threads!.Worker(source, { eval: true });
    const slot: Slot = { worker };
    worker.on('message', (message: { id: number; output?: unknown; memory?: number; error?: { name?: string; message: string } }) => {
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      slot.job = undefined;
      worker.unref();
      if (message.error) {
        const error = new Error(message.error.message);
        if (message.error.name) error.name = message.error.name;
        // A WebAssembly trap (a Rust panic) may leave the module's memory inconsistent: the
        // worker is replaced rather than reused.
        if (error.name === 'RuntimeError') retire(slot);
        job.reject(error);
      } else {
        if (options.retireAboveBytes !== undefined && (message.memory ?? 0) > options.retireAboveBytes) retire(slot);
        job.resolve(message.output as never);
      }
      dispatch();
    });
    worker.on('error', (e) => fail(slot, e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => {
      if (slots.includes(slot)) fail(slot, new ParquetError('PARQUET_WRITE_FAILED', `A worker thread stopped (exit code ${code}) while encoding; the write was not made. Retry it.`));
    });
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < options.size ? start() : undefined);
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      // A job in flight keeps the process alive until its answer arrives.
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, input: job.input }, job.transfer);
    }
  }

  return {
    size: options.size,
    warm() {
      if (closed) return;
      // Idle workers must not keep the process alive; a job refs its worker while it runs.
      while (slots.length < options.size) start().worker.unref();
    },
    busy() {
      return queue.length > 0 || (slots.length >= options.size && slots.every((s) => s.job !== undefined));
    },
    workers() {
      return slots.length;
    },
    run(input, transfer = [], here) {
      if (closed) return Promise.reject(new ParquetError('PARQUET_INVALID_ARGUMENT', 'The worker pool is closed.'));
      return new Promise<Out>((resolve, reject) => {
        const job: Job = { id: nextId++, input, transfer, resolve: resolve as (value: never) => void, reject, here: here as Job['here'] };
        queue.push(job);
        dispatch();
        // still waiting for a worker: the calling thread may take it at its next turn
        if (here && queue.includes(job)) help();
      });
    },
    async close() {
      closed = true;
      const stopping = slots.splice(0);
      for (const job of queue.splice(0)) job.reject(new ParquetError('PARQUET_INVALID_ARGUMENT', 'The worker pool was closed before the job ran.'));
      for (const slot of stopping) {
        slot.job?.reject(new ParquetError('PARQUET_INVALID_ARGUMENT', 'The worker pool was closed while the job ran.'));
        slot.job = undefined;
      }
      await Promise.all(stopping.map((s) => s.worker.terminate()));
    },
  };
}

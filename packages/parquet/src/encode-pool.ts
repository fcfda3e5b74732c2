// Parquet encoding on the worker pool: the calling thread turns the Arrow table into an IPC stream
// (which it must do anyway), a worker runs parquet-wasm on it, and the file's bytes come back
// moved, not copied. Small tables, and runtimes without workers, are encoded in the calling
// thread: a round trip to a worker costs more than encoding a few rows.

import type { Table } from 'apache-arrow';
import { ParquetError } from './errors.js';
import { COMPRESSIONS, encodeIPC, encodeInput, writeFailed, type EncodeSettings } from './wasm-codec.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

/** IPC streams smaller than this are encoded in the calling thread. */
const POOLED_MIN_BYTES = 256 * 1024;

/**
 * A job the calling thread may run itself (`callerWhenBusy`) starts no worker when it is smaller
 * than this: starting one costs a thread, a compile of parquet-wasm and 25-35 MB of resident
 * memory, more than encoding 4 MiB takes (20-40 ms). It uses workers already running (started by
 * a larger job, or by `warmParquetWorkers`).
 */
const WORKER_START_MIN_BYTES = 4 * 1024 * 1024;

/**
 * A worker whose parquet-wasm memory grew past this (a large file encoded) is replaced once idle,
 * so that a long-running writer does not keep that memory for the rest of its life. Encoding a
 * micro-batch or a log block stays far below it.
 */
const WORKER_RETIRE_BYTES = 96 * 1024 * 1024;

interface EncodeJob {
  ipc: Uint8Array;
  compression: number;
  rowGroupSize?: number;
  keyValueMetadata?: Record<string, string>;
  withoutStatistics?: string[];
  withoutDictionary?: string[];
}

// The worker's copy of encodeIPC (wasm-codec.ts): the same builder calls on the same parquet-wasm,
// so a file encoded in a worker has the bytes it would have had in the calling thread.
const handler = (wasmPath: string): string => `(() => {
  const wasm = require(${JSON.stringify(wasmPath)});
  return (job) => {
    let builder = new wasm.WriterPropertiesBuilder().setCompression(job.compression);
    if (job.rowGroupSize !== undefined) builder = builder.setMaxRowGroupSize(job.rowGroupSize);
    if (job.keyValueMetadata && Object.keys(job.keyValueMetadata).length > 0) {
      builder = builder.setKeyValueMetadata(new Map(Object.entries(job.keyValueMetadata)));
    }
    for (const column of job.withoutStatistics || []) builder = builder.setColumnStatisticsEnabled(column, wasm.EnabledStatistics.None);
    for (const column of job.withoutDictionary || []) builder = builder.setColumnDictionaryEnabled(column, false);
    const bytes = wasm.writeParquet(wasm.Table.fromIPCStream(job.ipc), builder.build());
    return { output: bytes, transfer: [bytes.buffer], memory: wasm.wasmMemory().buffer.byteLength };
  };
})()`;

/**
 * Workers for encoding: `LAKE_PARQUET_WORKERS` when set (0: none), otherwise one less than the
 * cores (at most 4), so the calling thread keeps a core for preparing the next file.
 */
export function parquetWorkerCount(env: Record<string, string | undefined> = processEnv(), cores = availableCores()): number {
  const configured = env.LAKE_PARQUET_WORKERS;
  if (configured !== undefined && configured.trim() !== '') {
    const n = Number(configured);
    return Number.isInteger(n) && n >= 0 ? Math.min(n, 64) : 0;
  }
  return Math.max(0, Math.min(4, cores - 1));
}

type NodeProcess = { env?: Record<string, string | undefined>; getBuiltinModule?: (name: string) => unknown };

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

function processEnv(): Record<string, string | undefined> {
  return nodeProcess()?.env ?? {};
}

function availableCores(): number {
  const os = nodeProcess()?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 1;
}

function parquetWasmPath(): string | undefined {
  const mod = nodeProcess()?.getBuiltinModule?.('node:module') as { createRequire?: (from: string) => { resolve(id: string): string } } | undefined;
  try {
    return mod?.createRequire?.(import.meta.url).resolve('parquet-wasm');
  } catch {
    return undefined;
  }
}

let shared: WorkerPool<EncodeJob, Uint8Array> | null | undefined;

/** The process's encoding pool (started on first use), or null where there is none. */
function encodePool(): WorkerPool<EncodeJob, Uint8Array> | null {
  if (shared !== undefined) return shared;
  const size = parquetWorkerCount();
  const wasmPath = size > 0 ? parquetWasmPath() : undefined;
  shared = wasmPath ? createWorkerPool<EncodeJob, Uint8Array>({ size, handler: handler(wasmPath), retireAboveBytes: WORKER_RETIRE_BYTES }) ?? null : null;
  return shared;
}

/**
 * Starts the encoding workers ahead of the first write, so that their WebAssembly compiles while
 * the caller is still loading and reading its input. Does nothing where there are no workers.
 */
export function warmParquetWorkers(): void {
  encodePool()?.warm();
}

/** Parquet workers running in this process now (idle or busy): 0 until a job or `warmParquetWorkers` starts one. */
export function parquetWorkersRunning(): number {
  return shared?.workers() ?? 0;
}

/** Stops the encoding workers (a later encode starts them again). */
export async function closeParquetWorkers(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}

/**
 * `encode` (wasm-codec.ts) on a worker when the table is large enough and workers exist. With
 * `callerWhenBusy`, a table that finds every worker taken may be encoded on the calling thread
 * instead: whichever comes free first, a worker or the calling thread (back in its event loop),
 * takes it. Where the caller has nothing else to do meanwhile (several independent files encoded
 * at once), it then works as one more encoder, and the workers are kept busy as well.
 */
export async function encodePooled(table: Table, settings: EncodeSettings, minBytes = POOLED_MIN_BYTES, callerWhenBusy = false): Promise<Uint8Array> {
  const ipc = encodeInput(table);
  const pool = ipc.byteLength >= minBytes ? encodePool() : null;
  if (!pool || (callerWhenBusy && pool.workers() === 0 && ipc.byteLength < WORKER_START_MIN_BYTES)) return encodeIPC(ipc, settings);
  // Moving the buffer needs it whole: a view into a larger one is copied out first.
  const own = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength && ipc.buffer instanceof ArrayBuffer ? ipc : ipc.slice();
  const job: EncodeJob = {
    ipc: own,
    compression: COMPRESSIONS[settings.compression],
    ...(settings.rowGroupSize !== undefined ? { rowGroupSize: settings.rowGroupSize } : {}),
    ...(settings.keyValueMetadata !== undefined ? { keyValueMetadata: settings.keyValueMetadata } : {}),
    ...(settings.withoutStatistics !== undefined ? { withoutStatistics: settings.withoutStatistics } : {}),
    ...(settings.withoutDictionary !== undefined ? { withoutDictionary: settings.withoutDictionary } : {}),
  };
  try {
    return await pool.run(job, [own.buffer as ArrayBuffer], callerWhenBusy ? () => encodeIPC(own, settings) : undefined);
  } catch (e) {
    throw e instanceof ParquetError ? e : writeFailed(e);
  }
}

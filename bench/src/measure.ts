// Timing and memory sampling around one operation: wall time, the process's CPU time, peak RSS
// and heap above the level at the start (sampled every few milliseconds), and store requests made
// meanwhile.

import type { RequestCounts } from '@lake/storage';

export interface Sample {
  ms: number;
  /**
   * CPU time of the whole process over the operation, user + system (`process.cpuUsage()`: it
   * counts worker threads too). Steadier than wall time on a shared machine; above it when
   * workers run beside the calling thread.
   */
  cpuMs: number;
  peakRssDeltaMb: number;
  peakHeapDeltaMb: number;
}

export interface Measured<T> extends Sample {
  value: T;
}

const MB = 1024 * 1024;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

/** Runs `op` once, sampling memory every 5 ms while it runs. */
export async function measure<T>(op: () => Promise<T>): Promise<Measured<T>> {
  gc();
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  const timer = setInterval(sample, 5);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const value = await op();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    sample();
    return { value, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssDeltaMb: (peakRss - start.rss) / MB, peakHeapDeltaMb: (peakHeap - start.heapUsed) / MB };
  } finally {
    clearInterval(timer);
  }
}

/** The numbers of a measurement, without the operation's return value. */
export function sampleOf(m: Sample): Sample {
  return { ms: m.ms, cpuMs: m.cpuMs, peakRssDeltaMb: m.peakRssDeltaMb, peakHeapDeltaMb: m.peakHeapDeltaMb };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Once the timed runs of one measurement add up to this, no further run starts. */
const REPEAT_BUDGET_MS = 30_000;

/**
 * Runs `prepare` (not timed) then `op` up to `runs` times (fewer when slow); medians of time
 * and memory, and the last run's value.
 */
export async function repeat<S, T>(
  runs: number,
  prepare: (run: number) => Promise<S>,
  op: (state: S) => Promise<T>,
  options: { warmup?: boolean } = {},
): Promise<Measured<T>> {
  // Reads can be repeated on the same state: one untimed run first warms the JIT and caches.
  if (options.warmup) await op(await prepare(-1));
  const samples: Measured<T>[] = [];
  let spent = 0;
  for (let r = 0; r < runs && (r === 0 || spent < REPEAT_BUDGET_MS); r++) {
    const state = await prepare(r);
    samples.push(await measure(() => op(state)));
    spent += samples[samples.length - 1].ms;
  }
  return {
    value: samples[samples.length - 1].value,
    ms: median(samples.map((s) => s.ms)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    peakRssDeltaMb: median(samples.map((s) => s.peakRssDeltaMb)),
    peakHeapDeltaMb: median(samples.map((s) => s.peakHeapDeltaMb)),
  };
}

export type RequestDelta = Omit<RequestCounts, never>;

/** Requests made between two snapshots of a store's counters. */
export function requestDelta(before: RequestCounts, after: RequestCounts): RequestDelta {
  const out = { ...after };
  for (const k of Object.keys(out) as (keyof RequestCounts)[]) out[k] = after[k] - before[k];
  return out;
}

// The shape of a benchmark run's results, shared by scenarios, the printed table and the JSON file.

import type { RequestDelta } from './measure.js';

export interface EngineRun {
  /** `lake`, `lake (mor)`, `lancedb`, `duckdb`, `parquet-wasm`. */
  engine: string;
  ms: number;
  /** Process CPU time (user + system, worker threads included); absent in results of older runs. */
  cpuMs?: number;
  rows: number;
  peakRssDeltaMb: number;
  peakHeapDeltaMb: number;
  /** Store requests by kind and bytes moved (lake only: LanceDB and DuckDB do their own I/O). */
  requests?: RequestDelta;
  bytesWritten?: number;
  /** Anything else worth reporting (files rewritten, versions, ...). */
  extra?: Record<string, number | string>;
  note?: string;
}

export interface Target {
  name: string;
  goal: string;
  actual: string;
  /** undefined: could not be measured in this run. */
  met?: boolean;
}

export interface ScenarioResult {
  id: string;
  title: string;
  size: string;
  runs: EngineRun[];
  targets: Target[];
  notes: string[];
}

export interface RunReport {
  mode: 'quick' | 'full';
  startedAt: string;
  durationSec: number;
  machine: { node: string; cpus: number; cpuModel: string; memGb: number; platform: string };
  versions: Record<string, string>;
  scenarios: ScenarioResult[];
  micro: MicroResult[];
}

export interface MicroResult {
  name: string;
  opsPerSec: number;
  meanUs: number;
  p99Us: number;
  samples: number;
}

export function rowsPerSec(run: EngineRun): number {
  return run.ms > 0 ? (run.rows * 1000) / run.ms : 0;
}

export function runOf(result: ScenarioResult, engine: string): EngineRun | undefined {
  return result.runs.find((r) => r.engine === engine);
}

/** Which time a ratio compares: wall clock, or the process's CPU time. */
export type TimeKind = 'wall' | 'cpu';

function timeOf(run: EngineRun, kind: TimeKind): number | undefined {
  return kind === 'wall' ? run.ms : run.cpuMs;
}

/** lake's time over a peer's: below 1 means lake was faster. */
export function ratio(lake: EngineRun | undefined, peer: EngineRun | undefined, kind: TimeKind = 'wall'): number | undefined {
  if (!lake || !peer || lake.note || peer.note) return undefined;
  const l = timeOf(lake, kind);
  const p = timeOf(peer, kind);
  if (l === undefined || p === undefined || p <= 0) return undefined;
  return l / p;
}

/** A target on lake's time over a peer's; `limit` undefined: reported for information, never met or missed. */
export function ratioTarget(name: string, lake: EngineRun | undefined, peer: EngineRun | undefined, limit: number | undefined, kind: TimeKind = 'wall'): Target {
  const r = ratio(lake, peer, kind);
  if (limit === undefined) return { name, goal: 'information', actual: r === undefined ? 'n/a' : `${r.toFixed(2)}x` };
  return {
    name,
    goal: `<= ${limit.toFixed(1)}x`,
    actual: r === undefined ? 'n/a' : `${r.toFixed(2)}x`,
    met: r === undefined ? undefined : r <= limit,
  };
}

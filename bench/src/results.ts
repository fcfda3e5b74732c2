// The shape of a benchmark run's results, shared by scenarios, the printed table and the JSON file.

import type { RequestDelta } from './measure.js';

export interface EngineRun {
  /** `lake`, `lake (mor)`, `lancedb`, `duckdb`, `parquet-wasm`. */
  engine: string;
  ms: number;
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

/** lake's time over a peer's: below 1 means lake was faster. */
export function ratio(lake: EngineRun | undefined, peer: EngineRun | undefined): number | undefined {
  if (!lake || !peer || peer.ms <= 0 || lake.note || peer.note) return undefined;
  return lake.ms / peer.ms;
}

export function ratioTarget(name: string, lake: EngineRun | undefined, peer: EngineRun | undefined, limit: number): Target {
  const r = ratio(lake, peer);
  return {
    name,
    goal: `<= ${limit.toFixed(1)}x`,
    actual: r === undefined ? 'n/a' : `${r.toFixed(2)}x`,
    met: r === undefined ? undefined : r <= limit,
  };
}

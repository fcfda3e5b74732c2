import { describe, expect, it } from 'vitest';

import { markdownReport, printReport } from './report.js';
import type { EngineRun, RunReport } from './results.js';
import { ratio, ratioTarget } from './results.js';

function report(runs: EngineRun[]): RunReport {
  return {
    mode: 'quick',
    startedAt: '2026-12-01T00:00:00.000Z',
    durationSec: 1,
    machine: { node: 'v20', cpus: 2, cpuModel: 'cpu', memGb: 1, platform: 'linux-x64' },
    versions: {},
    scenarios: [{ id: 's', title: 'Scenario', size: '1k', runs, targets: [], notes: [] }],
    micro: [],
  };
}

const lake: EngineRun = { engine: 'lake', rows: 1000, ms: 2500, cpuMs: 3000, peakRssDeltaMb: 1, peakHeapDeltaMb: 1 };
// a run from a results file written before CPU time was recorded
const older: EngineRun = { engine: 'duckdb', rows: 1000, ms: 500, peakRssDeltaMb: 1, peakHeapDeltaMb: 1 };

describe('the report', () => {
  it('shows a cpu column beside the wall time, empty for runs that did not record it', () => {
    const md = markdownReport(report([lake, older])).split('\n');
    expect(md[0]).toBe('| scenario | size | engine | median | cpu | rows/s | peak MB rss/heap | lake store requests | written | lake / peer |');
    expect(md[2]).toContain('| lake | 2.50 s | 3.00 s | 400/s |');
    expect(md[3]).toContain('| duckdb | 500 ms |  | 2.0k/s |');
    expect(md[3]).toContain('| 5.00x |');
    expect(printReport(report([lake, older]))).toMatch(/engine +median +cpu +rows\/s/);
  });
});

describe('ratios', () => {
  it('compare CPU time when asked, and are unknown when a run has none', () => {
    const peer: EngineRun = { ...older, cpuMs: 2000 };
    expect(ratio(lake, peer, 'cpu')).toBe(1.5);
    expect(ratio(lake, older, 'cpu')).toBeUndefined();
    expect(ratioTarget('t', lake, peer, 1.3, 'cpu')).toEqual({ name: 't', goal: '<= 1.3x', actual: '1.50x', met: false });
    expect(ratioTarget('t', lake, older, 1.3, 'cpu')).toEqual({ name: 't', goal: '<= 1.3x', actual: 'n/a', met: undefined });
    expect(ratioTarget('t', lake, older, undefined)).toEqual({ name: 't', goal: 'information', actual: '5.00x' });
  });
});

// The printed results: one table of engine runs per scenario with the lake/peer ratios, the
// targets marked met or missed, and the micro benchmarks; also as markdown for the README.

import type { EngineRun, MicroResult, RunReport, ScenarioResult } from './results.js';
import { ratio, rowsPerSec, runOf } from './results.js';

function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

function fmtRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M/s`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k/s`;
  return `${n.toFixed(0)}/s`;
}

function fmtBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${n} B`;
}

function fmtRequests(r: EngineRun['requests']): string {
  if (!r) return '';
  return (['GET', 'PUT', 'LIST', 'HEAD', 'DELETE'] as const)
    .filter((k) => r[k] > 0)
    .map((k) => `${k} ${r[k]}`)
    .join(' ');
}

function mark(met: boolean | undefined): string {
  return met === undefined ? 'n/a' : met ? 'MET' : 'MISSED';
}

/** Rows of one scenario: engine, wall and CPU time, rows/s, memory, requests, bytes, lake/engine ratio. */
function scenarioRows(s: ScenarioResult): string[][] {
  // The reference: plain lake (copy-on-write), else the first lake variant that ran.
  const lake = runOf(s, 'lake') ?? s.runs.find((r) => r.engine.startsWith('lake') && !r.note);
  return s.runs.map((r) => {
    if (r.note) return [s.title, s.size, r.engine, r.note, '', '', '', '', '', '', ''];
    const q = r.engine.startsWith('lake') ? '' : ratio(lake, r);
    return [
      s.title,
      s.size,
      r.engine,
      fmtMs(r.ms),
      r.cpuMs === undefined ? '' : fmtMs(r.cpuMs),
      fmtRate(rowsPerSec(r)),
      `${r.peakRssDeltaMb.toFixed(0)} / ${r.peakHeapDeltaMb.toFixed(0)}`,
      fmtRequests(r.requests),
      fmtBytes(r.bytesWritten),
      q === '' ? '' : q === undefined ? '' : `${q.toFixed(2)}x`,
      r.extra ? Object.entries(r.extra).map(([k, v]) => `${k}=${v}`).join(' ') : '',
    ];
  });
}

const HEAD = ['scenario', 'size', 'engine', 'median', 'cpu', 'rows/s', 'peak MB rss/heap', 'lake store requests', 'written', 'lake / peer', 'details'];

function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

export function printReport(report: RunReport): string {
  const out: string[] = [];
  out.push(`lake bench (${report.mode}) — ${report.machine.cpus} x ${report.machine.cpuModel}, Node ${report.machine.node}, ${report.durationSec.toFixed(0)} s`);
  for (const s of report.scenarios) {
    out.push('', `## ${s.title} — ${s.size}`);
    out.push(textTable([HEAD.slice(2), ...scenarioRows(s).map((r) => r.slice(2))]));
    for (const n of s.notes) out.push(`  note: ${n}`);
  }
  out.push('', '## Targets');
  out.push(textTable([['target', 'goal', 'actual', 'status'], ...report.scenarios.flatMap((s) => s.targets.map((t) => [t.name, t.goal, t.actual, mark(t.met)]))]));
  out.push('', '## Micro benchmarks (tinybench)');
  out.push(textTable([['benchmark', 'ops/s', 'mean', 'p99', 'samples'], ...report.micro.map(microRow)]));
  return out.join('\n');
}

function microRow(m: MicroResult): string[] {
  return [m.name, m.opsPerSec.toFixed(1), `${(m.meanUs / 1000).toFixed(3)} ms`, `${(m.p99Us / 1000).toFixed(3)} ms`, String(m.samples)];
}

function mdTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map((v) => v.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
}

/** The same results as markdown tables, for bench/README.md and the root README. */
export function markdownReport(report: RunReport): string {
  const out: string[] = [];
  out.push(mdTable([HEAD.slice(0, 10), ...report.scenarios.flatMap((s) => scenarioRows(s).map((r) => r.slice(0, 10)))]));
  out.push('', mdTable([['target', 'goal', 'actual', 'status'], ...report.scenarios.flatMap((s) => s.targets.map((t) => [t.name, t.goal, t.actual, mark(t.met)]))]));
  out.push('', mdTable([['micro benchmark', 'ops/s', 'mean', 'p99', 'samples'], ...report.micro.map(microRow)]));
  return out.join('\n');
}

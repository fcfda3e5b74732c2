// `pnpm --filter @lake/bench profile <op> [rows]`: CPU profile of one lake operation (the same
// sampling profiler `node --cpu-prof` uses, started and stopped around the operation only, so
// table setup does not show), written as a .cpuprofile and summarised as the functions with
// the most self time. Ops: load, upsert, delete, erase, commit, scan; or a .cpuprofile file to
// summarise. `<op>-mor` runs upsert, delete, erase or scan on a merge-on-read table, `<op>-bucket`
// on the bench's merge-on-read table with Hudi's bucket index.

import { readFileSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { benchBuckets, buildLakeBase } from './base.js';
import { eventTable, randomKeys, upsertTable, userId, EVENTS_PER_USER } from './data.js';
import { copyDir, removeScratch, scratch } from './fs-util.js';
import { lakeCreate, lakeOpen } from './lake.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One operation on a table prepared for it; each call of `prepare` gives a fresh table. */
type Prepare = () => Promise<() => Promise<unknown>>;

async function setup(opName: string, rows: number): Promise<Prepare> {
  let op = opName;
  if (op === 'load') {
    const data = eventTable(0, rows);
    return async () => {
      const { table } = await lakeCreate(await scratch('prof-load'));
      return () => table.insert(data);
    };
  }
  if (op === 'commit') {
    // The per-commit cost on a table that already has `rows` commits (10 rows each).
    const { table } = await lakeCreate(await scratch('prof-commit'));
    for (let i = 0; i < rows; i++) await table.insert(eventTable(i * 10, 10));
    let next = rows;
    return async () => async () => {
      for (const end = next + 20; next < end; next++) await table.insert(eventTable(next * 10, 10));
    };
  }
  const mor = op.endsWith('-mor');
  const bucket = op.endsWith('-bucket');
  if (mor || bucket) op = op.slice(0, op.lastIndexOf('-'));
  // The bucket table is the one the bench's upsert and delete scenarios build.
  const options = bucket ? { type: 'mor' as const, buckets: benchBuckets(rows) } : mor ? { type: 'mor' as const } : {};
  const baseDir = await buildLakeBase(rows, options);
  const fresh = async () => (await lakeOpen(await copyDir(baseDir, 'prof-table'))).table;
  if (op === 'upsert') {
    const batch = upsertTable(rows, Math.floor(rows / 10)); // 100k into 1M, as the scenario
    return async () => {
      const table = await fresh();
      return () => table.upsert(batch);
    };
  }
  if (op === 'delete') {
    const keys = randomKeys(rows, Math.min(10_000, Math.floor(rows / 20)));
    return async () => {
      const table = await fresh();
      return () => table.delete(keys);
    };
  }
  if (op === 'erase') {
    const user = userId(Math.floor(rows / 2 / EVENTS_PER_USER));
    return async () => {
      const table = await fresh();
      return () => table.deleteWhere((row) => row.user_id === user);
    };
  }
  if (op === 'scan') {
    return async () => {
      const table = await fresh();
      return async () => {
        for await (const b of table.read({ columns: ['impression_id', 'cost'], withMeta: false })) void b;
      };
    };
  }
  throw new Error(`Unknown op "${op}"; use load, upsert, delete, erase, commit or scan (upsert, delete, erase and scan also as <op>-mor and <op>-bucket)`);
}

/** CPU time of the whole process (worker threads included): steadier than wall time on a shared machine. */
async function timed(run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await run();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const sourceCache = new Map<string, string[]>();

/**
 * The line of a function in its TypeScript source: the loader's transpiled code does not keep
 * line numbers, so the definition is looked up by name.
 */
function sourceLine(path: string, name: string, reported: number): number {
  if (!path.endsWith('.ts') || !name || name === '(anonymous)') return reported;
  let lines = sourceCache.get(path);
  if (!lines) {
    try {
      lines = readFileSync(path, 'utf8').split('\n');
    } catch {
      return reported;
    }
    sourceCache.set(path, lines);
  }
  const escaped = name.replace(/[$]/g, '\\$');
  const def = new RegExp(`(function\\*?\\s+${escaped}\\b|\\b${escaped}\\s*[=(:<]|\\b(get|set|async)\\s+${escaped}\\b)`);
  const candidate = (l: string) => def.test(l) && !/^\s*(\/\/|\*|import)/.test(l);
  // A definition opens a body; calls and interface members do not.
  let i = lines.findIndex((l) => candidate(l) && /[{>]\s*$/.test(l) && !/\b(await|return)\b/.test(l));
  if (i < 0) i = lines.findIndex(candidate);
  return i >= 0 ? i + 1 : reported;
}

function frameName(f: ProfileNode['callFrame']): string {
  const name = f.functionName || '(anonymous)';
  if (!f.url) return `${name} (native)`;
  const path = f.url.startsWith('file:') ? fileURLToPath(f.url) : f.url;
  return `${name} ${shortPath(f.url)}:${sourceLine(path, f.functionName, f.lineNumber + 1)}`;
}

function shortPath(url: string): string {
  if (!url.startsWith('file:') && !url.startsWith('/')) return url;
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  return relative(repoRoot, path).replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
}

/** Self time per function (file:line), largest first. */
function hotSpots(profile: CpuProfile, top: number): string[] {
  const self = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
  const byFrame = new Map<string, number>();
  for (const n of profile.nodes) {
    const us = self.get(n.id) ?? 0;
    if (us === 0) continue;
    const key = frameName(n.callFrame);
    byFrame.set(key, (byFrame.get(key) ?? 0) + us);
  }
  const total = [...byFrame.values()].reduce((a, b) => a + b, 0);
  return [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}

/** Time spent in each lake function including what it calls (packages/ frames only). */
function lakeInclusive(profile: CpuProfile, top: number): string[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const incl = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const us = deltas[i] ?? 0;
    total += us;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n || !n.callFrame.url.includes('/packages/')) continue;
      const key = frameName(n.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + us);
    }
  });
  return [...incl.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}

async function main(): Promise<void> {
  const [op = 'upsert', rowsArg] = process.argv.slice(2).filter((a) => a !== '--' && !a.startsWith('--'));
  if (op.endsWith('.cpuprofile')) {
    // Summarise an existing profile (from this tool or from node --cpu-prof).
    const profile = JSON.parse(readFileSync(op, 'utf8')) as CpuProfile;
    process.stdout.write(`self time:\n${hotSpots(profile, 25).join('\n')}\nlake functions, inclusive time:\n${lakeInclusive(profile, 25).join('\n')}\n`);
    return;
  }
  const rows = Number(rowsArg ?? (op === 'commit' ? 200 : 100_000));
  const prepare = await setup(op, rows);
  // `--runs=N`: N unprofiled runs, each on a fresh copy of the table, before the profiled one.
  const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 0);
  if (runs > 0) {
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = await timed(await prepare());
      cpu.push(t.cpuMs);
      wall.push(t.ms);
    }
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
    process.stdout.write(`${op} (${rows}), ${runs} runs: CPU median ${median(cpu).toFixed(0)} ms [${list(cpu)}], wall median ${median(wall).toFixed(0)} ms [${list(wall)}]\n`);
  }
  const run = await prepare();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const { ms, cpuMs } = await timed(run);
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  const out = join(repoRoot, 'bench', 'results', 'profiles');
  await mkdir(out, { recursive: true });
  const file = join(out, `${op}-${rows}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  process.stdout.write(
    `${op} (${rows}): ${ms.toFixed(0)} ms, CPU ${cpuMs.toFixed(0)} ms; profile ${relative(repoRoot, file)}\n` +
      `self time:\n${hotSpots(profile, 25).join('\n')}\n` +
      `lake functions, inclusive time:\n${lakeInclusive(profile, 25).join('\n')}\n`,
  );
  await removeScratch();
}

main().catch((e: unknown) => {
  process.stderr.write(`profile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

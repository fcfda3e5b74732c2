// Scenario 6: open a table that has many commits and read its first row: time, and for lake the
// store requests by kind. Opened at two commit counts of the same table: "bounded" means the
// requests do not grow with the number of commits.

import { openTable } from '@lake/core';
import { clearCommitMetadataCache } from '@lake/core/format';
import { LocalStore } from '@lake/storage';
import type { BenchConfig } from '../config.js';
import { eventTable } from '../data.js';
import { scratch } from '../fs-util.js';
import { lakeCreate } from '../lake.js';
import { measure, sampleOf } from '../measure.js';
import { lanceDb, lanceOpen, toLanceArrow } from '../peers/lance.js';
import type { EngineRun, ScenarioResult } from '../results.js';

const ROWS_PER_COMMIT = 10;

function requestsTotal(r: NonNullable<EngineRun['requests']>): number {
  return r.GET + r.PUT + r.LIST + r.HEAD + r.DELETE;
}

async function lakeOpenFirstRow(dir: string, commits: number, buildMs: number): Promise<EngineRun> {
  const store = new LocalStore(dir);
  const open = await measure(async () => {
    // A cold open, as a new process does it: nothing of the table cached.
    clearCommitMetadataCache();
    const t = await openTable(store);
    const it = t.read()[Symbol.asyncIterator]();
    const first = await it.next();
    await it.return?.();
    return first.done ? 0 : first.value.numRows;
  });
  const req = { ...store.requests };
  return { engine: 'lake', rows: open.value > 0 ? 1 : 0, ...sampleOf(open), requests: req, extra: { commits, requestsTotal: requestsTotal(req), buildMs: Math.round(buildMs) } };
}

export async function manyCommits(cfg: BenchConfig): Promise<ScenarioResult[]> {
  const counts = [...cfg.commitCounts].sort((a, b) => a - b);
  const results = new Map<number, ScenarioResult>();
  for (const c of counts) {
    results.set(c, { id: `open-${c}`, title: `Open a table with ${c} commits, read the first row`, size: `${c} commits`, runs: [], targets: [], notes: [] });
  }

  // One table grows commit by commit; it is opened afresh each time it reaches a count.
  const dir = await scratch('commits-lake');
  const { table } = await lakeCreate(dir);
  let done = 0;
  let buildMs = 0;
  for (const c of counts) {
    const build = await measure(async () => {
      for (; done < c; done++) await table.insert(eventTable(done * ROWS_PER_COMMIT, ROWS_PER_COMMIT));
    });
    buildMs += build.ms;
    results.get(c)!.runs.push(await lakeOpenFirstRow(dir, c, buildMs));
  }

  const lanceDir = await scratch('commits-lance');
  const db = await lanceDb(lanceDir);
  const t = await db.createTable('ad_events', toLanceArrow(eventTable(0, ROWS_PER_COMMIT)));
  done = 1;
  buildMs = 0;
  for (const c of counts) {
    const build = await measure(async () => {
      for (; done < c; done++) await t.add(toLanceArrow(eventTable(done * ROWS_PER_COMMIT, ROWS_PER_COMMIT)));
    });
    buildMs += build.ms;
    const read = await measure(async () => {
      const opened = await lanceOpen(lanceDir, 'ad_events');
      return (await opened.query().limit(1).toArrow()).numRows;
    });
    results.get(c)!.runs.push({ engine: 'lancedb', rows: read.value, ...sampleOf(read), extra: { commits: c, buildMs: Math.round(buildMs) } });
  }

  const smallest = results.get(counts[0])!.runs[0];
  const base = requestsTotal(smallest.requests!);
  for (const c of counts) {
    const r = results.get(c)!;
    const lake = r.runs[0];
    const total = requestsTotal(lake.requests!);
    const req = lake.requests!;
    // Bounded: within 10% (+5) of the count at the fewest commits; a single count can only report.
    const bounded = c === counts[0] ? undefined : total <= base * 1.1 + 5;
    r.targets.push({
      name: `open a ${c}-commit table: store requests bounded`,
      goal: c === counts[0] ? 'reference' : `<= ${Math.floor(base * 1.1 + 5)} (as at ${counts[0]} commits)`,
      actual: `${total} (${req.GET} GET, ${req.LIST} LIST, ${req.HEAD} HEAD)`,
      met: bounded,
    });
  }
  return counts.map((c) => results.get(c)!);
}

// Runs one keyed write in a process of its own and prints its memory as JSON: the peak resident
// set of the whole process (what an operator sizes a container or Lambda by), and the resident
// set just before the write (Node, the engine's modules and the input batch loaded).
// Spawned by fresh-rss.ts; the argument is a FreshOp as JSON. Each engine's modules are loaded
// only for its own runs: LanceDB's native module alone adds about 40 MB to a process's resident
// set, which a service running lake would never load (and lake's modules are not LanceDB's cost).

import { readFileSync } from 'node:fs';
import { randomKeys, upsertTable } from './data.js';
import type { FreshOp, FreshResult } from './fresh-rss.js';

const lance = () => import('./peers/lance.js');
const lake = () => import('./lake.js');

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const op = JSON.parse(process.argv[2] ?? '') as FreshOp;
  let run: () => Promise<unknown>;
  if (op.op === 'upsert') {
    const batch = upsertTable(op.existing, op.count);
    if (op.engine === 'lancedb') {
      const { lanceOpen, toLanceArrow } = await lance();
      const t = await lanceOpen(op.dir, 'ad_events');
      const lanceBatch = toLanceArrow(batch);
      run = () => t.mergeInsert('impression_id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(lanceBatch);
    } else {
      const { table } = await (await lake()).lakeOpen(op.dir);
      run = () => table.upsert(batch);
    }
  } else {
    const keys = randomKeys(op.existing, op.count);
    if (op.engine === 'lancedb') {
      const { lanceOpen, sqlList } = await lance();
      const t = await lanceOpen(op.dir, 'ad_events');
      const list = sqlList(keys);
      run = () => t.delete(`impression_id IN (${list})`);
    } else {
      const { table } = await (await lake()).lakeOpen(op.dir);
      run = () => table.delete(keys);
    }
  }
  const baselineRssMb = process.memoryUsage().rss / MB;
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const result: FreshResult = { peakRssMb: peakRssMb(), baselineRssMb, ms };
  process.stdout.write(JSON.stringify(result) + '\n');
}

/**
 * The process's own peak resident set, in MB. Linux's `VmHWM` (/proc/self/status) belongs to the
 * address space this process was exec'd into. `maxRSS` (getrusage) is the fallback elsewhere; on
 * Linux it also carries the RSS the spawning process had when it forked, so a child of the bench
 * (which holds every engine's tables) would report at least the bench's own size.
 */
function peakRssMb(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

main().catch((e: unknown) => {
  process.stderr.write(`fresh-child failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

// Runs one keyed write in a process of its own and prints its memory as JSON: the peak resident
// set of the whole process (what an operator sizes a container or Lambda by), and the resident
// set just before the write (Node, the engine's modules and the input batch loaded); then its
// time, and the median time of the same write repeated on fresh copies of the table in the now
// warm process.
// Spawned by fresh-rss.ts; the argument is a FreshOp as JSON. Each engine's modules are loaded
// only for its own runs: LanceDB's native module alone adds about 40 MB to a process's resident
// set, which a service running lake would never load (and lake's modules are not LanceDB's cost).

import { readFileSync } from 'node:fs';
import type { Table } from 'arrow21';
import { randomKeys, upsertTable } from './data.js';
import type { FreshOp, FreshResult } from './fresh-rss.js';

const lance = () => import('./peers/lance.js');
const lake = () => import('./lake.js');

const MB = 1024 * 1024;

/** The write's input, made once: the batch to upsert or the keys to delete. */
type Input = { batch: Table } | { keys: string[] };

function inputOf(op: FreshOp): Input {
  return op.op === 'upsert' ? { batch: upsertTable(op.existing, op.count) } : { keys: randomKeys(op.existing, op.count) };
}

/** Opens the table in `dir` and returns the write, ready to run. */
async function prepare(op: FreshOp, input: Input, dir: string): Promise<() => Promise<unknown>> {
  if ('batch' in input) {
    const { batch } = input;
    if (op.engine === 'lancedb') {
      const { lanceOpen, toLanceArrow } = await lance();
      const t = await lanceOpen(dir, 'ad_events');
      const lanceBatch = toLanceArrow(batch);
      return () => t.mergeInsert('impression_id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(lanceBatch);
    }
    const { table } = await (await lake()).lakeOpen(dir);
    return () => table.upsert(batch);
  }
  const { keys } = input;
  if (op.engine === 'lancedb') {
    const { lanceOpen, sqlList } = await lance();
    const t = await lanceOpen(dir, 'ad_events');
    const list = sqlList(keys);
    return () => t.delete(`impression_id IN (${list})`);
  }
  const { table } = await (await lake()).lakeOpen(dir);
  return () => table.delete(keys);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const op = JSON.parse(process.argv[2] ?? '') as FreshOp;
  const input = inputOf(op);
  const run = await prepare(op, input, op.dir);
  const baselineRssMb = process.memoryUsage().rss / MB;
  const ms = await timed(run);
  const result: FreshResult = { peakRssMb: peakRssMb(), baselineRssMb, ms };
  // The same write again on fresh copies of the table, in this process now warm: what a service
  // doing only this work takes per write.
  const warm: number[] = [];
  for (const dir of op.repeatDirs ?? []) warm.push(await timed(await prepare(op, input, dir)));
  if (warm.length > 0) result.warmMs = warm.sort((x, y) => x - y)[warm.length >> 1];
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

// Shared by the crash tests of `lake ingest --follow`: a child process that ingests, a loop that
// kills it with SIGKILL at random points while the source grows, and the exactly-once check.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { rowsToJson, type HudiTable } from '@lake/core';
import { loadArchivedTimeline } from '@lake/core/format';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/src/main.ts');

export interface SourceEvent {
  id: string;
  user: string;
  ts: number;
  amount: number;
}

/** A deterministic generator (the ad-events example's mulberry32) so a failing run can be replayed. */
export { random } from '../../examples/ad-events/generate.js';
import { random } from '../../examples/ad-events/generate.js';

export function makeEvent(i: number): SourceEvent {
  return { id: `ev-${String(i).padStart(5, '0')}`, user: `u-${i % 13}`, ts: Date.UTC(2024, 4, 1 + (i % 4), i % 24, i % 60, 0, i % 1000), amount: (i * 7) / 100 };
}

export function startIngest(table: string, from: string, extra: string[] = []): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', MAIN, 'ingest', table, '--from', from, '--derive-date', 'dt=ts', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => text };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function checkExactlyOnce(table: HudiTable, expected: Map<string, SourceEvent>): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  for await (const batch of table.read({ withMeta: false })) for (const row of rowsToJson(batch)) rows.push(row);
  expect(rows.length).toBe(expected.size);
  const seen = new Set<string>();
  for (const row of rows) {
    const id = String(row.id);
    expect(seen.has(id)).toBe(false);
    seen.add(id);
    const want = expected.get(id);
    expect(want, `unexpected record ${id}`).toBeDefined();
    expect({ user: row.user, ts: Date.parse(String(row.ts)), amount: row.amount, dt: row.dt }).toEqual({
      user: want!.user,
      ts: want!.ts,
      amount: want!.amount,
      dt: new Date(want!.ts).toISOString().slice(0, 10),
    });
  }
  // Every record was inserted by exactly one commit and never rewritten by a second delivery.
  const timeline = await table.timeline();
  let inserts = 0;
  let updates = 0;
  // Past hoodie.keep.max.commits the oldest commits are archived: their statistics come from the archive.
  const archived = await loadArchivedTimeline(table.store, table.config);
  const active = new Set(timeline.completedWrites().map((i) => i.time));
  const metas = [
    ...(await Promise.all(timeline.completedWrites().map((i) => timeline.commitMetadata(i)))),
    ...archived.completedWrites().filter((i) => !active.has(i.time)).map((i) => archived.commitMetadata(i)),
  ];
  for (const meta of metas) {
    for (const stats of meta.partitionToWriteStats.values()) {
      for (const s of stats) {
        inserts += s.numInserts;
        updates += s.numUpdateWrites;
      }
    }
  }
  expect(updates).toBe(0);
  expect(inserts).toBe(expected.size);
}

async function waitFor(condition: () => boolean, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  while (!condition() && !done && Date.now() < deadline) await sleep(25);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * Kills the ingesting child at random points while `produce` grows the source: after a random
 * number of committed batches (0 to 3) and a random delay, so kills land before, during and
 * after commits. Then a graceful SIGTERM stop, and a run that drains what is left.
 */
export async function crashLoop(tableUri: string, from: string, seed: number, produce: () => Promise<void>, extra: string[]): Promise<void> {
  const rnd = random(seed);
  const producing = produce();
  for (let round = 0; round < 4; round++) {
    const run = startIngest(tableUri, from, ['--follow', '--json', ...extra]);
    const batches = Math.floor(rnd() * 4);
    await waitFor(() => count(run.output(), '"event":"start"') > 0 && count(run.output(), '"event":"batch"') >= batches, run.exited, 30_000);
    await Promise.race([sleep(Math.floor(rnd() * 600)), run.exited]);
    run.child.kill('SIGKILL');
    await run.exited;
    if (process.env.LAKE_CRASH_DEBUG) {
      const { openTable } = await import('@lake/core');
      const tl = await (await openTable(tableUri)).timeline();
      console.log(`round ${round}: waited for ${batches} batches; ${tl.completedWrites().length} commits, ${tl.pending().length} pending`);
    }
  }
  await producing;
  // Graceful stop: SIGTERM while following finishes the current batch and exits 0.
  const last = startIngest(tableUri, from, ['--follow', '--json', ...extra]);
  await waitFor(() => count(last.output(), '"event":"start"') > 0, last.exited, 30_000);
  await sleep(1000);
  last.child.kill('SIGTERM');
  expect(await last.exited, last.output()).toBe(0);
  expect(last.output()).toContain('"event":"stop"');
  // Whatever the follow run left, a run to the end of the source picks up.
  const final = startIngest(tableUri, from, ['--once', ...extra]);
  expect(await final.exited, final.output()).toBe(0);
}

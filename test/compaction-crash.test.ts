// A compaction killed at every point of its run (before the plan, after it, between file groups,
// before the commit): the table stays readable with the same contents, and the next run finishes
// the job with base files only.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FaultyStore, LOCAL_TEMP_PREFIX, LocalStore } from '@lake/storage';
import { createTable, openTable, rowsToJson, type HudiTable } from '@lake/core';

const root = mkdtempSync(join(tmpdir(), 'lake-compaction-crash-'));
const template = join(root, 'template');
const child = join(__dirname, 'support', 'compact-crash-child.ts');

/** Rows without `_hoodie_file_name`, which names the physical file and changes with compaction. */
async function contents(t: HudiTable, asOf?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of t.read({ asOf })) {
    for (const r of rowsToJson(batch)) {
      delete r._hoodie_file_name;
      out.push(JSON.stringify(r));
    }
  }
  return out.sort();
}

function runChild(dir: string, killAt: number): { killed: boolean; output: string } {
  const res = spawnSync(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', child, dir, String(killAt)], { encoding: 'utf8', timeout: 60_000 });
  return { killed: res.signal === 'SIGKILL', output: `${res.stdout}${res.stderr}` };
}

let expected: string[];
let instants: string[];
let totalWrites: number;

beforeAll(async () => {
  const t = await createTable(template, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
  const rows = (n: number, ts: number) => Array.from({ length: n }, (_, i) => ({ id: `k${i}`, dt: `d${i % 3}`, ts, v: `v${ts}-${i}` }));
  await t.insert(rows(30, 1));
  await t.upsert(rows(12, 2));
  await t.delete(['k3', 'k4']);
  // Updates only (no re-insert of the deleted keys, which would rewrite their file groups), so
  // every file group has logs to compact.
  await t.upsert(rows(12, 3).filter((r) => r.id !== 'k3' && r.id !== 'k4'));
  expected = await contents(t);
  instants = (await t.timeline()).completedWrites().map((i) => i.time);
  // How many store writes a whole compaction makes, to kill before each of them.
  const copy = join(root, 'count');
  cpSync(template, copy, { recursive: true });
  let writes = 0;
  const counting = new FaultyStore(new LocalStore(copy), {
    failOn(op) {
      if (op === 'put' || op === 'putIfAbsent') writes++;
      return false;
    },
  });
  await (await openTable(counting)).compact();
  totalWrites = writes;
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a compaction killed at any point', () => {
  it('leaves the table readable and unchanged, and the next run completes it', async () => {
    expect(totalWrites).toBeGreaterThanOrEqual(8);
    // Before the plan, right after it, before the commit, after it, and three random points
    // between (each run names its point in failures).
    const points = new Set([1, 2, totalWrites - 1, totalWrites]);
    while (points.size < 7) points.add(3 + Math.floor(Math.random() * (totalWrites - 4)));
    for (const killAt of [...points].sort((a, b) => a - b)) {
      const dir = join(root, `kill-${killAt}`);
      cpSync(template, dir, { recursive: true });
      const run = runChild(dir, killAt);
      expect(run.killed, `child killed before write ${killAt}: ${run.output}`).toBe(true);

      const t = await openTable(dir);
      expect(await contents(t), `readable after a kill before write ${killAt}`).toEqual(expected);
      for (const instant of instants) expect((await contents(t, instant)).length).toBeGreaterThan(0);

      // The killed run's heartbeat is fresh; the test knows that run is dead.
      const runs = await t.compact({ heartbeatExpiryMs: -1 });
      expect(runs.length, `kill ${killAt}: the next run compacts`).toBeGreaterThanOrEqual(1);
      expect(await contents(t), `after finishing, kill ${killAt}`).toEqual(expected);
      const slices = await t.fileSlices();
      expect(slices.every((s) => s.baseFile && s.logFiles.length === 0), `base files only, kill ${killAt}`).toBe(true);
      // Nothing of the dead run lingers: no markers, no pending instant. (A write killed inside
      // LocalStore leaves its unfinished temp file, which no listing or reader ever sees.)
      // (The marker folder itself goes with its last marker.)
      const markerRoot = join(dir, '.hoodie', '.temp');
      const leftovers = (existsSync(markerRoot) ? readdirSync(markerRoot, { recursive: true, withFileTypes: true }) : []).filter(
        (e) => e.isFile() && !e.name.startsWith(LOCAL_TEMP_PREFIX),
      );
      expect(leftovers).toEqual([]);
      const timeline = await t.timeline();
      expect(timeline.pending()).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  it('a killed run followed by a completed one never loses records written in between', async () => {
    const dir = join(root, 'writes-between');
    cpSync(template, dir, { recursive: true });
    // Dies after writing its plan and some of its files.
    const run = runChild(dir, Math.ceil(totalWrites / 2));
    expect(run.killed).toBe(true);
    const t = await openTable(dir);
    await t.upsert([{ id: 'k0', dt: 'd0', ts: 9, v: 'late' }, { id: 'new', dt: 'd1', ts: 9, v: 'new' }]);
    await t.delete(['k1']);
    const before = await contents(t);
    expect(before.some((r) => r.includes('"late"'))).toBe(true);
    expect(before.some((r) => r.includes('"k1"'))).toBe(false);
    // A run still beating is left alone: the killed one's heartbeat is fresh.
    expect(await t.compact()).toEqual([]);
    await t.compact({ heartbeatExpiryMs: -1 });
    expect(await contents(t)).toEqual(before);
    await t.compact();
    expect(await contents(t)).toEqual(before);
    expect((await t.fileSlices()).every((s) => s.logFiles.length === 0)).toBe(true);
  }, 120_000);
});

// Recovery from failed writes: a writer killed at any point of a copy-on-write or merge-on-read
// write leaves a pending instant and partial files that readers never see; a rollback (by the
// next writer once the heartbeat expired, or `lake rollback`) removes them with a Hudi rollback
// instant. A completed write can be rolled back explicitly.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { lake } from './support/cli.js';
import { FaultyStore, LOCAL_TEMP_PREFIX, LocalStore } from '@lake/storage';
import { createTable, openTable, parseBaseFileName, parseLogFileName, rowsToJson, type HudiTable } from '@lake/core/format';

const root = mkdtempSync(join(tmpdir(), 'lake-rollback-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const child = join(__dirname, 'support', 'write-crash-child.ts');

async function contents(t: HudiTable): Promise<string[]> {
  const out: string[] = [];
  for await (const b of t.read({ withMeta: false })) for (const r of rowsToJson(b)) out.push(JSON.stringify(r));
  return out.sort();
}

/** Data files of the table whose name carries `instant` (base files) or that its markers name. */
function filesOf(dir: string, instant: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const base = parseBaseFileName(e.name);
    if (base?.instantTime === instant) out.push(join(e.parentPath, e.name));
  }
  return out;
}

async function template(type: 'cow' | 'mor', name: string): Promise<string> {
  const dir = join(root, `template-${type}-${name}`);
  const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
  await t.insert(Array.from({ length: 18 }, (_, i) => ({ id: `k${i}`, dt: `d${i % 3}`, ts: 1, v: `v${i}` })));
  await t.upsert([{ id: 'k0', dt: 'd0', ts: 2, v: 'second' }]);
  return dir;
}

function countWrites(dir: string, op: string): number {
  const copy = `${dir}-count-${op}`;
  cpSync(dir, copy, { recursive: true });
  const res = spawnSync(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', child, copy, '1000000', op], { encoding: 'utf8' });
  const m = /done after (\d+) writes/.exec(res.stdout);
  if (!m) throw new Error(`count run failed: ${res.stdout}${res.stderr}`);
  return Number(m[1]);
}

describe.each(['cow', 'mor'] as const)('a %s writer killed mid-write', (type) => {
  it.each(['upsert', 'delete'])('%s: readers never see it, rollback removes it, the next write works', async (op) => {
    const dir = await template(type, op);
    const expected = await contents(await openTable(dir));
    const total = countWrites(dir, op);
    // What the table holds once the write completes (the counting run is not interrupted).
    const completedContents = await contents(await openTable(`${dir}-count-${op}`));
    expect(total).toBeGreaterThanOrEqual(4);
    // After the heartbeat, after the requested instant, between data files, before the commit.
    const points = new Set([2, 3, total]);
    while (points.size < 4) points.add(2 + Math.floor(Math.random() * (total - 1)));
    for (const killAt of [...points].sort((a, b) => a - b)) {
      const copy = join(root, `${type}-${op}-${killAt}`);
      cpSync(dir, copy, { recursive: true });
      const res = spawnSync(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', child, copy, String(killAt), op], { encoding: 'utf8', timeout: 60_000 });
      expect(res.signal, `killed before write ${killAt}: ${res.stdout}${res.stderr}`).toBe('SIGKILL');
      const t = await openTable(copy);
      expect(await contents(t), `readers after a kill before write ${killAt}`).toEqual(expected);
      const pending = (await t.timeline()).pending();
      // A fresh heartbeat protects a writer that may still be running.
      if (pending.length > 0 && killAt > 1) {
        await expect(t.rollback(pending[0].time)).rejects.toMatchObject({ code: 'INVALID_WRITE' });
      }
      // Killed after it fenced its instant for commit (right before publishing): its commit was
      // decided, so it is rolled forward rather than back.
      const decided = pending.filter((p) => existsSync(join(copy, '.hoodie', '.aux', 'lake', 'fences', p.time)));
      const failed = pending.filter((p) => !decided.includes(p));
      const rolled = await t.rollback(undefined, { heartbeatExpiryMs: -1 });
      expect(rolled.map((r) => r.rolledBack)).toEqual(failed.map((p) => p.time));
      const timeline = await t.timeline();
      expect(timeline.pending()).toEqual([]);
      for (const p of decided) expect(timeline.completedInstant(p.time), `rolled forward ${p.time}`).toBeDefined();
      for (const p of failed) {
        expect(filesOf(copy, p.time), `files of ${p.time} after rollback`).toEqual([]);
        const rollback = timeline.completed().find((i) => i.action === 'rollback');
        expect(rollback).toBeDefined();
      }
      // Log files of the failed instant are gone too.
      // (The marker folder itself goes with its last marker.)
      const markerRoot = join(copy, '.hoodie', '.temp');
      const markers = (existsSync(markerRoot) ? readdirSync(markerRoot, { recursive: true, withFileTypes: true }) : []).filter(
        (e) => e.isFile() && !e.name.startsWith(LOCAL_TEMP_PREFIX),
      );
      expect(markers).toEqual([]);
      expect(await contents(t)).toEqual(decided.length > 0 ? completedContents : expected);
      await t.upsert([{ id: 'k1', dt: 'd1', ts: 9, v: 'after' }]);
      expect((await contents(t)).some((r) => r.includes('"after"'))).toBe(true);
      rmSync(copy, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('explicit rollback of a completed write', () => {
  it.each(['cow', 'mor'] as const)('%s: refused, with nothing changed, when a clean removed the versions the write replaced', async (type) => {
    const dir = join(root, `explicit-cleaned-${type}`);
    const t = await createTable(dir, { recordKey: ['id'], type });
    await t.insert([{ id: 'a', v: 1 }, { id: 'b', v: 1 }]);
    // On merge-on-read a compaction writes the replacing base file (updates go to logs).
    const upsert = await t.upsert([{ id: 'a', v: 2 }]);
    const instant = type === 'cow' ? upsert.instant : (await t.compact({ strategy: { kind: 'num-commits', minDeltaCommits: 1 } }))[0].instant;
    await t.clean({ policy: { kind: 'commits', retain: 1 }, readerGraceMs: 0 });
    const after = await contents(t);
    const res = await lake('rollback', dir, '--instant', instant);
    expect(res.code).toBe(1);
    expect(res.err.join('\n')).toMatch(/a clean removed the file versions it replaced/);
    const fresh = await openTable(dir);
    expect(await contents(fresh)).toEqual(after);
    expect((await fresh.timeline()).completed().filter((i) => i.action === 'rollback')).toHaveLength(0);
  });

  it.each(['cow', 'mor'] as const)('%s: the latest write is undone, and only the latest', async (type) => {
    const dir = join(root, `explicit-${type}`);
    const t = await createTable(dir, { recordKey: ['id'], type });
    await t.insert([{ id: 'a', v: 1 }, { id: 'b', v: 1 }]);
    const before = await contents(t);
    const second = await t.upsert([{ id: 'a', v: 2 }]);
    const third = await t.delete(['b']);
    expect((await lake('rollback', dir, '--instant', second.instant)).code).toBe(1);
    const res = await lake('rollback', dir, '--instant', third.instant);
    expect(res.code, res.err.join('\n')).toBe(0);
    expect(res.out[0]).toMatch(new RegExp(`^Rolled back completed (commit|deltacommit) ${third.instant} \\(rollback \\d{17}\\)`));
    const json = await lake('rollback', dir, '--instant', second.instant, '--json');
    const r = JSON.parse(json.out[0]) as { wasCompleted: boolean; rollbackLogFiles: string[]; filesDeleted: string[] };
    expect(r.wasCompleted).toBe(true);
    if (type === 'mor') {
      // The log append stays; a rollback command block in a new log file neutralizes it.
      expect(r.rollbackLogFiles).toHaveLength(1);
      expect(parseLogFileName(r.rollbackLogFiles[0].split('/').pop()!)).toBeDefined();
    } else {
      expect(r.filesDeleted).toHaveLength(1);
    }
    const fresh = await openTable(dir);
    expect(await contents(fresh)).toEqual(before);
    const history = (await lake('history', dir, '--json')).out.map((l) => JSON.parse(l) as { action: string; instant: string });
    expect(history.filter((h) => h.action === 'rollback')).toHaveLength(2);
    expect(history.some((h) => h.instant === second.instant || h.instant === third.instant)).toBe(false);
    // Time travel to before the rollbacks never shows the undone writes.
    expect(await contents(fresh)).toEqual(before);
    expect((await lake('rollback', dir)).out[0]).toMatch(/^Nothing to roll back/);
  });

  it('a rollback that dies half-way still hides its target, and finishes on the next run', async () => {
    const dir = join(root, 'half-rollback');
    const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['p'] });
    await t.insert([{ id: 'a', p: 'x', v: 1 }, { id: 'b', p: 'y', v: 1 }]);
    const before = await contents(t);
    const w = await t.upsert([{ id: 'a', p: 'x', v: 2 }, { id: 'b', p: 'y', v: 2 }]);
    // Fails on the first data-file delete: the plan exists, nothing is completed.
    const failing = new FaultyStore(new LocalStore(dir), { failOn: (op, key) => (op === 'deleteMany' || op === 'delete') && key.endsWith('.parquet') });
    await expect((await openTable(failing)).rollback(w.instant)).rejects.toThrow();
    const t2 = await openTable(dir);
    expect(await contents(t2)).toEqual(before);
    const finished = await t2.rollback();
    expect(finished.map((r) => r.rolledBack)).toEqual([w.instant]);
    const timeline = await t2.timeline();
    expect(timeline.pending()).toEqual([]);
    expect(timeline.completed().filter((i) => i.action === 'rollback')).toHaveLength(1);
    expect(await contents(t2)).toEqual(before);
  });
});

import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readParquetMetadata } from '@lake/parquet';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { eventTable, impressionId } from '../data.js';
import { removeScratch } from '../fs-util.js';
import { lakeCreate, lakeOpen } from '../lake.js';
import { baseFileRefs, COW_FLOOR_ENGINE, cowFloorTargets, measureCowFloor, replacedBaseFiles, rewriteFloor, rowGroupRowsOf, type BaseFileRef } from './cow-floor.js';
import { rawDecode, rawEncode } from './parquet-raw.js';

const dirs: string[] = [];
async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
afterAll(() => removeScratch());

function ref(fileId: string, instantTime: string, partitionPath = ''): BaseFileRef {
  return { partitionPath, fileId, instantTime, path: `${partitionPath ? `${partitionPath}/` : ''}${fileId}_0-1-0_${instantTime}.parquet` };
}

describe('replacedBaseFiles', () => {
  it('names the base files whose file group has a base file of a new instant after the write', () => {
    const before = [ref('a', '001'), ref('b', '001'), ref('c', '002')];
    const after = [ref('a', '001'), ref('b', '003'), ref('c', '003'), ref('d', '003')];
    expect(replacedBaseFiles(before, after)).toEqual([ref('b', '001'), ref('c', '002')]);
  });

  it('leaves out new file groups, untouched ones and groups with no base file after the write', () => {
    const before = [ref('a', '001'), ref('gone', '001')];
    const after = [ref('a', '001'), ref('new', '002')];
    expect(replacedBaseFiles(before, after)).toEqual([]);
  });

  it('tells file groups of the same id in different partitions apart', () => {
    const before = [ref('f', '001', 'p=1'), ref('f', '001', 'p=2')];
    const after = [ref('f', '001', 'p=1'), ref('f', '002', 'p=2')];
    expect(replacedBaseFiles(before, after)).toEqual([ref('f', '001', 'p=2')]);
  });
});

/** A copy-on-write table of three file groups of 1,000 rows each (events 0-999, 1000-1999, 2000-2999). */
async function threeGroups(): Promise<string> {
  const dir = await tempDir('cow-floor-base');
  const { table } = await lakeCreate(dir);
  for (const at of [0, 1000, 2000]) await table.insert(eventTable(at, 1000), { sizing: { smallFileLimitBytes: 0 } });
  return dir;
}

async function keysOf(bytes: Uint8Array): Promise<string[]> {
  return [...rawDecode(bytes, ['impression_id']).getChild('impression_id')!].map(String);
}

describe('rewriteFloor', () => {
  it('writes row groups as long as the original file’s first one, not parquet-wasm’s default', async () => {
    const dir = await tempDir('cow-floor-groups');
    const file = ref('g', '001');
    await writeFile(join(dir, file.path), rawEncode(eventTable(0, 1000), undefined, 300));
    const rows = await rowGroupRowsOf(dir, [file]);
    expect([...rows]).toEqual([[file.path, 300]]);
    const out = await tempDir('cow-floor-groups-out');
    await rewriteFloor(dir, [file], out, rows);
    const rewritten = await readFile(join(out, file.path));
    expect(readParquetMetadata(rewritten).rowGroups.map((g) => g.numRows)).toEqual([300, 300, 300, 100]);
  });
});

describe('the copy-on-write floor on a real write', () => {
  it('finds the one file group a delete rewrote and re-encodes exactly its rows, with lake’s row groups', async () => {
    const baseDir = await threeGroups();
    const copy = await tempDir('cow-floor-copy');
    await cp(baseDir, copy, { recursive: true });
    await (await lakeOpen(copy)).table.delete([impressionId(1500), impressionId(1600)]);

    const before = await baseFileRefs((await lakeOpen(baseDir)).table);
    const after = await baseFileRefs((await lakeOpen(copy)).table);
    expect(before).toHaveLength(3);
    const replaced = replacedBaseFiles(before, after);
    expect(replaced).toHaveLength(1);
    const original = await readFile(join(baseDir, replaced[0].path));
    expect(await keysOf(original)).toContain(impressionId(1500));

    const out = await tempDir('cow-floor-out');
    const pass = await rewriteFloor(baseDir, replaced, out, await rowGroupRowsOf(baseDir, replaced));
    expect(pass).toEqual({ rows: 1000, bytesRead: original.byteLength, bytesWritten: expect.any(Number) });
    const written = await readdir(out);
    expect(written).toHaveLength(1);
    const rewritten = await readFile(join(out, written[0]));
    expect(rewritten.byteLength).toBe(pass.bytesWritten);
    expect(await keysOf(rewritten)).toEqual(await keysOf(original));
    expect(rawDecode(rewritten).schema.fields.map((f) => f.name)).toEqual(rawDecode(original).schema.fields.map((f) => f.name));
    expect(readParquetMetadata(rewritten).rowGroups.map((g) => g.numRows)).toEqual(readParquetMetadata(original).rowGroups.map((g) => g.numRows));
  });

  it('times the floor with wall and CPU time and judges lake against it on CPU', async () => {
    const baseDir = await threeGroups();
    const copy = await tempDir('cow-floor-copy');
    await cp(baseDir, copy, { recursive: true });
    await (await lakeOpen(copy)).table.delete([impressionId(10), impressionId(2500)]);

    const floor = await measureCowFloor(1, baseDir, copy);
    expect(floor.engine).toBe(COW_FLOOR_ENGINE);
    expect(floor.note).toBeUndefined();
    expect(floor.rows).toBe(2000);
    expect(floor.extra).toMatchObject({ filesRewritten: 2, rowsRewritten: 2000, filesInTable: 3 });
    expect(floor.cpuMs).toBeGreaterThan(0);

    const lake = { engine: 'lake', rows: 2, ms: 3 * floor.ms, cpuMs: 1.2 * floor.cpuMs!, peakRssDeltaMb: 0, peakHeapDeltaMb: 0 };
    const [cpu, wall] = cowFloorTargets('delete by key 3k', lake, floor);
    expect(cpu).toEqual({ name: 'delete by key 3k: lake COW / cow floor (CPU)', goal: '<= 1.3x', actual: '1.20x', met: true });
    expect(wall).toEqual({ name: 'delete by key 3k: lake COW / cow floor (wall)', goal: 'information', actual: '3.00x' });
  });

  it('reports a note, not a time, when the write replaced no base file', async () => {
    const baseDir = await threeGroups();
    const floor = await measureCowFloor(1, baseDir, baseDir);
    expect(floor.note).toBe('the write replaced no base file');
    const [cpu] = cowFloorTargets('upsert 3k', { engine: 'lake', rows: 1, ms: 1, cpuMs: 1, peakRssDeltaMb: 0, peakHeapDeltaMb: 0 }, floor);
    expect(cpu.met).toBeUndefined();
  });
});

// Paths in rollback and clean plans, as Hudi reads them: lake's plans decode with Hudi's own
// .avsc and name files by absolute path under the table's base path (what Hudi resolves when it
// finishes a plan lake left pending); lake finishes plans Hudi (absolute) or older lake versions
// (relative) left pending, and refuses, deleting nothing, a plan that names a file elsewhere.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  CLEANER_PLAN_SCHEMA,
  cleanTable,
  clusterSmallFiles,
  createTable,
  decodeMetadataFile,
  encodeAvroContainer,
  formatInstantTime,
  parseInstantTime,
  PathOutsideTableError,
  ROLLBACK_PLAN_SCHEMA,
  rollbackWrite,
  type HudiTable,
} from '@lake/core/format';
import { decodeAsHudi } from '../packages/core/test/support/hudi-avsc.js';

const root = mkdtempSync(join(tmpdir(), 'lake plan paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dataFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('.hoodie') && (e.name.endsWith('.parquet') || e.name.includes('.log.')))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

function timelineFile(dir: string, suffix: string): string {
  const name = readdirSync(join(dir, '.hoodie')).find((n) => n.endsWith(suffix));
  if (!name) throw new Error(`no ${suffix} instant`);
  return join(dir, '.hoodie', name);
}

async function threeVersions(name: string): Promise<{ dir: string; t: HudiTable; instants: string[] }> {
  const dir = join(root, name);
  const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['p'] });
  const instants: string[] = [];
  instants.push((await t.insert([{ id: 'a', p: 'x', v: 0 }])).instant);
  for (let i = 1; i <= 2; i++) instants.push((await t.upsert([{ id: `n${i}`, p: 'x', v: i }])).instant);
  return { dir, t, instants };
}

function baseFileName(fileId: string, instant: string): string {
  return `${fileId}_0-1-0_${instant}.parquet`;
}

async function bytesOf(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  return new Uint8Array(await readFile(path));
}

describe('rollback plans', () => {
  it('name the files to delete by absolute path, in a plan Hudi decodes', async () => {
    const { dir, t, instants } = await threeVersions('rollback-abs');
    const before = dataFiles(dir);
    const r = await rollbackWrite(t, instants[2]);
    const deleted = before.filter((f) => !dataFiles(dir).includes(f));
    expect(deleted.length).toBeGreaterThan(0);
    const [plan] = (await decodeAsHudi('HoodieRollbackPlan', await bytesOf(timelineFile(dir, '.rollback.requested')))) as {
      RollbackRequests: { partitionPath: string; filesToBeDeleted: string[] }[];
    }[];
    const planned = plan.RollbackRequests.flatMap((q) => q.filesToBeDeleted);
    expect(planned.sort()).toEqual(deleted.map((f) => `file:${dir}/${f}`).sort());
    const metaFile = timelineFile(dir, `${r.instant}.rollback`);
    const meta = decodeMetadataFile(await bytesOf(metaFile), metaFile) as unknown as {
      partitionMetadata: Record<string, { successDeleteFiles: string[] }>;
    };
    expect(Object.values(meta.partitionMetadata).flatMap((m) => m.successDeleteFiles).sort()).toEqual(planned.sort());
  });

  async function pendingRollback(name: string, files: (dir: string, target: string) => string[]) {
    const { dir, t, instants } = await threeVersions(name);
    const target = instants[2];
    const plan = encodeAvroContainer(ROLLBACK_PLAN_SCHEMA, [
      {
        instantToRollback: { commitTime: target, action: 'commit' },
        RollbackRequests: files(dir, target).map((f) => ({ partitionPath: 'x', fileId: '', latestBaseInstant: '', filesToBeDeleted: [f], logBlocksToBeDeleted: null })),
        version: 1,
      },
    ]);
    // Hudi plans a rollback at an instant newer than every one on the timeline (a clean may
    // follow the target, even in the next second)
    const latest = readdirSync(join(dir, '.hoodie'))
      .map((f) => /^\d{17}/.exec(f)?.[0])
      .filter((x): x is string => x !== undefined)
      .sort()
      .at(-1)!;
    const rollbackAt = formatInstantTime(parseInstantTime(latest).getTime() + 1);
    writeFileSync(join(dir, '.hoodie', `${rollbackAt}.rollback.requested`), plan);
    return { dir, t, target, rollbackAt };
  }

  it('finish a plan Hudi left pending, deleting the files it names by absolute path', async () => {
    // a file of the rolled-back write that neither its commit metadata nor a marker names
    const stray = (target: string) => `x/${baseFileName('0000stray-0', target)}`;
    const { dir, t, target, rollbackAt } = await pendingRollback('rollback-hudi-plan', (d, tgt) => {
      writeFileSync(join(d, stray(tgt)), 'PAR1');
      return [`file:${d}/${stray(tgt)}`];
    });
    const r = await rollbackWrite(t, target);
    expect(r.instant).toBe(rollbackAt);
    expect(existsSync(join(dir, stray(target)))).toBe(false);
    expect(r.filesDeleted).toContain(stray(target));
  });

  it('refuse a pending plan naming a file outside the table, deleting nothing', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    let victim = '';
    const { dir, t, target } = await pendingRollback('rollback-foreign-plan', (_d, tgt) => {
      victim = join(elsewhere, baseFileName('0000victim-0', tgt));
      writeFileSync(victim, 'PAR1');
      return [`file:${victim}`];
    });
    const before = dataFiles(dir);
    await expect(rollbackWrite(t, target)).rejects.toBeInstanceOf(PathOutsideTableError);
    expect(existsSync(victim)).toBe(true);
    expect(dataFiles(dir)).toEqual(before);
  });
});

describe('clean plans', () => {
  it('name the files to delete by absolute path, in a plan Hudi decodes', async () => {
    const { dir, t } = await threeVersions('clean-abs');
    const before = dataFiles(dir);
    const result = await cleanTable(t, { policy: { kind: 'commits', retain: 1 }, readerGraceMs: 0 });
    expect(result?.filesDeleted).toBeGreaterThan(0);
    const deleted = before.filter((f) => !dataFiles(dir).includes(f));
    const [plan] = (await decodeAsHudi('HoodieCleanerPlan', await bytesOf(timelineFile(dir, '.clean.requested')))) as {
      filePathsToBeDeletedPerPartition: Record<string, { filePath: string | null }[]>;
    }[];
    const planned = Object.values(plan.filePathsToBeDeletedPerPartition).flatMap((infos) => infos.map((i) => i.filePath));
    expect(planned.sort()).toEqual(deleted.map((f) => `file:${dir}/${f}`).sort());
  });

  async function pendingClean(name: string, path: (dir: string, key: string) => string) {
    const { dir, t, instants } = await threeVersions(name);
    const old = dataFiles(dir).filter((f) => f.endsWith(`${instants[0]}.parquet`));
    expect(old).toHaveLength(1);
    const plan = encodeAvroContainer(CLEANER_PLAN_SCHEMA, [
      {
        earliestInstantToRetain: { timestamp: instants[2], action: 'commit', state: 'COMPLETED' },
        policy: 'KEEP_LATEST_COMMITS',
        filesToBeDeletedPerPartition: null,
        version: 2,
        filePathsToBeDeletedPerPartition: { x: old.map((k) => ({ filePath: path(dir, k), isBootstrapBaseFile: false })) },
        partitionsToBeDeleted: null,
      },
    ]);
    const cleanAt = `${instants[2].slice(0, -3)}999`;
    writeFileSync(join(dir, '.hoodie', `${cleanAt}.clean.requested`), plan);
    return { dir, t, old: old[0], cleanAt };
  }

  for (const [form, path] of [
    ['absolute (Hudi)', (dir: string, key: string) => `file:${dir}/${key}`],
    ['relative (earlier lake)', (_dir: string, key: string) => key],
  ] as const) {
    it(`finish a pending plan with ${form} paths before planning a new clean`, async () => {
      const { dir, t, old, cleanAt } = await pendingClean(`clean-pending-${form.split(' ')[0]}`, path);
      await cleanTable(t, { policy: { kind: 'commits', retain: 10 }, readerGraceMs: 0 });
      expect(existsSync(join(dir, old))).toBe(false);
      expect(existsSync(join(dir, '.hoodie', `${cleanAt}.clean`))).toBe(true);
      expect((await t.read().collect()).numRows).toBe(3);
    });
  }

  it('refuse a pending plan naming a file outside the table, deleting nothing', async () => {
    const { dir, t, old } = await pendingClean('clean-foreign', (_dir, key) => `file:${join(root, 'elsewhere-clean')}/${key}`);
    await expect(cleanTable(t, { policy: { kind: 'commits', retain: 10 }, readerGraceMs: 0 })).rejects.toBeInstanceOf(PathOutsideTableError);
    expect(existsSync(join(dir, old))).toBe(true);
  });
});

describe('clustering plans', () => {
  it('name input slices by the Hadoop Path string Hudi writes (file:/abs, not a file:/// URL)', async () => {
    const dir = join(root, 'cluster abs');
    const t = await createTable(dir, { recordKey: ['id'], partitionBy: ['p'] });
    for (let i = 0; i < 3; i++) await t.insert([{ id: `k${i}`, p: 'x', v: i }], { sizing: { smallFileLimitBytes: 0 } });
    const bases = dataFiles(dir);
    expect(bases).toHaveLength(3);
    const run = await clusterSmallFiles(t);
    expect(run).toBeDefined();
    const planFile = timelineFile(dir, '.replacecommit.requested');
    const plan = decodeMetadataFile(await bytesOf(planFile), planFile) as unknown as {
      clusteringPlan: { inputGroups: { slices: { dataFilePath: string }[] }[] };
    };
    const paths = plan.clusteringPlan.inputGroups.flatMap((g) => g.slices.map((sl) => sl.dataFilePath));
    expect(paths.sort()).toEqual(bases.map((f) => `file:${dir}/${f}`).sort());
  });
});

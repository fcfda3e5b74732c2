// Merge-on-read metadata Hudi's table services read: a deltacommit's write stat lists the slice
// the log went to (base file and every log file, as HoodieDeltaWriteStat does), and each
// compaction operation carries the metrics Hudi's compaction strategies capture.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable, type HudiTable } from '../src/index.js';
import { compactionMetrics } from '../src/services/compaction-metrics.js';
import type { LogFile } from '../src/file-group/file-slice.js';
import { decodeAsHudi } from './support/hudi-avsc.js';

let n = 0;
const newStore = () => new MemoryStore(`mor-metadata-${process.pid}-${++n}`);

interface DeltaStat {
  fileId: string;
  path: string;
  prevCommit: string;
  baseFile: string;
  logFiles: string[];
}

async function deltaStats(store: MemoryStore, instant: string): Promise<DeltaStat[]> {
  const json = JSON.parse(new TextDecoder().decode(await store.get(`.hoodie/${instant}.deltacommit`))) as { partitionToWriteStats: Record<string, DeltaStat[]> };
  return Object.values(json.partitionToWriteStats).flat();
}

async function logNames(t: HudiTable, fileId: string): Promise<string[]> {
  const slices = await t.fileSlices();
  return slices.filter((s) => s.fileId === fileId).flatMap((s) => s.logFiles.map((f) => f.fileName));
}

const MIB = 1024 * 1024;

describe('deltacommit write stats', () => {
  it('list the base file and every log file of the slice, the new one last', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], type: 'mor' });
    await t.insert([{ id: 'a', p: 'x', v: 0 }]);
    const [slice] = await t.fileSlices();
    const before: string[] = [];
    for (let v = 1; v <= 4; v++) {
      const { instant } = await t.upsert([{ id: 'a', p: 'x', v }]);
      const [stat] = await deltaStats(store, instant);
      const written = stat.path.slice(stat.path.lastIndexOf('/') + 1);
      expect(stat.baseFile).toBe(slice.baseFile!.fileName);
      // Hudi's file slice orders its logs newest first; the append handle adds the new one after
      expect(stat.logFiles).toEqual([...[...before].reverse(), written]);
      expect(new Set(await logNames(t, slice.fileId))).toEqual(new Set(stat.logFiles));
      before.push(written);
    }
  });

  it('name the pending compaction slice a log went to, which has no base file yet', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], type: 'mor' });
    await t.insert([{ id: 'a', p: 'x', v: 0 }]);
    await t.upsert([{ id: 'a', p: 'x', v: 1 }]);
    const planned = await t.scheduleCompaction({ strategy: { kind: 'log-size', minLogBytes: 0 } });
    expect(planned).toBeDefined();
    const { instant } = await t.upsert([{ id: 'a', p: 'x', v: 2 }]);
    const [stat] = await deltaStats(store, instant);
    expect(stat.prevCommit).toBe(planned!.instant);
    expect(stat.baseFile).toBe('');
    expect(stat.logFiles).toEqual([stat.path.slice(stat.path.lastIndexOf('/') + 1)]);
  });
});

describe('compaction plan metrics', () => {
  it('carry every metric Hudi captures, in a plan Hudi decodes', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], type: 'mor' });
    await t.insert([{ id: 'a', p: 'x', v: 0 }, { id: 'b', p: 'y', v: 0 }]);
    for (let v = 1; v <= 3; v++) await t.upsert([{ id: 'a', p: 'x', v }, { id: 'b', p: 'y', v }]);
    const planned = await t.scheduleCompaction({ strategy: { kind: 'log-size', minLogBytes: 0 } });
    const [plan] = (await decodeAsHudi('HoodieCompactionPlan', await store.get(`.hoodie/${planned!.instant}.compaction.requested`))) as {
      operations: { partitionPath: string; deltaFilePaths: string[]; dataFilePath: string; metrics: Record<string, number> }[];
    }[];
    expect(plan.operations).toHaveLength(2);
    for (const op of plan.operations) {
      expect(Object.keys(op.metrics).sort()).toEqual(['TOTAL_IO_MB', 'TOTAL_IO_READ_MB', 'TOTAL_IO_WRITE_MB', 'TOTAL_LOG_FILES', 'TOTAL_LOG_FILES_SIZE']);
      expect(op.metrics.TOTAL_LOG_FILES).toBe(op.deltaFilePaths.length);
      let logBytes = 0;
      for (const name of op.deltaFilePaths) logBytes += (await store.head(`${op.partitionPath}/${name}`))!.size;
      const baseBytes = (await store.head(`${op.partitionPath}/${op.dataFilePath}`))!.size;
      expect(op.metrics.TOTAL_LOG_FILES_SIZE).toBe(logBytes);
      expect(op.metrics.TOTAL_IO_READ_MB).toBe(Math.floor((baseBytes + logBytes) / MIB));
      expect(op.metrics.TOTAL_IO_MB).toBe(op.metrics.TOTAL_IO_READ_MB + op.metrics.TOTAL_IO_WRITE_MB);
    }
  });

  it('count I/O in whole MiB, writing about the base file again or a full-size file without one', () => {
    const log = (version: number, size: number): LogFile => {
      const fileName = `.f_1.log.${version}_0-1-0`;
      return { fileId: 'f', instantTime: '1', version, extension: 'log', cdc: false, path: `x/${fileName}`, fileName, size };
    };
    const logs = [log(1, MIB / 2), log(2, (3 * MIB) / 4)];
    const withBase = compactionMetrics(
      { partitionPath: 'x', fileId: 'f', baseInstantTime: '1', baseFile: { fileId: 'f', instantTime: '1', writeToken: '0-1-0', extension: 'parquet', path: 'x/f_0-1-0_1.parquet', fileName: 'f_0-1-0_1.parquet', size: 3 * MIB }, logFiles: logs },
      120 * MIB,
    );
    expect(withBase).toEqual({ TOTAL_IO_READ_MB: 4, TOTAL_IO_WRITE_MB: 3, TOTAL_IO_MB: 7, TOTAL_LOG_FILES_SIZE: (5 * MIB) / 4, TOTAL_LOG_FILES: 2 });
    const logOnly = compactionMetrics({ partitionPath: 'x', fileId: 'f', baseInstantTime: '1', logFiles: logs }, 120 * MIB);
    expect(logOnly).toEqual({ TOTAL_IO_READ_MB: 1, TOTAL_IO_WRITE_MB: 120, TOTAL_IO_MB: 121, TOTAL_LOG_FILES_SIZE: (5 * MIB) / 4, TOTAL_LOG_FILES: 2 });
  });
});

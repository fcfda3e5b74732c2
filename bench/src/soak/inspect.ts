// The soak table after the run, read through a plain (unmeasured) store: files per partition,
// base file sizes, what `.hoodie/` holds, and every row checked against the generator.

import type { ObjectStore } from '@lake/storage';

import type { GeneratedEvents } from './events.js';
import { openSoakTable } from './soak-table.js';

export interface TableState {
  partitions: number;
  /** Latest file slices (what a reader merges) per partition. */
  filesPerPartition: { max: number; mean: number };
  /** Data files on storage per partition, older versions the cleaner has not removed included. */
  storedFilesPerPartition: { max: number; mean: number };
  /** Partitions with more latest base files than their bytes need at the target size, plus `slack`. */
  partitionsOverFileBudget: number;
  baseFiles: number;
  logFiles: number;
  largestBaseFileBytes: number;
  tableBytes: number;
  /** Objects under `.hoodie/`, not counting `archived/`, and how they split. */
  hoodieObjects: number;
  hoodieBreakdown: Record<string, number>;
  archivedObjects: number;
  rows: RowCheck;
}

interface RowCheck {
  rows: number;
  expected: number;
  duplicateKeys: number;
  /** Keys in a partition other than the one their event time gives. */
  misplaced: number;
  /** Partitions whose row count differs from the generator's. */
  partitionsOff: number;
  ok: boolean;
}

function spread(counts: number[]): { max: number; mean: number } {
  return { max: Math.max(0, ...counts), mean: counts.length ? counts.reduce((a, b) => a + b, 0) / counts.length : 0 };
}

/** Where an object of `.hoodie/` belongs in the breakdown: its first folder (lake's own folders under `.aux/lake/` by name), or "timeline". */
function hoodieGroup(key: string): string {
  const rest = key.slice('.hoodie/'.length);
  const parts = rest.split('/');
  if (parts.length === 1) return 'timeline';
  return parts[0] === '.aux' && parts[1] === 'lake' && parts.length > 3 ? `.aux/lake/${parts[2]}` : parts[0];
}

/** Reads every key once: each must be new, in the partition of its event time, and counted. */
async function checkRows(store: ObjectStore, events: GeneratedEvents): Promise<RowCheck> {
  const table = await openSoakTable(store);
  const seen = new Uint8Array(events.distinct);
  const perPartition = new Map<string, number>();
  let rows = 0;
  let duplicateKeys = 0;
  let misplaced = 0;
  const expectedHour = new Map(Object.entries(events.perPartition));
  for await (const batch of table.read({ columns: ['impression_id', 'hr'] })) {
    const keys = batch.getChild('impression_id')!;
    const hours = batch.getChild('hr')!;
    for (let i = 0; i < batch.numRows; i++) {
      const id = Number(String(keys.get(i)).slice(4));
      const hr = String(hours.get(i));
      rows++;
      if (!(id >= 0 && id < seen.length) || seen[id]) duplicateKeys++;
      else seen[id] = 1;
      if (!expectedHour.has(hr)) misplaced++;
      perPartition.set(hr, (perPartition.get(hr) ?? 0) + 1);
    }
  }
  let partitionsOff = 0;
  for (const [hr, n] of expectedHour) if ((perPartition.get(hr) ?? 0) !== n) partitionsOff++;
  for (const hr of perPartition.keys()) if (!expectedHour.has(hr)) partitionsOff++;
  return { rows, expected: events.distinct, duplicateKeys, misplaced, partitionsOff, ok: rows === events.distinct && duplicateKeys === 0 && misplaced === 0 && partitionsOff === 0 };
}

export async function inspectTable(store: ObjectStore, events: GeneratedEvents, targetFileBytes: number, slack: number): Promise<TableState> {
  const table = await openSoakTable(store);
  const slices = await table.fileSlices();
  const latest = new Map<string, { files: number; bytes: number }>();
  let baseFiles = 0;
  let logFiles = 0;
  let largestBaseFileBytes = 0;
  for (const s of slices) {
    const p = latest.get(s.partitionPath) ?? { files: 0, bytes: 0 };
    p.files++;
    p.bytes += (s.baseFile?.size ?? 0) + s.logFiles.reduce((a, l) => a + (l.size ?? 0), 0);
    latest.set(s.partitionPath, p);
    if (s.baseFile) {
      baseFiles++;
      largestBaseFileBytes = Math.max(largestBaseFileBytes, s.baseFile.size ?? 0);
    }
    logFiles += s.logFiles.length;
  }
  const stored = new Map<string, number>();
  const hoodieBreakdown: Record<string, number> = {};
  let hoodieObjects = 0;
  let archivedObjects = 0;
  let tableBytes = 0;
  for await (const o of store.list('')) {
    tableBytes += o.size;
    if (o.key.startsWith('.hoodie/archived/')) archivedObjects++;
    else if (o.key.startsWith('.hoodie/')) {
      hoodieObjects++;
      const g = hoodieGroup(o.key);
      hoodieBreakdown[g] = (hoodieBreakdown[g] ?? 0) + 1;
    } else if (o.key.endsWith('.parquet') || /\.log\.\d+_/.test(o.key)) {
      const partition = o.key.slice(0, o.key.lastIndexOf('/'));
      stored.set(partition, (stored.get(partition) ?? 0) + 1);
    }
  }
  const partitionsOverFileBudget = [...latest.values()].filter((p) => p.files > Math.max(1, Math.ceil(p.bytes / targetFileBytes)) + slack).length;
  return {
    partitions: latest.size,
    filesPerPartition: spread([...latest.values()].map((p) => p.files)),
    storedFilesPerPartition: spread([...stored.values()]),
    partitionsOverFileBudget,
    baseFiles,
    logFiles,
    largestBaseFileBytes,
    tableBytes,
    hoodieObjects,
    hoodieBreakdown,
    archivedObjects,
    rows: await checkRows(store, events),
  };
}

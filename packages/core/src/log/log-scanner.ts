// Picks the log blocks of a file slice that count: blocks of valid (completed, not rolled back,
// at or before "as of") instants, minus those a rollback command block or a log compaction
// superseded, in the order Hudi merges them (file order, then position in the file). The files
// are fetched concurrently (a bounded number at a time) and each is parsed as soon as it
// arrives, so a slice with many small log files costs a few round trips, not one per file.

import { mapLimit, type ObjectStore } from '@lake/storage';

import type { LogFile } from '../file-group/file-slice.js';
import { BlockType, CommandType, HeaderKey } from './log-format.js';
import { readLogBlocks, type LogBlock } from './log-reader.js';

export interface ScannedBlock {
  block: LogBlock;
  logFile: LogFile;
  instantTime: string;
}

export interface LogScanResult {
  blocks: ScannedBlock[];
  /** Corrupt stretches skipped, per log file path (with the instant, when the block header survived). */
  corrupt: { path: string; offset: number; length: number; instantTime?: string }[];
  /** Instants a rollback command block in these logs undid. */
  rolledBack: ReadonlySet<string>;
}

/**
 * Log files fetched at once per slice: enough to hide a store's latency behind a handful of
 * round trips, few enough that a slice's reads neither flood the store nor hold many files'
 * bytes that are not yet parsed.
 */
const LOG_FETCH_CONCURRENCY = 16;

/**
 * Reads the given log files (already in merge order) and keeps the blocks that count. Data and
 * delete blocks need a valid instant; command blocks (written by rollbacks, whose instants are
 * not writes) only need to be at or before `asOf`, as in Hudi's scanner. Files are fetched
 * `concurrency` at a time; blocks keep merge order whatever order the fetches finish in.
 */
export async function scanLogFiles(
  store: ObjectStore,
  logFiles: LogFile[],
  isValidInstant: (instant: string) => boolean,
  asOf?: string,
  concurrency: number = LOG_FETCH_CONCURRENCY,
): Promise<LogScanResult> {
  const all: ScannedBlock[] = [];
  const corrupt: LogScanResult['corrupt'] = [];
  const rolledBack = new Set<string>();
  const compacted = new Set<string>();
  const scans = await mapLimit(logFiles, concurrency, async (logFile) => readLogBlocks(await store.get(logFile.path)));
  for (const [i, logFile] of logFiles.entries()) {
    const scan = scans[i];
    for (const c of scan.corrupt) corrupt.push({ path: logFile.path, ...c });
    for (const block of scan.blocks) {
      const instantTime = block.header.get(HeaderKey.INSTANT_TIME);
      if (!instantTime) continue;
      if (block.type === BlockType.COMMAND) {
        if (asOf !== undefined && instantTime > asOf) continue;
        const kind = Number(block.header.get(HeaderKey.COMMAND_BLOCK_TYPE));
        const target = block.header.get(HeaderKey.TARGET_INSTANT_TIME);
        if (kind === CommandType.ROLLBACK_BLOCK && target) rolledBack.add(target);
        continue;
      }
      if (block.type === BlockType.CORRUPT || !isValidInstant(instantTime)) continue;
      const merged = block.header.get(HeaderKey.COMPACTED_BLOCK_TIMES);
      if (merged) for (const t of merged.split(',')) if (t.trim()) compacted.add(t.trim());
      all.push({ block, logFile, instantTime });
    }
  }
  const blocks = all.filter(
    (b) => !rolledBack.has(b.instantTime) && !(compacted.has(b.instantTime) && !b.block.header.has(HeaderKey.COMPACTED_BLOCK_TIMES)),
  );
  return { blocks, corrupt, rolledBack };
}

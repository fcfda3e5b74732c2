// Hudi's compaction plan (HoodieCompactionPlan, plan version 2: file names, not paths): which
// file slices a compaction merges. Stored as the `<instant>.compaction.requested` file; file
// groups in a pending plan take new log files under the compaction's instant.

import { CorruptTimelineError } from '../../errors.js';
import { encodeAvroContainer } from '../../avro/avro-container-writer.js';
import { decodeMetadataFile, type JsonValue } from '../metadata-file.js';
import type { Instant } from '../instant.js';
import type { Timeline } from '../timeline.js';
import { fileGroupKey } from '../../file-group/file-slice.js';
import { COMPACTION_PLAN_SCHEMA } from './plan-schemas.js';

export interface CompactionOperation {
  partitionPath: string;
  fileId: string;
  /** The slice's base instant. */
  baseInstantTime: string;
  /** Base file name, absent for log-only slices. */
  dataFileName?: string;
  /** Log file names, in merge order. */
  deltaFileNames: string[];
  metrics: Record<string, number>;
}

export interface CompactionPlan {
  operations: CompactionOperation[];
  extraMetadata: Record<string, string>;
}

/** The plan's bytes: an Avro container with one HoodieCompactionPlan. */
export function encodeCompactionPlan(plan: CompactionPlan): Uint8Array {
  return encodeAvroContainer(COMPACTION_PLAN_SCHEMA, [
    {
      operations: plan.operations.map((op) => ({
        baseInstantTime: op.baseInstantTime,
        deltaFilePaths: op.deltaFileNames,
        dataFilePath: op.dataFileName ?? null,
        fileId: op.fileId,
        partitionPath: op.partitionPath,
        metrics: op.metrics,
        bootstrapFilePath: null,
      })),
      extraMetadata: plan.extraMetadata,
      version: 2,
    },
  ]);
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The last path segment: plan version 1 stored full paths, version 2 file names. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function parseCompactionPlan(bytes: Uint8Array, file: string): CompactionPlan {
  const json = decodeMetadataFile(bytes, file);
  if (!json) return { operations: [], extraMetadata: {} };
  const ops = Array.isArray(json.operations) ? json.operations : [];
  const operations: CompactionOperation[] = [];
  for (const op of ops) {
    if (!op || typeof op !== 'object' || Array.isArray(op)) throw new CorruptTimelineError(file, 'a compaction operation is not a record');
    const fileId = str(op.fileId);
    const baseInstantTime = str(op.baseInstantTime);
    if (!fileId || !baseInstantTime) throw new CorruptTimelineError(file, 'a compaction operation lacks fileId or baseInstantTime');
    const data = str(op.dataFilePath);
    const metrics: Record<string, number> = {};
    if (op.metrics && typeof op.metrics === 'object' && !Array.isArray(op.metrics)) {
      for (const [k, v] of Object.entries(op.metrics)) if (typeof v === 'number') metrics[k] = v;
    }
    operations.push({
      partitionPath: str(op.partitionPath) ?? '',
      fileId,
      baseInstantTime,
      ...(data ? { dataFileName: baseName(data) } : {}),
      deltaFileNames: (Array.isArray(op.deltaFilePaths) ? op.deltaFilePaths : []).filter((p): p is string => typeof p === 'string').map(baseName),
      metrics,
    });
  }
  const extraMetadata: Record<string, string> = {};
  if (json.extraMetadata && typeof json.extraMetadata === 'object' && !Array.isArray(json.extraMetadata)) {
    for (const [k, v] of Object.entries(json.extraMetadata)) if (typeof v === 'string') extraMetadata[k] = v;
  }
  return { operations, extraMetadata };
}

/** The requested-state instant of a compaction (where its plan lives). */
export function compactionRequested(time: string): Instant {
  return { time, action: 'compaction', state: 'requested' };
}

/** Compactions scheduled and not completed, oldest first, with their plans. */
export async function pendingCompactions(timeline: Timeline): Promise<{ instant: Instant; plan: CompactionPlan }[]> {
  const out: { instant: Instant; plan: CompactionPlan }[] = [];
  for (const i of timeline.pending()) {
    if (i.action !== 'compaction') continue;
    const requested = compactionRequested(i.time);
    const plan = parseCompactionPlan(await timeline.instantBytes(requested), timeline.instantPath(requested));
    out.push({ instant: i, plan });
  }
  return out.sort((a, b) => (a.instant.time < b.instant.time ? -1 : 1));
}

/** File group key -> instant of the pending compaction that holds it. */
export async function pendingCompactionGroups(timeline: Timeline): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { instant, plan } of await pendingCompactions(timeline)) {
    for (const op of plan.operations) out.set(fileGroupKey(op.partitionPath, op.fileId), instant.time);
  }
  return out;
}

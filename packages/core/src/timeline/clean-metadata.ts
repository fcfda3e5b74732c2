// What a completed clean deleted: its metadata (HoodieCleanMetadata, JSON on table version 6 and
// Avro after) lists per partition the files it removed (`successDeleteFiles`, by name).

import { decodeMetadataFile, jsonRecord } from './metadata-file.js';
import type { Timeline } from './timeline.js';

/** Store key of a file named `name` in `partition` ('' for a non-partitioned table). */
function partitionFileKey(partition: string, name: string): string {
  return partition === '' ? name : `${partition}/${name}`;
}

/** Store keys of the files the completed clean at `time` deleted. */
export async function cleanedFiles(timeline: Timeline, time: string): Promise<string[]> {
  const completed = { time, action: 'clean', state: 'completed' } as const;
  const json = decodeMetadataFile(await timeline.instantBytes(completed), timeline.instantPath(completed));
  const out: string[] = [];
  for (const [p, meta] of Object.entries(jsonRecord(json?.partitionMetadata) ?? {})) {
    const names = jsonRecord(meta)?.successDeleteFiles;
    if (Array.isArray(names)) for (const n of names) if (typeof n === 'string') out.push(partitionFileKey(p, n));
  }
  return out;
}

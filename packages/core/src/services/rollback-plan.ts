// Reading a pending rollback's plan (`<instant>.rollback.requested`): the files its requests
// delete whole. Hudi names them by absolute path, earlier lake versions by table key; both
// resolve to table keys, and a plan naming anything but a data file of this table is refused.

import type { Instant } from '../timeline/instant.js';
import { decodeMetadataFile } from '../timeline/metadata-file.js';
import type { Timeline } from '../timeline/timeline.js';
import { dataFileKeyOf } from './table-paths.js';

/** Table keys of the files the rollback planned at `instant` deletes. */
export async function plannedDeletes(timeline: Timeline, instant: string, storeUri: string): Promise<string[]> {
  const requested: Instant = { time: instant, action: 'rollback', state: 'requested' };
  const file = timeline.instantPath(requested);
  const json = decodeMetadataFile(await timeline.instantBytes(requested), file);
  const requests = json?.RollbackRequests;
  const out: string[] = [];
  if (!Array.isArray(requests)) return out;
  for (const r of requests) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) continue;
    const files = r.filesToBeDeleted;
    if (!Array.isArray(files)) continue;
    for (const f of files) if (typeof f === 'string') out.push(dataFileKeyOf(storeUri, f, `Rollback plan ${file}`));
  }
  return out;
}

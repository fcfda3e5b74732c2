// Partitions: finding them by walking the table's folders (as Hudi does without a metadata
// table) and turning a partition path back into partition values.

import { mapLimit, type ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { parseBaseFileName } from '../file-group/base-file.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { METAFOLDER } from '../commit/paths.js';

/** Marker Hudi writes in every partition folder. */
export const PARTITION_METADATA_PREFIX = '.hoodie_partition_metadata';

export interface PartitionListing {
  /** Partition path relative to the table root; '' for a non-partitioned table. */
  path: string;
  /** Files directly in the partition folder. */
  files: { key: string; name: string; size: number }[];
}

function baseName(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Folders listed at once while walking the table. */
const LIST_CONCURRENCY = 16;

/** The table's metadata folder is the only folder a listing skips, at any depth, as Hudi's does. */
const METAFOLDER_NAME = METAFOLDER;

/**
 * Walks every folder under the root except `.hoodie`. Other names starting with a dot are
 * partitions like any other (a partition value may start with one), as in Hudi's listing. A
 * folder is a partition when it holds Hudi's partition marker or any base or log file.
 */
export async function listPartitions(store: ObjectStore): Promise<PartitionListing[]> {
  const out: PartitionListing[] = [];
  let level: string[] = [''];
  while (level.length > 0) {
    // The folders of one level are listed together: one round trip per level, not per folder.
    const listings = await mapLimit(level, LIST_CONCURRENCY, (prefix) => store.listDirectory(prefix));
    const next: string[] = [];
    level.forEach((prefix, n) => {
      const listing = listings[n];
      const files = listing.objects.map((o) => ({ key: o.key, name: baseName(o.key), size: o.size }));
      const isPartition = files.some(
        (f) => f.name.startsWith(PARTITION_METADATA_PREFIX) || parseBaseFileName(f.name) !== undefined || parseLogFileName(f.name) !== undefined,
      );
      if (isPartition) out.push({ path: prefix.endsWith('/') ? prefix.slice(0, -1) : prefix, files });
      for (const sub of listing.prefixes) {
        const name = baseName(sub);
        if (name === METAFOLDER_NAME) continue;
        next.push(sub.endsWith('/') ? sub : `${sub}/`);
      }
    });
    level = next;
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Partition values by field name from a partition path: `k=v` segments for hive-style tables,
 * positional segments otherwise; URL-decoded when the table encodes partition paths.
 */
export function partitionValues(config: TableConfig, partitionPath: string): Map<string, string> {
  const out = new Map<string, string>();
  if (partitionPath === '' || config.partitionFields.length === 0) return out;
  const segments = partitionPath.split('/');
  const decode = (s: string): string => {
    if (!config.urlEncodePartitioning) return s;
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (segments.length === config.partitionFields.length) {
    config.partitionFields.forEach((f, i) => {
      const seg = segments[i];
      const eq = seg.indexOf('=');
      out.set(f.name, decode(config.hiveStylePartitioning && eq !== -1 ? seg.slice(eq + 1) : seg));
    });
    return out;
  }
  for (const seg of segments) {
    const eq = seg.indexOf('=');
    if (eq !== -1) out.set(seg.slice(0, eq), decode(seg.slice(eq + 1)));
  }
  return out;
}

// Inline clustering, as Hudi's `hoodie.clustering.inline`: once enough writes completed since the
// last clustering, the writer stitches each partition's small base files into target-size ones in
// the same call. Inserts then never rewrite what earlier batches wrote (each batch opens new file
// groups), yet the table converges to few files of the target size.

import type { TableConfig } from '../config/table-config.js';
import { InvalidWriteError } from '../errors.js';
import type { Timeline } from '../timeline/timeline.js';
import type { TableContext } from '../table/table-context.js';
import { clusterSmallFiles, type ClusteringOptions, type ClusteringRun } from './clustering.js';

export interface InlineClusteringOptions extends Omit<ClusteringOptions, 'partitions' | 'onProgress'> {
  /** Cluster once this many writes completed since the last clustering (`hoodie.clustering.inline.max.commits`). */
  maxCommits: number;
}

/** Hudi's default of `hoodie.clustering.inline.max.commits`. */
export const DEFAULT_INLINE_CLUSTERING_COMMITS = 4;

/**
 * The inline clustering a write runs: the caller's option, else the table's
 * `hoodie.clustering.inline=true` with `hoodie.clustering.inline.max.commits`; undefined when off.
 */
export function inlineClusteringFor(config: TableConfig, option: InlineClusteringOptions | undefined): InlineClusteringOptions | undefined {
  if (option) {
    if (!Number.isInteger(option.maxCommits) || option.maxCommits < 1) {
      throw new InvalidWriteError(`Inline clustering needs maxCommits to be a whole number >= 1, not ${option.maxCommits}.`);
    }
    return option;
  }
  if (config.raw.get('hoodie.clustering.inline') !== 'true') return undefined;
  const text = config.raw.get('hoodie.clustering.inline.max.commits');
  const n = text === undefined ? DEFAULT_INLINE_CLUSTERING_COMMITS : Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidWriteError(`hoodie.clustering.inline.max.commits is ${JSON.stringify(text)}; set it to a whole number >= 1 in hoodie.properties.`);
  }
  return { maxCommits: n };
}

/**
 * Writes (commits, delta commits, replace commits that are not clusterings) completed since the
 * latest completed clustering, counted from the newest back and up to `enough`. Delta commits are
 * writes by their action; a commit may be a compaction's and a replace commit a clustering's, so
 * only their (cached) metadata is read.
 */
async function writesSinceClustering(timeline: Timeline, enough: number): Promise<number> {
  const writes = timeline.completedWrites();
  const rolledBack = await timeline.rolledBackInstants();
  let n = 0;
  for (let k = writes.length - 1; k >= 0 && n < enough; k--) {
    const w = writes[k];
    if (rolledBack.has(w.time)) continue;
    if (w.action !== 'deltacommit') {
      const op = (await timeline.commitMetadata(w)).operationType;
      if (op === 'CLUSTER') return n;
      if (op === 'COMPACT') continue;
    }
    n++;
  }
  return n;
}

/**
 * Runs after a write with the settings `inlineClusteringFor` resolved: clusters the table's small
 * files once enough writes completed since the last clustering. Undefined when it did not run.
 * `before`, the timeline the write started from, answers "not yet" without a listing when it
 * shows too few writes even with this one (writes of other processes since then can only make
 * clustering due earlier: the next write sees them); a "maybe" is checked on a fresh listing.
 */
export async function clusterInline(table: TableContext, inline: InlineClusteringOptions, before?: Timeline): Promise<ClusteringRun | undefined> {
  const { maxCommits, ...rest } = inline;
  if (before && (await writesSinceClustering(before, maxCommits)) + 1 < maxCommits) return undefined;
  if ((await writesSinceClustering(await table.timeline(), maxCommits)) < maxCommits) return undefined;
  return clusterSmallFiles(table, rest);
}

// `lake history`: the timeline, newest last: what each instant did; with --archived, the
// instants archived out of the active timeline too. It reads only the table config and the
// timeline (@lake/core/timeline) and prints plain rows, so it starts without loading Arrow,
// Parquet or the writers; the archived timeline's reader is loaded for --archived alone.

import { loadTableConfig, loadTimeline, type CommitMetadata, type Instant, type Timeline } from '@lake/core/timeline';
import { openStore } from '@lake/storage';
import type { CliIO } from '../io.js';
import { alignedTable } from '../render/aligned-table.js';

export interface HistoryEntry {
  instant: string;
  action: string;
  state: string;
  completionTime: string | null;
  operation: string | null;
  inserted: number | null;
  updated: number | null;
  deleted: number | null;
  filesWritten: number | null;
  /** Present with --archived: whether the instant was read from the archived timeline. */
  archived?: boolean;
}

function withStats(entry: HistoryEntry, meta: CommitMetadata): HistoryEntry {
  const stats = [...meta.partitionToWriteStats.values()].flat();
  entry.operation = meta.operationType ?? null;
  entry.inserted = stats.reduce((n, s) => n + s.numInserts, 0);
  entry.updated = stats.reduce((n, s) => n + s.numUpdateWrites, 0);
  entry.deleted = stats.reduce((n, s) => n + s.numDeletes, 0);
  entry.filesWritten = stats.length;
  return entry;
}

function bareEntry(instant: Instant): HistoryEntry {
  return {
    instant: instant.time,
    action: instant.action,
    state: instant.state,
    completionTime: instant.completionTime ?? null,
    operation: null,
    inserted: null,
    updated: null,
    deleted: null,
    filesWritten: null,
  };
}

const WRITES = ['commit', 'deltacommit', 'replacecommit'];

async function entryOf(timeline: Timeline, instant: Instant): Promise<HistoryEntry> {
  const entry = bareEntry(instant);
  if (instant.state !== 'completed' || !WRITES.includes(instant.action)) return entry;
  return withStats(entry, await timeline.commitMetadata(instant));
}

export async function historyEntries(uri: string, options: { archived?: boolean } = {}): Promise<HistoryEntry[]> {
  const store = await openStore(uri);
  const config = await loadTableConfig(store);
  const timeline = await loadTimeline(store, config);
  // One line per instant, in its furthest state.
  const latest = new Map<string, Instant>();
  for (const i of timeline.instants) latest.set(`${i.time}.${i.action}`, i);
  const out: HistoryEntry[] = [];
  for (const i of latest.values()) out.push({ ...(await entryOf(timeline, i)), ...(options.archived ? { archived: false } : {}) });
  if (options.archived) {
    const { loadArchivedTimeline } = await import('@lake/core/format');
    const archived = await loadArchivedTimeline(store, config);
    const furthest = new Map<string, (typeof archived.instants)[number]>();
    for (const i of archived.instants) if (!latest.has(`${i.time}.${i.action}`)) furthest.set(`${i.time}.${i.action}`, i);
    // A compaction's plan states are archived as `compaction`, its completion as `commit`.
    for (const i of furthest.values()) {
      if (i.action === 'compaction' && furthest.has(`${i.time}.commit`)) continue;
      const entry = { ...bareEntry(i), archived: true };
      out.push(i.state === 'completed' && WRITES.includes(i.action) ? withStats(entry, archived.commitMetadata(i)) : entry);
    }
  }
  return out.sort((a, b) => (a.instant < b.instant ? -1 : a.instant > b.instant ? 1 : 0));
}

export async function historyCommand(uri: string, opts: { json?: boolean; archived?: boolean }, io: CliIO): Promise<void> {
  const entries = await historyEntries(uri, { archived: opts.archived === true });
  if (opts.json) {
    for (const e of entries) io.out(JSON.stringify(e));
    return;
  }
  if (entries.length === 0) {
    io.out('(no instants: the table has no commits yet)');
    return;
  }
  const table = alignedTable(io.out);
  table.columns(Object.keys(entries[0]));
  for (const e of entries) table.row(Object.values(e));
  table.end();
}

// @lake/core/timeline: a table's config and active timeline, and nothing of the engine (no Arrow,
// Parquet, Avro files or writers), so that tools which only list instants, such as
// `lake history`, start without loading it. The same functions are in @lake/core/format.

export { loadTableConfig } from './table/load-config.js';
export type { TableConfig } from './config/table-config.js';
export { Timeline, loadTimeline } from './timeline/timeline.js';
export type { Instant, Action, InstantState } from './timeline/instant.js';
export type { CommitMetadata, WriteStat } from './timeline/commit-metadata.js';

// The narrow view of a table that writes and table services work through: its store, its
// config, its timeline, the merge mode every reader and writer applies, and its schema. HudiTable
// is one; services and writes take this, never the table, so nothing below the table imports it.

import type { Schema } from 'apache-arrow';
import type { ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import type { AppliedMergeMode } from '../read/merge.js';
import type { AsOf, Timeline } from '../timeline/timeline.js';

export interface TableContext {
  readonly store: ObjectStore;
  readonly config: TableConfig;
  /** The table's root location. */
  readonly uri: string;
  readonly mergeMode: AppliedMergeMode;
  /** The active timeline, loaded afresh. */
  timeline(): Promise<Timeline>;
  /** The Arrow schema of the table (meta columns first), as of an instant. */
  schema(options?: { asOf?: AsOf }): Promise<Schema>;
}

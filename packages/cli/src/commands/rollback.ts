// `lake rollback`: undoes a write as Hudi does, with a `rollback` instant: by default every write
// whose writer died (a pending instant with an expired heartbeat), or one given instant.

import { openTable, type RollbackResult } from '@lake/core';

import type { CliIO } from '../io.js';
import { livePendingWriteNotes } from './pending-writes.js';

export interface RollbackOptions {
  instant?: string;
  force?: boolean;
  json?: boolean;
}

function describe(r: RollbackResult): string {
  const what = r.wasCompleted ? `completed ${r.action}` : `failed ${r.action}`;
  const logs = r.rollbackLogFiles.length > 0 ? `, ${r.rollbackLogFiles.length} log file(s) neutralized` : '';
  return `Rolled back ${what} ${r.rolledBack} (rollback ${r.instant}): ${r.filesDeleted.length} file(s) deleted${logs}.`;
}

export async function rollbackCommand(uri: string, opts: RollbackOptions, io: CliIO): Promise<void> {
  const table = await openTable(uri);
  const results = await table.rollback(opts.instant, { force: opts.force });
  const nothing = 'no write was left behind by a dead writer';
  if (opts.json) {
    // Scripts read one object per line; an empty output would be indistinguishable from a crash.
    if (results.length === 0) io.out(JSON.stringify({ rolledBack: null, nothingToRollBack: true, reason: nothing }));
    for (const r of results) io.out(JSON.stringify(r));
    return;
  }
  if (results.length === 0) {
    const live = opts.instant === undefined ? await livePendingWriteNotes(table, uri) : [];
    if (live.length === 0) io.out(`Nothing to roll back: ${nothing}.`);
    for (const note of live) io.out(note);
  }
  for (const r of results) io.out(describe(r));
}

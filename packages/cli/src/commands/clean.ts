// `lake clean`: deletes file versions no retained instant needs, as a Hudi `clean` instant
// (KEEP_LATEST_COMMITS with --retain-commits, KEEP_LATEST_BY_HOURS with --retain-hours).

import { openTable, type CleanPolicy } from '@lake/core';

import type { CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface CleanOptions {
  retainCommits?: number;
  retainHours?: number;
  readerGraceMinutes?: number;
  dryRun?: boolean;
  json?: boolean;
}

export async function cleanCommand(uri: string, opts: CleanOptions, io: CliIO): Promise<void> {
  if (opts.retainCommits !== undefined && opts.retainHours !== undefined) throw new UsageError('--retain-commits and --retain-hours exclude each other');
  const policy: CleanPolicy | undefined =
    opts.retainHours !== undefined ? { kind: 'hours', retain: opts.retainHours } : opts.retainCommits !== undefined ? { kind: 'commits', retain: opts.retainCommits } : undefined;
  const table = await openTable(uri);
  const result = await table.clean({
    policy,
    dryRun: opts.dryRun,
    ...(opts.readerGraceMinutes !== undefined ? { readerGraceMs: opts.readerGraceMinutes * 60_000 } : {}),
  });
  const files = result ? [...result.files.values()].reduce((n, f) => n + f.length, 0) : 0;
  // Leftovers of killed writes (local disk temp files) go too; they were never part of the table.
  const abandoned = opts.dryRun ? 0 : await table.removeAbandonedWrites();
  if (opts.json) {
    io.out(JSON.stringify(result ? { instant: opts.dryRun ? null : result.instant, policy: result.policy, earliestRetained: result.earliestRetained, files, dryRun: opts.dryRun ?? false, partitions: Object.fromEntries(result.files), abandonedWritesRemoved: abandoned } : { instant: null, files: 0, dryRun: opts.dryRun ?? false, abandonedWritesRemoved: abandoned }));
    return;
  }
  if (abandoned > 0) io.out(`Removed ${abandoned} temporary file(s) of writes killed over an hour ago.`);
  if (!result || files === 0) {
    io.out('Nothing to clean: every file version is still needed by a retained instant.');
    return;
  }
  const where = `${files} file(s) in ${result.files.size} partition(s)`;
  io.out(
    opts.dryRun
      ? `Would delete ${where}; instants from ${result.earliestRetained} on stay readable (${result.policy}).`
      : `Clean ${result.instant} deleted ${where}; instants from ${result.earliestRetained} on stay readable (${result.policy}).`,
  );
}

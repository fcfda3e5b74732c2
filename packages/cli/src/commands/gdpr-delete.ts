// `lake gdpr-delete`: erases a user's rows (by the values of a column) from the table and its
// history, with a proof record; `--verify <request-id>` re-checks an earlier erasure.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { openTable, type ErasureRecord, type ErasureReport } from '@lake/core';
import { LakeError } from '@lake/storage';

import type { CliIO } from '../io.js';
import { readOptionsFor } from '../metadata-warning.js';
import { UsageError } from '../usage-error.js';

export interface GdprDeleteOptions {
  column?: string;
  id?: string[];
  idsFile?: string;
  requestId?: string;
  dryRun?: boolean;
  /** Erase even where log blocks of completed writes are corrupt. */
  force?: boolean;
  verify?: string;
  json?: boolean;
  /** false with --no-metadata-table. */
  metadataTable?: boolean;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

function summary(r: ErasureReport, dryRun: boolean): string[] {
  const lines = [
    dryRun
      ? `Would erase ${r.rowsErased} row(s) where ${r.column} matches ${r.valueHashes.length} value(s).`
      : `Erasure ${r.requestId}: ${r.rowsErased} row(s) where ${r.column} matched ${r.valueHashes.length} value(s) removed from the latest snapshot.`,
    `Files examined: ${r.filesExamined}, skipped by statistics or bloom filters: ${r.filesSkipped}.`,
  ];
  const s = r.search;
  if (s) {
    lines.push(
      `Search read ${mib(s.bytesRead)}: ${s.rowGroupsRead} row group(s) read, ${s.rowGroupsSkippedByStatistics} skipped by statistics, ${s.rowGroupsSkippedByBloomFilter} by bloom filters.`,
    );
    if (s.filesSkippedByColumnStats) lines.push(`Files ruled out by the metadata table's column statistics (footers not read): ${s.filesSkippedByColumnStats}.`);
  }
  if (dryRun && r.plannedRewrites) {
    const p = r.plannedRewrites;
    lines.push(`Would rewrite ${p.files.length} file(s), ${mib(p.bytes)} read back whole and written again, in ${p.fileGroups} file group(s), each once.`);
  }
  if (!dryRun) {
    lines.push(`Files rewritten: ${r.filesRewritten.length}; older files purged: ${r.filesPurged.length}; instants: ${r.instants.join(', ') || 'none'}.`);
    lines.push(`Record files (ingest quarantine) rewritten: ${r.recordFilesRewritten?.length ?? 0}; records removed: ${r.recordsPurged ?? 0}.`);
    lines.push(...verification(r));
    lines.push(`Proof: .hoodie/.aux/lake/erasures/${r.requestId}.json (salted hashes of the values, never the values).`);
  }
  return lines;
}

function verification(r: ErasureRecord): string[] {
  const v = r.verification;
  const scanned = `${v.filesScanned} data file(s) re-read, ${v.objectsScanned ?? 0} other object(s) scanned`;
  if (v.passed) return [`Verified ${v.at}: ${scanned}; no erased value found.`];
  return [
    `VERIFICATION FAILED ${v.at}: ${scanned}; ${v.matches} occurrence(s) of an erased value remain in:`,
    ...(v.found ?? []).map((key) => `  ${key}`),
    `Run the same gdpr-delete again (same --request-id and values) to finish the erasure.`,
  ];
}

export async function gdprDeleteCommand(uri: string, opts: GdprDeleteOptions, io: CliIO): Promise<void> {
  const table = await openTable(uri, readOptionsFor(opts, io));
  if (opts.verify) {
    const record = await table.verifyErasure(opts.verify);
    if (opts.json) io.out(JSON.stringify(record));
    else for (const line of verification(record)) io.out(line);
    if (!record.verification.passed) throw new LakeError('ERASURE_UNVERIFIED', `erasure ${opts.verify} failed its verification: erased values are still in the table`);
    return;
  }
  if (!opts.column) throw new UsageError('--column is required (the column holding the user id), unless --verify is given');
  const values = [...(opts.id ?? [])];
  if (opts.idsFile) {
    const text = await readFile(opts.idsFile, 'utf8').catch((e: unknown) => {
      throw new UsageError(`cannot read --ids-file ${opts.idsFile}: ${(e as Error).message}`);
    });
    values.push(...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#')));
  }
  if (values.length === 0) throw new UsageError('give the values to erase with --id (repeatable) or --ids-file');
  // Named before any work, so a run that dies can be finished by running it again under its id.
  const requestId = opts.requestId ?? (opts.dryRun ? undefined : `erasure-${Date.now()}-${randomBytes(4).toString('hex')}`);
  if (!opts.requestId && requestId) io.err(`Erasure request ${requestId}: if interrupted, run it again with --request-id ${requestId} to finish it.`);
  const report = await table.erase({ column: opts.column, values, requestId, dryRun: opts.dryRun, force: opts.force });
  if (opts.json) {
    const { salt: _salt, ...shown } = report;
    io.out(JSON.stringify(shown));
  } else {
    for (const line of summary(report, report.dryRun)) io.out(line);
  }
  if (!report.dryRun && !report.verification.passed) {
    throw new LakeError('ERASURE_UNVERIFIED', `erasure ${report.requestId} failed its verification: erased values are still in the table`);
  }
}

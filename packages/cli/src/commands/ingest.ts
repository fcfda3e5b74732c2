// `lake ingest`: files, an object-store prefix or a JetStream stream -> validated, de-duplicated
// micro-batches, one commit each with the source checkpoint; resumes where the table says.

import { rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { openTable } from '@lake/core';
import { tableSyncAfterCommit } from './sync.js';
import { openStore, redactUri } from '@lake/storage';
import {
  createIngestMetrics,
  dateOf,
  fileSource,
  ingest,
  sourceFromUri,
  IngestConfigError,
  type BatchReport,
  type Derivation,
  type InputFormat,
  type Source,
} from '@lake/ingest';
import type { CliIO } from '../io.js';
import { list } from '../options.js';

export interface IngestCommandOptions {
  from: string;
  format?: InputFormat;
  batchRows?: number;
  batchSeconds?: number;
  batchBytes?: number;
  once?: boolean;
  follow?: boolean;
  insertOnly?: boolean;
  clusterEvery?: number;
  maxInvalid?: number;
  metricsFile?: string;
  deriveDate?: string[];
  flatten?: boolean;
  explode?: string;
  json?: boolean;
}

export { invalidLimit, positiveNumber, collectDerive } from '../options.js';

function isLocalPath(from: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(from) || /^file:\/\//i.test(from);
}

async function openSource(from: string, format: InputFormat | undefined, follow: boolean): Promise<Source> {
  const listIntervalMs = follow ? 1000 : 0;
  if (isLocalPath(from)) {
    const path = resolve(from.replace(/^file:\/\//i, ''));
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new IngestConfigError(`--from ${from}: no such file or folder.`);
    if (info.isFile()) {
      // One file: a store on its folder, reading only that key.
      const name = basename(path);
      return fileSource(await openStore(dirname(path)), { format, filter: (key) => key === name, id: `files:${path}`, listIntervalMs }) as Source;
    }
  }
  return sourceFromUri(from, { format, listIntervalMs });
}

function progressLine(r: BatchReport, totals: { read: number; written: number; quarantined: number; deduplicated: number }): string {
  return `batch ${r.batch} @ ${r.instant}: read ${totals.read}, written ${totals.written}, quarantined ${totals.quarantined}, ` +
    `deduplicated ${totals.deduplicated}${r.lagMs !== undefined ? `, lag ${(r.lagMs / 1000).toFixed(1)}s` : ''}`;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function ingestCommand(uri: string, opts: IngestCommandOptions, io: CliIO): Promise<void> {
  if (opts.once && opts.follow) throw new IngestConfigError('Pass --once or --follow, not both.');
  const follow = opts.follow ?? false;
  const table = await openTable(uri);
  const source = await openSource(opts.from, opts.format, follow);
  const metrics = createIngestMetrics();
  const derive: Record<string, Derivation> = {};
  for (const d of opts.deriveDate ?? []) {
    const [column, field] = d.split('=');
    derive[column.trim()] = dateOf(field.trim());
  }
  const explode = list(opts.explode);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const totals = { read: 0, written: 0, quarantined: 0, deduplicated: 0 };
  let progressShown = false;
  try {
    const summary = await ingest(table, {
      source,
      writeOptions: {
        ...(await tableSyncAfterCommit(table, io)),
        ...(opts.clusterEvery !== undefined ? { inlineClustering: { maxCommits: opts.clusterEvery } } : {}),
      },
      follow,
      signal: controller.signal,
      mode: opts.insertOnly ? 'insert-only' : 'upsert',
      maxInvalidPerBatch: opts.maxInvalid,
      batch: { maxRows: opts.batchRows, maxSeconds: opts.batchSeconds, maxBytes: opts.batchBytes },
      derive: Object.keys(derive).length > 0 ? derive : undefined,
      flatten: opts.flatten || explode.length > 0 ? { explode } : undefined,
      metrics,
      logger: opts.json ? (entry) => io.out(redactUri(JSON.stringify(entry))) : undefined,
      onBatch: async (r) => {
        totals.read += r.read;
        totals.written += r.written;
        totals.quarantined += r.quarantined;
        totals.deduplicated += r.deduplicated;
        if (opts.metricsFile) await writeAtomically(opts.metricsFile, await metrics.text()).catch(() => undefined);
        if (opts.json) return;
        if (io.isTTY) {
          process.stdout.write(`\r\x1b[2K${progressLine(r, totals)}`);
          progressShown = true;
        } else io.out(progressLine(r, totals));
      },
    });
    if (progressShown) process.stdout.write('\n');
    if (opts.metricsFile) await writeAtomically(opts.metricsFile, await metrics.text());
    if (!opts.json) {
      io.out(
        `ingested ${summary.batches} batch(es) from ${redactUri(source.id)}: read ${summary.read}, written ${summary.written} ` +
          `(${summary.inserted} inserted, ${summary.updated} updated), quarantined ${summary.quarantined}, ` +
          `deduplicated ${summary.deduplicated}, coerced ${summary.coerced}; checkpoint ${JSON.stringify(summary.checkpoint ?? summary.resumedFrom ?? null)}`,
      );
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

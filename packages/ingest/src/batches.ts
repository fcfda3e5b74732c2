// Micro-batching with backpressure: records are pulled from the source only while the batch
// being built has room (by count, bytes and age), so however fast the source is, memory holds
// one batch plus what one poll returned beyond the byte limit.

import type { Source, SourceRecord } from './source.js';

export interface BatchLimits {
  /** Most records per batch (default 10 000). */
  maxRows?: number;
  /** Most source bytes per batch (default 64 MiB); a single larger record still makes a batch. */
  maxBytes?: number;
  /** A batch is committed at the latest this long after its first record was read (default 5). */
  maxSeconds?: number;
}

export interface BatchReadOptions {
  /** Keep waiting for records when the source is idle (until `signal`); otherwise end there. */
  follow: boolean;
  signal?: AbortSignal;
  /** How long one poll of an idle source waits (default 1000 ms). */
  idleWaitMs?: number;
}

export interface BatchReader {
  /** The next batch; undefined when the source finished, is idle (without follow) or the signal fired. */
  next(): Promise<SourceRecord[] | undefined>;
  /** When the first record of the batch last returned was in hand (for batch latency). */
  batchStartedAt(): number | undefined;
}

export const defaultBatchLimits: Required<BatchLimits> = { maxRows: 10_000, maxBytes: 64 * 1024 * 1024, maxSeconds: 5 };

export function batchReader(source: Source, limits: BatchLimits, options: BatchReadOptions): BatchReader {
  const maxRows = Math.max(1, limits.maxRows ?? defaultBatchLimits.maxRows);
  const maxBytes = Math.max(1, limits.maxBytes ?? defaultBatchLimits.maxBytes);
  const maxMs = Math.max(0, (limits.maxSeconds ?? defaultBatchLimits.maxSeconds) * 1000);
  const idleWait = options.idleWaitMs ?? 1000;
  let carry: SourceRecord[] = [];
  let finished = false;
  let startedAt: number | undefined;

  return {
    async next() {
      // A stop request ends reading at once; records read ahead were never committed, so the
      // next run reads them again from the checkpoint.
      if (options.signal?.aborted) return undefined;
      const records: SourceRecord[] = [];
      let bytes = 0;
      // The read-ahead left by the last batch comes first, under the same limits.
      let taken = 0;
      while (taken < carry.length && records.length < maxRows && (records.length === 0 || bytes + carry[taken].size <= maxBytes)) {
        records.push(carry[taken]);
        bytes += carry[taken].size;
        taken++;
      }
      carry = carry.slice(taken);
      let firstAt = records.length > 0 ? Date.now() : undefined;
      for (;;) {
        if (carry.length > 0 || records.length >= maxRows || bytes >= maxBytes) break;
        if (firstAt !== undefined && Date.now() - firstAt >= maxMs) break;
        if (finished || options.signal?.aborted) break;
        const wait = firstAt !== undefined ? Math.max(0, firstAt + maxMs - Date.now()) : idleWait;
        // Short waits keep a stop request (signal) answered within about a second.
        const poll = await source.poll(maxRows - records.length, Math.min(wait, 1000));
        for (const r of poll.records) {
          if (carry.length > 0 || (records.length > 0 && bytes + r.size > maxBytes)) carry.push(r);
          else {
            records.push(r);
            bytes += r.size;
          }
        }
        if (records.length > 0 && firstAt === undefined) firstAt = Date.now();
        if (poll.state === 'finished') finished = true;
        if (poll.state === 'idle' && !options.follow) {
          finished = carry.length === 0;
          break;
        }
      }
      startedAt = firstAt;
      return records.length > 0 ? records : undefined;
    },
    batchStartedAt() {
      return startedAt;
    },
  };
}

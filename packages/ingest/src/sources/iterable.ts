// Plain (async) iterables from code as a source: the checkpoint is the number of records
// consumed, or whatever the caller derives from each record (an offset, an event id).

import { CheckpointError } from '../errors.js';
import type { Checkpoint, Source, SourcePoll, SourceRecord } from '../source.js';

export interface IterableSourceOptions<T> {
  /** Source id in commit metadata (default `iterable`). */
  id?: string;
  /**
   * The checkpoint after consuming `record` (the `index`-th, 0-based). Default: `index + 1`,
   * the count consumed; then a restart skips that many records of a fresh iterable.
   */
  checkpointOf?: (record: T, index: number) => Checkpoint;
  /**
   * Called on start with the last committed checkpoint: returns the records after it. Without
   * it the iterable given is used, skipping `checkpoint` records when the checkpoint is a count.
   */
  resume?: (checkpoint: Checkpoint | undefined) => AsyncIterable<T> | Iterable<T>;
  /** Record size for byte-bounded batches (default: the length of its JSON text). */
  sizeOf?: (record: T) => number;
}

function defaultSize(record: unknown): number {
  try {
    return JSON.stringify(record)?.length ?? 0;
  } catch {
    return 0;
  }
}

function iteratorOf<T>(it: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in it ? (it as AsyncIterable<T>)[Symbol.asyncIterator]() : (it as Iterable<T>)[Symbol.iterator]();
}

const timedOut = Symbol('timeout');

/** A source over records produced by code; pulls from the iterator only as batches need them. */
export function iterableSource<T>(records: AsyncIterable<T> | Iterable<T>, options: IterableSourceOptions<T> = {}): Source {
  const id = options.id ?? 'iterable';
  let iterator: AsyncIterator<T> | Iterator<T> | undefined;
  let index = 0;
  let done = false;
  // A next() still running when a poll's wait ended; the next poll picks it up, so nothing is lost.
  let inFlight: Promise<IteratorResult<T>> | undefined;

  return {
    id,
    async start(checkpoint) {
      done = false;
      inFlight = undefined;
      index = 0;
      if (options.resume) {
        iterator = iteratorOf(options.resume(checkpoint));
        if (typeof checkpoint === 'number') index = checkpoint;
        return;
      }
      iterator = iteratorOf(records);
      if (checkpoint === undefined) return;
      if (typeof checkpoint !== 'number' || !Number.isInteger(checkpoint) || checkpoint < 0) {
        throw new CheckpointError(`Source ${id} cannot skip to checkpoint ${JSON.stringify(checkpoint)}; give a resume() function for checkpoints that are not record counts.`);
      }
      while (index < checkpoint) {
        const r = await iterator.next();
        if (r.done) {
          done = true;
          break;
        }
        index++;
      }
    },
    async poll(maxRecords, waitMs): Promise<SourcePoll> {
      if (!iterator) throw new CheckpointError(`Source ${id} was polled before start().`);
      const out: SourceRecord[] = [];
      const deadline = Date.now() + waitMs;
      while (!done && out.length < maxRecords) {
        const step = inFlight ?? iterator.next();
        let result: IteratorResult<T> | typeof timedOut;
        if (step instanceof Promise) {
          // An async iterator may block (a slow producer): wait no longer than the poll allows.
          inFlight = step;
          let timer: ReturnType<typeof setTimeout> | undefined;
          // Once some records are in hand, take only what is ready now rather than wait for more.
          const wait = out.length > 0 ? 0 : Math.max(0, deadline - Date.now());
          result = await Promise.race([step, new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), wait)))]);
          clearTimeout(timer);
          if (result === timedOut) return { records: out, state: out.length > 0 ? 'more' : 'idle' };
          inFlight = undefined;
        } else result = step;
        if (result.done) {
          done = true;
          break;
        }
        const value = result.value;
        const i = index++;
        out.push({
          value,
          position: `record ${i + 1}`,
          size: options.sizeOf ? options.sizeOf(value) : defaultSize(value),
          checkpoint: options.checkpointOf ? options.checkpointOf(value, i) : i + 1,
        });
      }
      return { records: out, state: done ? 'finished' : 'more' };
    },
    async acknowledge() {},
    async close() {
      const it = iterator;
      iterator = undefined;
      if (it?.return) await it.return();
    },
  };
}

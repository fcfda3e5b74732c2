// A read's result: a stream of Arrow batches that knows its schema before the first batch and
// reports the log blocks it could not read.

import { Table as ArrowTable, type RecordBatch, type Schema } from 'apache-arrow';

import { describeCorruptLogBlock, type CorruptLogBlock } from '../read/log-corruption.js';

/**
 * A stream of batches that also knows its schema, so empty results still have one, and reports
 * the log blocks it could not read.
 */
export class BatchStream implements AsyncIterable<RecordBatch> {
  constructor(
    private readonly schemaPromise: Promise<Schema>,
    private readonly produce: () => AsyncGenerator<RecordBatch>,
    /**
     * Log blocks of the slices read so far that cannot be parsed (truncated or damaged files),
     * complete once the stream is consumed. Those with `committed` set may hide records of
     * completed writes, such as a delete whose record then shows again; the others are leftovers
     * of writes that never completed. Empty for healthy tables.
     */
    readonly corruptLogBlocks: CorruptLogBlock[] = [],
  ) {
    // The schema is awaited lazily; an unobserved failure must not crash the process.
    schemaPromise.catch(() => undefined);
  }
  schema(): Promise<Schema> {
    return this.schemaPromise;
  }
  [Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    return this.produce();
  }
  /** Every batch in one Arrow table. */
  collect(): Promise<ArrowTable> {
    return collect(this);
  }
  /** One warning line per corrupt log block met so far (see `corruptLogBlocks`). */
  get warnings(): string[] {
    return this.corruptLogBlocks.map(describeCorruptLogBlock);
  }
}

/** Gathers batches into an Arrow table; uses the stream's schema when there are none. */
export async function collect(batches: AsyncIterable<RecordBatch>): Promise<ArrowTable> {
  const all: RecordBatch[] = [];
  for await (const b of batches) all.push(b);
  if (all.length > 0) return new ArrowTable(all);
  if (batches instanceof BatchStream) return new ArrowTable(await batches.schema());
  return new ArrowTable();
}

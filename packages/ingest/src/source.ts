// The one interface every source implements: pull records with their checkpoints, resume after
// a checkpoint, acknowledge once a checkpoint is committed to the table.

/** A JSON-serializable value; checkpoints are stored as JSON text in the commit metadata. */
export type Checkpoint = string | number | boolean | null | Checkpoint[] | { [key: string]: Checkpoint | undefined };

/** One record as the source delivered it. */
export interface SourceRecord<C extends Checkpoint = Checkpoint> {
  /** The parsed record; undefined when it could not be parsed (then `error` says why). */
  value?: unknown;
  /** Set when the raw record could not be parsed; the record goes to the quarantine. */
  error?: string;
  /** The raw text, kept for the quarantine when `value` is missing. */
  raw?: string;
  /** Where the record came from, for people: `raw/2024/01/01/00/part-1.ndjson:17`, `seq 42`. */
  position: string;
  /** Approximate size in bytes, for byte-bounded batches. */
  size: number;
  /** The source's position once this record (and every one before it) is consumed. */
  checkpoint: C;
}

/**
 * What a poll returned: up to the asked number of records, and whether more are ready now
 * (`more`), nothing is ready yet but may come (`idle`), or the source has ended (`finished`).
 */
export interface SourcePoll<C extends Checkpoint = Checkpoint> {
  records: SourceRecord<C>[];
  state: 'more' | 'idle' | 'finished';
}

/**
 * A pull-based source of records. The ingestor asks for records only when it has room for them,
 * so a fast source is never drained ahead of the table: at most one batch plus one poll's
 * read-ahead is held in memory.
 *
 * Checkpoints are opaque JSON values the source alone interprets. Each record carries the
 * checkpoint reached once it is consumed; the checkpoint of a batch's last record is stored in the
 * same commit as the batch, and `start` receives it back after a restart, so the source resumes
 * right after the last committed record whatever happened to acknowledgements.
 *
 * Adding a Kafka source is small: `id` names the topic and group, the checkpoint is the offsets
 * per partition (`{ "0": 1042, "1": 977 }`, the next offset to read), each record's checkpoint is
 * that map with its own partition advanced, `start` seeks every partition to its stored offset
 * (or the group's committed offset without one), and `acknowledge` commits those offsets to the
 * consumer group, which only serves monitoring since the table holds the truth.
 */
export interface Source<C extends Checkpoint = Checkpoint> {
  /** Names the source in commit metadata; a table resumes only checkpoints of the same id. */
  readonly id: string;
  /** Positions the source just after `checkpoint` (from its beginning when undefined). */
  start(checkpoint: C | undefined): Promise<void>;
  /** Up to `maxRecords` records, waiting at most about `waitMs` when none is ready. */
  poll(maxRecords: number, waitMs: number): Promise<SourcePoll<C>>;
  /** Called after the commit holding `checkpoint` completed: the source may release what precedes it. */
  acknowledge(checkpoint: C): Promise<void>;
  close(): Promise<void>;
}

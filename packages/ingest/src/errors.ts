// Typed errors of ingestion, each with a stable code and a message saying what to do.

import { LakeError } from '@lake/storage';

/** A batch held more invalid records than `maxInvalidPerBatch` allows; nothing of it was committed. */
export class TooManyInvalidRecordsError extends LakeError {
  constructor(
    readonly invalid: number,
    readonly total: number,
    readonly limit: string,
    readonly sample: { position: string; reason: string }[],
  ) {
    super(
      'INGEST_TOO_MANY_INVALID',
      `${invalid} of ${total} records in the batch are invalid (limit ${limit}); nothing was committed. ` +
        `First: ${sample.map((s) => `${s.position}: ${s.reason}`).join('; ')}. Fix the source or raise maxInvalidPerBatch.`,
    );
  }
}

/** Options of an ingestion that cannot work together or name something that does not exist. */
export class IngestConfigError extends LakeError {
  constructor(message: string) {
    super('INGEST_CONFIG', message);
  }
}

/** A source could not be read or acknowledged. */
export class SourceError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INGEST_SOURCE', message, options);
  }
}

/** A checkpoint stored in a commit does not fit the source that is resuming from it. */
export class CheckpointError extends LakeError {
  constructor(message: string) {
    super('INGEST_CHECKPOINT', message);
  }
}

/** A file of records could not be parsed as a whole (single bad lines are quarantined instead). */
export class InputFileError extends LakeError {
  constructor(message: string) {
    super('INPUT_FILE', message);
  }
}

// @lake/ingest public API: sources -> validated, transformed, de-duplicated micro-batches ->
// exactly-once commits into lake tables, with a quarantine for invalid records and metrics.
export { TooManyInvalidRecordsError, IngestConfigError, SourceError, CheckpointError, InputFileError } from './errors.js';
export { type Checkpoint, type Source, type SourceRecord, type SourcePoll } from './source.js';
export {
  type InputFormat,
  type ParsedRecord,
  INPUT_FORMATS,
  formatOfName,
  inputFormatOf,
  parseRecords,
  parseInputBytes,
} from './formats.js';
export { fileSource, type FileSourceOptions, type FileCheckpoint } from './sources/files.js';
export { iterableSource, type IterableSourceOptions } from './sources/iterable.js';
export { jetStreamSource, type JetStreamSourceOptions } from './sources/jetstream.js';
export { createValidator, parseIsoTimestamp, type Validator, type ValidationOptions, type ValidationResult, type EpochUnit } from './validate.js';
export { flattenRecord, dateOf, hourOf, eventTimeMillis, type FlattenOptions, type Derivation } from './transform.js';
export { batchReader, defaultBatchLimits, type BatchLimits, type BatchReader, type BatchReadOptions } from './batches.js';
export {
  CHECKPOINT_KEY,
  SOURCE_ID_KEY,
  QUARANTINE_KEY,
  checkpointMetadata,
  lastCommittedCheckpoint,
  type CommittedCheckpoint,
} from './checkpoint.js';
export {
  QUARANTINE_PREFIX,
  fileQuarantine,
  tableQuarantine,
  createQuarantineTable,
  quarantineTableSchema,
  type QuarantineSink,
  type QuarantineBatch,
  type QuarantinedRecord,
} from './quarantine.js';
export { createIngestMetrics, type IngestMetrics, type BatchReport } from './metrics.js';
export { ingest, type IngestOptions, type IngestSummary, type IngestMode, type IngestLogEntry } from './ingest.js';
export { sourceFromUri, parseNatsUri, type SourceUriOptions } from './source-uri.js';

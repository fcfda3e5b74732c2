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

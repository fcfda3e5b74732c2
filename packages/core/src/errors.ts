// Typed errors of the table format: each names the file or value that was wrong and says what
// to do. All extend LakeError so callers can switch on the stable `code`.
// Over 350 lines on purpose: every public error class in one place, matching error-codes.ts one to one.

import { LakeError } from '@lake/storage';

/** No `.hoodie/hoodie.properties` where a table was expected. */
export class TableNotFoundError extends LakeError {
  readonly location: string;
  constructor(location: string, options?: { cause?: unknown }) {
    super(
      'TABLE_NOT_FOUND',
      `No Hudi table at ${location}: .hoodie/hoodie.properties is missing. Check the table path.`,
      options,
    );
    this.location = location;
  }
}

/** The table's `hoodie.table.version` is one this library cannot read. */
export class UnsupportedTableVersionError extends LakeError {
  readonly version: number | string;
  constructor(version: number | string, supported: readonly number[]) {
    super(
      'UNSUPPORTED_TABLE_VERSION',
      `Hudi table version ${String(version)} is not supported (supported: ${supported.join(', ')}). ` +
        'Upgrade or downgrade the table with Hudi, or read it with a matching engine.',
    );
    this.version = version;
  }
}

/** `hoodie.properties` is unreadable or misses a required key. */
export class InvalidTableConfigError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_TABLE_CONFIG', `Invalid table config: ${message}`, options);
  }
}

/** A timeline file (instant metadata) cannot be parsed. */
export class CorruptTimelineError extends LakeError {
  readonly file: string;
  constructor(file: string, why: string, options?: { cause?: unknown }) {
    super(
      'CORRUPT_TIMELINE',
      `Corrupt timeline file ${file}: ${why}. Restore the file from a backup, or roll back the instant with Hudi.`,
      options,
    );
    this.file = file;
  }
}

/** A file name that should follow Hudi's base or log file grammar does not. */
export class InvalidFileNameError extends LakeError {
  readonly fileName: string;
  constructor(fileName: string, expected: string) {
    super('INVALID_FILE_NAME', `"${fileName}" is not a valid Hudi ${expected} file name.`);
    this.fileName = fileName;
  }
}

/** A base file the file-system view selected is gone from storage. */
export class MissingBaseFileError extends LakeError {
  readonly path: string;
  constructor(path: string, options?: { cause?: unknown }) {
    super(
      'MISSING_BASE_FILE',
      `Base file ${path} is listed by the table but cannot be read. A cleaner may have removed it during the read; retry, or read an older instant that is still retained.`,
      options,
    );
    this.path = path;
  }
}

/** A log file or log block cannot be decoded. */
export class LogFormatError extends LakeError {
  readonly path?: string;
  constructor(message: string, options?: { cause?: unknown; path?: string }) {
    super('LOG_FORMAT', `${options?.path ? `${options.path}: ` : ''}${message}`, options);
    this.path = options?.path;
  }
}

/** A schema cannot be parsed or mapped to Arrow, or data does not match it. */
export class SchemaError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCHEMA', message, options);
  }
}

/** Avro bytes that do not decode with their schema (truncated or corrupt). */
export class AvroDecodeError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AVRO_DECODE', message, options);
  }
}

/** A read option that names something the table does not have (column, instant). */
export class InvalidReadOptionError extends LakeError {
  constructor(message: string) {
    super('INVALID_READ_OPTION', message);
  }
}

/** Another writer committed changes to the same file groups first. */
export class ConflictError extends LakeError {
  readonly instant: string;
  readonly conflictingInstant: string;
  readonly fileGroups: string[];
  /** `message` replaces the default text where the conflict was not over file groups. */
  constructor(instant: string, conflictingInstant: string, fileGroups: string[], message?: string) {
    super(
      'WRITE_CONFLICT',
      message ??
      `Write ${instant} conflicts with ${conflictingInstant}, which changed the same file groups first ` +
        `(${fileGroups.slice(0, 3).join(', ')}${fileGroups.length > 3 ? ', ...' : ''}). Nothing of ${instant} is visible; ` +
        'retry the write: it will see the other commit.',
    );
    this.instant = instant;
    this.conflictingInstant = conflictingInstant;
    this.fileGroups = fileGroups;
  }
}

/** A serialized bloom filter (Parquet footer or metadata table) that cannot be decoded. */
export class InvalidBloomFilterError extends LakeError {
  constructor(why: string) {
    super(
      'INVALID_BLOOM_FILTER',
      `Cannot read bloom filter: ${why}. The file footer may be truncated or written by an unsupported writer; ` +
        'rewrite the file or disable bloom-filter lookups for it.',
    );
  }
}

/** A key that a bloom filter cannot hold (Hudi's filters reject empty keys). */
export class InvalidBloomKeyError extends LakeError {
  constructor(why: string) {
    super('INVALID_BLOOM_KEY', `Invalid bloom filter key: ${why}. Record keys must be non-empty strings.`);
  }
}

/** A row whose record key is null or empty, so it cannot be stored in a Hudi table. */
export class NullRecordKeyError extends LakeError {
  readonly field: string;
  readonly row: number;
  constructor(field: string, row: number, empty = false) {
    super(
      'NULL_RECORD_KEY',
      `Record key field "${field}" is ${empty ? 'empty' : 'null'} in row ${row}. ` +
        'Every row needs a record key: fill the field, drop the row, or choose other record key fields.',
    );
    this.field = field;
    this.row = row;
  }
}

/** Key generator settings that cannot work (unknown type, missing or unsupported fields). */
export class KeyGeneratorConfigError extends LakeError {
  constructor(message: string) {
    super('KEYGEN_CONFIG', message);
  }
}

/** A value that the key generator cannot turn into a partition path (bad date, path traversal). */
export class PartitionPathError extends LakeError {
  readonly field: string;
  readonly row: number;
  constructor(field: string, row: number, why: string) {
    super('PARTITION_PATH', `Cannot build the partition path from field "${field}" in row ${row}: ${why}`);
    this.field = field;
    this.row = row;
  }
}

/** A string that is not a Hudi instant time (yyyyMMddHHmmssSSS or yyyyMMddHHmmss). */
export class InvalidInstantTimeError extends LakeError {
  readonly instant: string;
  constructor(instant: string, why: string) {
    super(
      'INVALID_INSTANT_TIME',
      `"${instant}" is not a Hudi instant time: ${why}. Use 17 digits yyyyMMddHHmmssSSS (or 14 digits yyyyMMddHHmmss).`,
    );
    this.instant = instant;
  }
}

/** An Arrow type with no Avro/Spark equivalent, so it cannot be stored in a Hudi table as is. */
export class UnsupportedArrowTypeError extends LakeError {
  readonly column: string;
  constructor(column: string, type: string, advice: string) {
    super('UNSUPPORTED_ARROW_TYPE', `Column "${column}" has Arrow type ${type}, which Hudi tables cannot store: ${advice}`);
    this.column = column;
  }
}

/** An incoming write whose schema cannot be reconciled with the table's schema. */
export class SchemaMismatchError extends LakeError {
  readonly column: string;
  readonly tableType: string;
  readonly incomingType: string;
  constructor(column: string, tableType: string, incomingType: string, advice: string) {
    super(
      'SCHEMA_MISMATCH',
      `Column "${column}": the table has ${tableType} but the write has ${incomingType}. ${advice}`,
    );
    this.column = column;
    this.tableType = tableType;
    this.incomingType = incomingType;
  }
}

/** A row that cannot be encoded with its Avro schema. */
export class AvroEncodeError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AVRO_ENCODE', message, options);
  }
}

/** Bloom filter settings out of range (entries, false-positive rate, type). */
export class BloomFilterConfigError extends LakeError {
  constructor(message: string) {
    super('BLOOM_FILTER_CONFIG', `${message}. Use numEntries > 0, 0 < fpp < 1, maxEntries > 0 and type SIMPLE or DYNAMIC_V0.`);
  }
}

/** A table feature this library does not read yet (ORC or HFile base files, custom mergers). */
export class UnsupportedFeatureError extends LakeError {
  constructor(message: string) {
    super('UNSUPPORTED_FEATURE', message);
  }
}

/**
 * The table's base files are in a format lake has no reader for (Lance, written by Hudi 1.1 with
 * `hoodie.table.base.file.format=LANCE`, or ORC). Refused before any row is returned, so a read
 * never yields an empty or partial table.
 */
export class UnsupportedBaseFileFormatError extends LakeError {
  readonly format: string;
  constructor(format: string, where: string) {
    super(
      'UNSUPPORTED_BASE_FILE_FORMAT',
      `${where} holds ${format} base files, which lake cannot read (it reads Parquet base files only). ` +
        'Read this table with an engine that reads its base file format (Spark with Hudi), or rewrite it with Parquet base files.',
    );
    this.format = format;
  }
}

/**
 * A write or table service on a table whose version lake reads but does not write: lake writes
 * table version 6, and a commit in version 6 layout would corrupt a newer table's timeline.
 */
export class ReadOnlyTableVersionError extends LakeError {
  readonly version: number;
  constructor(operation: string, version: number) {
    super(
      'READ_ONLY_TABLE_VERSION',
      `Cannot ${operation}: this is a Hudi table version ${version} table, which lake reads but does not write (lake writes table version 6). ` +
        'Nothing was written. Write it with Spark or Flink with a matching Hudi release.',
    );
    this.version = version;
  }
}

/** A write that cannot proceed as asked (unsupported table kind, bad input, lost instant). */
export class InvalidWriteError extends LakeError {
  constructor(message: string) {
    super('INVALID_WRITE', message);
  }
}

/** An insert with `duplicates: 'fail'` met records whose key the table already holds; nothing was written. */
export class DuplicateRecordKeyError extends LakeError {
  /** The record keys already in the table (at most 100 of them). */
  readonly keys: string[];
  readonly count: number;
  constructor(keys: string[], count: number) {
    const shown = keys.slice(0, 5).map((k) => `"${k}"`).join(', ');
    super(
      'DUPLICATE_RECORD_KEY',
      `${count} record${count === 1 ? '' : 's'} of the insert ${count === 1 ? 'has a key' : 'have keys'} the table already holds (${shown}${count > 5 ? ', ...' : ''}); nothing was written. ` +
        "Upsert them to replace the stored records, or insert with duplicates: 'drop' to leave them out.",
    );
    this.keys = keys.slice(0, 100);
    this.count = count;
  }
}

/**
 * A timeline plan (rollback, clean) names a file outside the table, or not a data file of it.
 * Nothing is deleted; the plan was written for another table or is corrupt.
 */
export class PathOutsideTableError extends LakeError {
  readonly path: string;
  constructor(path: string, table: string, what: string) {
    super(
      'PATH_OUTSIDE_TABLE',
      `${what} names "${path}", which is not a data file of the table at ${table}; nothing was deleted. ` +
        'The plan belongs to another table or is corrupt: inspect it, and remove the pending instant by hand if it is not this table\'s.',
    );
    this.path = path;
  }
}

/** `createTable` found a table already at the location. */
export class TableExistsError extends LakeError {
  constructor(location: string) {
    super('TABLE_EXISTS', `A table already exists at ${location}. Open it with openTable, or choose another location.`);
  }
}

/** Time travel (or an incremental read) to an instant whose files a clean removed. */
export class InstantCleanedError extends LakeError {
  readonly instant: string;
  readonly earliestRetained: string;
  constructor(instant: string, earliestRetained: string, clean: string, detail?: { code: string; message: string }) {
    super(
      detail?.code ?? 'INSTANT_CLEANED',
      detail?.message ??
        `Instant ${instant} is older than what the table retains: clean ${clean} kept versions from ${earliestRetained} on and removed older files. ` +
          `Read as of ${earliestRetained} or later.`,
    );
    this.instant = instant;
    this.earliestRetained = earliestRetained;
  }
}

/** Time travel (or an incremental read) to an instant whose files an erasure purged. */
export class InstantErasedError extends InstantCleanedError {
  readonly requestId: string;
  constructor(instant: string, earliestRetained: string, clean: string, requestId: string) {
    super(instant, earliestRetained, clean, {
      code: 'INSTANT_ERASED',
      message:
        `Instant ${instant} is before erasure request "${requestId}", which purged the files holding the erased rows (clean ${clean}). ` +
        `Read as of ${earliestRetained} or later.`,
    });
    this.requestId = requestId;
  }
}

/**
 * `hoodie.properties` whose `hoodie.table.checksum` is wrong (or, for a write, missing), with no
 * valid `hoodie.properties.backup` to fall back on: the file was cut short or edited by hand.
 */
export class CorruptTableConfigError extends LakeError {
  readonly file: string;
  constructor(file: string, why: string) {
    super(
      'CORRUPT_TABLE_CONFIG',
      `${file} cannot be trusted: ${why}. Its settings (partition fields, record keys) may be incomplete, so nothing was written. ` +
        'Restore the file from a backup or a copy of the table, or rewrite it with every setting followed by ' +
        'hoodie.table.checksum (CRC32 of "<database>.<table name>", see tableChecksum), then retry.',
    );
    this.file = file;
  }
}

/**
 * A write or table service on a table with a metadata table: lake does not update Hudi's metadata
 * table, so readers that list through it would not see the change.
 */
export class MetadataTableEnabledError extends LakeError {
  readonly operation: string;
  readonly partitions: string[];
  constructor(operation: string, partitions: string[]) {
    super(
      'METADATA_TABLE_ENABLED',
      `Cannot ${operation}: the table has a Hudi metadata table (hoodie.table.metadata.partitions=${partitions.join(',')}), ` +
        'which lake does not maintain, so engines listing files through it would miss the change. Nothing was written. ' +
        'Reads work as usual. To write with lake, first disable the metadata table from Spark: write (or run a table ' +
        'service) once with hoodie.metadata.enable=false, which deletes .hoodie/metadata and clears the property.',
    );
    this.operation = operation;
    this.partitions = partitions;
  }
}

/** A record key lake refuses to store: it could not be read back or deleted as given, or it collides with another. */
export class InvalidRecordKeyError extends LakeError {
  readonly field: string;
  /** Row of the write (or position in the list of keys to delete). */
  readonly row: number;
  constructor(field: string, row: number, why: string) {
    super('INVALID_RECORD_KEY', `Record key ${field === '' ? '' : `field "${field}" `}at position ${row}: ${why}`);
    this.field = field;
    this.row = row;
  }
}

/**
 * A table service (compaction, erasure) or a rewrite of a file group met log blocks that cannot
 * be parsed and belong to completed writes: rewriting the slice would make the loss of their
 * records (updates, or deletes that would bring records back) permanent.
 */
export class CorruptLogBlockError extends LakeError {
  readonly files: string[];
  readonly blocks: number;
  constructor(operation: string, blocks: { path: string; offset: number; length: number }[], remedy: string) {
    const files = [...new Set(blocks.map((b) => b.path))];
    super(
      'CORRUPT_LOG_BLOCK',
      `${operation} refused: ${blocks.length} corrupt or truncated log block${blocks.length === 1 ? '' : 's'} of completed writes in ` +
        `${files.slice(0, 3).join(', ')}${files.length > 3 ? `, and ${files.length - 3} more` : ''} ` +
        `(first at byte ${blocks[0]?.offset ?? 0}). Their records cannot be read, and rewriting the file slice would lose them for good. ` +
        `Restore the log file${files.length === 1 ? '' : 's'} from a copy, or ${remedy}.`,
    );
    this.files = files;
    this.blocks = blocks.length;
  }
}

/** Archival settings Hudi would reject: keep.max must exceed keep.min, which must exceed what the cleaner retains. */
export class ArchiveConfigError extends LakeError {
  constructor(message: string) {
    super('INVALID_ARCHIVE_CONFIG', `Invalid archival settings: ${message}`);
  }
}

/**
 * A bucket-indexed table whose file groups do not match its buckets: writing by bucket could
 * then leave a record in two file groups, so nothing is written.
 */
export class BucketLayoutError extends LakeError {
  readonly partition: string;
  readonly fileId: string;
  constructor(partition: string, fileId: string, why: string) {
    super(
      'BUCKET_LAYOUT',
      `Bucket index: file group ${fileId} in partition "${partition === '' ? '(none)' : partition}" does not fit the table's buckets: ${why}. ` +
        'Nothing was written. The table was written with a different index or bucket count; rewrite it into a new bucket table ' +
        '(read it and write all rows to a table created with the bucket index), or remove the bucket settings from hoodie.properties.',
    );
    this.partition = partition;
    this.fileId = fileId;
  }
}

/** An HFile (a metadata table base file, or the content of an HFile log block) is malformed or truncated. */
export class HFileFormatError extends LakeError {
  readonly path?: string;
  /** What was wrong, without the path and the advice. */
  readonly detail: string;
  constructor(message: string, options?: { cause?: unknown; path?: string }) {
    super(
      'HFILE_FORMAT',
      `${options?.path ? `${options.path}: ` : ''}${message}. The HFile is damaged or was not written by Hudi; ` +
        'rebuild the metadata table with Hudi (or disable it and list files instead).',
      options,
    );
    this.path = options?.path;
    this.detail = message;
  }
}

/** The metadata table's records contradict its format (a missing or malformed `files` partition record). */
export class CorruptMetadataTableError extends LakeError {
  readonly path?: string;
  constructor(message: string, options?: { cause?: unknown; path?: string }) {
    super(
      'CORRUPT_METADATA_TABLE',
      `${options?.path ? `${options.path}: ` : ''}${message}. Rebuild the metadata table with Hudi, or read the table by listing its files.`,
      options,
    );
    this.path = options?.path;
  }
}

/**
 * The metadata table's column_stats partition, which a query or erasure search prunes files
 * with, cannot be read. Reading without the metadata table reads every file's footer instead.
 */
export class CorruptColumnStatsError extends LakeError {
  readonly path?: string;
  constructor(message: string, options?: { cause?: unknown; path?: string }) {
    super(
      'CORRUPT_COLUMN_STATS',
      `${options?.path ? `${options.path}: ` : ''}${message}. Read without the metadata table (\`--no-metadata-table\`, or useMetadataTable: false) to prune by file footers instead, and rebuild the metadata table with Hudi.`,
      options,
    );
    this.path = options?.path;
  }
}

/**
 * The metadata table's record_index partition, which a query looks record keys up in, cannot be
 * read. Reading without the metadata table finds the keys through file footers instead.
 */
export class CorruptRecordIndexError extends LakeError {
  readonly path?: string;
  constructor(message: string, options?: { cause?: unknown; path?: string }) {
    super(
      'CORRUPT_RECORD_INDEX',
      `${options?.path ? `${options.path}: ` : ''}${message}. Read without the metadata table (\`--no-metadata-table\`, or useMetadataTable: false) to find record keys through file footers instead, and rebuild the metadata table with Hudi.`,
      options,
    );
    this.path = options?.path;
  }
}

/** Why a read listed the table's folders although the table has a metadata table's `files` partition. */
export type MetadataTableFallbackReason = 'unsupported-version' | 'pending' | 'behind' | 'ahead' | 'unreadable';

/**
 * A warning, not thrown: the table's metadata table cannot serve its file listing (not ready,
 * out of step with the data table, or unreadable), so the read listed folders instead. Rows are
 * the same; only listing costs more requests.
 */
export class MetadataTableUnusableError extends LakeError {
  readonly reason: MetadataTableFallbackReason;
  constructor(reason: MetadataTableFallbackReason, detail: string, options?: { cause?: unknown }) {
    super(
      'METADATA_TABLE_UNUSABLE',
      `The metadata table was not used to list files (${reason}): ${detail}. The table's folders were listed instead, which gives the same rows ` +
        'with more LIST requests. Let Hudi bring the metadata table up to date (the next write or table service with hoodie.metadata.enable=true does), ' +
        'or open the table with useMetadataTable: false to skip it.',
      options,
    );
    this.reason = reason;
  }
}

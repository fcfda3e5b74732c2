// Typed errors of the table format: each names the file or value that was wrong and says what
// to do. All extend LakeError so callers can switch on the stable `code`.

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
  constructor(instant: string, conflictingInstant: string, fileGroups: string[]) {
    super(
      'WRITE_CONFLICT',
      `Write ${instant} conflicts with ${conflictingInstant}, which changed the same file groups first ` +
        `(${fileGroups.slice(0, 3).join(', ')}${fileGroups.length > 3 ? ', ...' : ''}). Nothing of ${instant} is visible; ` +
        'retry the write: it will see the other commit.',
    );
    this.instant = instant;
    this.conflictingInstant = conflictingInstant;
    this.fileGroups = fileGroups;
  }
}

// How a table opened for reading lists its files: the `openTable` options that turn listing
// through the metadata table off (`useMetadataTable: false`, or Hudi's `hoodie.metadata.enable`
// as a read option) and where warnings about an unusable metadata table go.

import { InvalidReadOptionError, type MetadataTableUnusableError } from '../errors.js';

/** Hudi's switch for using the metadata table, accepted as a read option. */
export const METADATA_ENABLE_KEY = 'hoodie.metadata.enable';

export interface TableReadOptions {
  /** List files through the metadata table when the table has a usable one (default true). */
  useMetadataTable?: boolean;
  /** Hudi read options; `hoodie.metadata.enable=false` is `useMetadataTable: false`. */
  readOptions?: Readonly<Record<string, string>>;
  /** Called when the table has a metadata table that a read could not use (it then listed folders). */
  onWarning?: (warning: MetadataTableUnusableError) => void;
}

export interface ReadSettings {
  useMetadataTable?: boolean;
  onWarning?: (warning: MetadataTableUnusableError) => void;
}

/** Resolves the options; `useMetadataTable` wins over `hoodie.metadata.enable` when both are given. */
export function readSettingsOf(options: TableReadOptions): ReadSettings {
  let use = options.useMetadataTable;
  const text = options.readOptions?.[METADATA_ENABLE_KEY]?.trim().toLowerCase();
  if (text !== undefined) {
    if (text !== 'true' && text !== 'false') throw new InvalidReadOptionError(`${METADATA_ENABLE_KEY} must be true or false, not "${options.readOptions?.[METADATA_ENABLE_KEY]}"`);
    use ??= text === 'true';
  }
  return { ...(use !== undefined && { useMetadataTable: use }), ...(options.onWarning && { onWarning: options.onWarning }) };
}

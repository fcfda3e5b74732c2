// What every write and data-changing table service checks before touching storage: that the table
// table version is one lake writes, its config is complete, and that no Hudi metadata table would
// be left out of date by the change.

import type { TableConfig } from '../config/table-config.js';
import { CorruptTableConfigError, MetadataTableEnabledError, ReadOnlyTableVersionError } from '../errors.js';
import { HOODIE_PROPERTIES } from './load-config.js';

/**
 * Throws unless lake may change the table's data. Hudi writes the checksum as the last line of
 * hoodie.properties and, before changing a table, treats a file without one as cut short; a
 * truncated file can lose the partition fields and send rows to the wrong folders. Tables with a
 * metadata table are refused because lake does not update it, and readers that list through the
 * metadata table would not see lake's commits. Tables of version 8 and 9 (Hudi 1.x) are read
 * only: their timeline layout, completion times and log file naming differ from what lake writes.
 */
export function assertWritable(config: TableConfig, operation: string): void {
  if (config.version >= 8) throw new ReadOnlyTableVersionError(operation, config.version);
  if (config.checksum === undefined) {
    throw new CorruptTableConfigError(
      HOODIE_PROPERTIES,
      'it has no hoodie.table.checksum line, which Hudi always writes last, so the file may have been cut short and there is no valid hoodie.properties.backup',
    );
  }
  if (config.metadataPartitions.length > 0) throw new MetadataTableEnabledError(operation, config.metadataPartitions);
}

// Which base file formats table reads accept. A Hudi 1.1 table may keep its base files in Lance
// (`hoodie.table.base.file.format=LANCE`), which has no JavaScript reader; reading such a table
// must fail up front rather than yield no rows for files the reader cannot open.

import type { TableConfig } from '../config/table-config.js';
import { UnsupportedBaseFileFormatError } from '../errors.js';

/** Display names of the base file formats Hudi knows, by `hoodie.table.base.file.format` value. */
const FORMAT_NAMES: Record<string, string> = { PARQUET: 'Parquet', ORC: 'ORC', HFILE: 'HFile', LANCE: 'Lance' };

/** Throws UnsupportedBaseFileFormatError unless the table's base files are Parquet. */
export function assertReadableBaseFormat(config: TableConfig): void {
  if (config.baseFileFormat === 'PARQUET') return;
  const name = FORMAT_NAMES[config.baseFileFormat] ?? config.baseFileFormat;
  throw new UnsupportedBaseFileFormatError(name, `Table ${config.name} (hoodie.table.base.file.format=${config.baseFileFormat})`);
}

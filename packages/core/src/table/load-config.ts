// Reading `.hoodie/hoodie.properties` as Hudi does: the file is trusted only when its checksum
// line proves it was written to the end; otherwise the backup Hudi keeps while rewriting the file
// (`hoodie.properties.backup`) is used, and without a valid backup the table is refused.

import { NotFoundError, type ObjectStore } from '@lake/storage';

import { checkTableChecksum, type ChecksumStatus } from '../config/checksum.js';
import { parseProperties } from '../config/properties.js';
import { tableConfigFromProperties, TableProps, type TableConfig } from '../config/table-config.js';
import { CorruptTableConfigError, TableNotFoundError } from '../errors.js';
import { HOODIE_PROPERTIES, HOODIE_PROPERTIES_BACKUP } from '../commit/paths.js';

export { HOODIE_PROPERTIES, HOODIE_PROPERTIES_BACKUP };

/** Wait before reading hoodie.properties again when the first read had no valid checksum. */
const REREAD_DELAY_MS = 50;

interface ConfigFile {
  path: string;
  props: Map<string, string>;
  status: ChecksumStatus;
}

async function readConfigFile(store: ObjectStore, path: string): Promise<ConfigFile | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(path);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
  const props = parseProperties(new TextDecoder().decode(bytes));
  return { path, props, status: checkTableChecksum(props) };
}

/**
 * The table config of the table in `store`. Throws TableNotFoundError when neither the file nor
 * its backup exists, and CorruptTableConfigError when the checksum of the file in use is wrong.
 * A file without any checksum line is accepted for reading, as Hudi's readers accept it (tables
 * written before the checksum existed); writes refuse such a table (see assertWritable).
 */
export async function loadTableConfig(store: ObjectStore): Promise<TableConfig> {
  let primary = await readConfigFile(store, HOODIE_PROPERTIES);
  if (primary?.status === 'valid') return tableConfigFromProperties(primary.props);
  if (primary) {
    // A read racing a rewrite of the file (the first write records the create schema) can come
    // back cut short where the store's writes are not atomic (some S3-protocol servers): read it
    // once more before doubting it.
    await new Promise((resolve) => setTimeout(resolve, REREAD_DELAY_MS));
    primary = (await readConfigFile(store, HOODIE_PROPERTIES)) ?? primary;
    if (primary.status === 'valid') return tableConfigFromProperties(primary.props);
  }
  // Missing or unproven: Hudi deletes the file while rewriting it, readers use the backup meanwhile.
  const backup = await readConfigFile(store, HOODIE_PROPERTIES_BACKUP);
  if (backup?.status === 'valid') return tableConfigFromProperties(backup.props);
  const usable = [primary, backup].find((f): f is ConfigFile => f !== undefined && f.status === 'missing');
  if (usable) return tableConfigFromProperties(usable.props);
  const bad = primary ?? backup;
  if (!bad) throw new TableNotFoundError(store.uri);
  throw new CorruptTableConfigError(
    bad.path,
    `${TableProps.checksum}=${bad.props.get(TableProps.checksum) ?? ''} does not match the table name ` +
      `"${bad.props.get(TableProps.name) ?? '(missing)'}"${backup ? ', and the backup is not valid either' : ', and there is no hoodie.properties.backup'}`,
  );
}

// The typed view of `.hoodie/hoodie.properties`: what a reader or writer needs to know about a
// table (type, version, keys, partitioning, ordering, merge mode), with the raw map kept intact
// so keys this library does not model survive a rewrite.

import { InvalidTableConfigError, UnsupportedTableVersionError } from '../errors.js';
import { tableChecksum } from './checksum.js';
import { formatProperties, parseProperties } from './properties.js';
import { timelineFolder } from '../commit/paths.js';

export type TableType = 'COPY_ON_WRITE' | 'MERGE_ON_READ';
export type RecordMergeMode = 'EVENT_TIME_ORDERING' | 'COMMIT_TIME_ORDERING' | 'CUSTOM';
export type TimelineTimezone = 'UTC' | 'LOCAL';

/** Table versions this library reads: 5 and 6 (Hudi 0.12-0.15, timeline layout 1), 8 and 9 (Hudi 1.0 and 1.1, layout 2). */
export const SUPPORTED_TABLE_VERSIONS: readonly number[] = [5, 6, 8, 9];

/** Property keys, with Hudi's names. */
export const TableProps = {
  name: 'hoodie.table.name',
  database: 'hoodie.database.name',
  type: 'hoodie.table.type',
  version: 'hoodie.table.version',
  initialVersion: 'hoodie.table.initial.version',
  timelineLayoutVersion: 'hoodie.timeline.layout.version',
  timelinePath: 'hoodie.timeline.path',
  timelineHistoryPath: 'hoodie.timeline.history.path',
  timelineTimezone: 'hoodie.table.timeline.timezone',
  archiveLogFolder: 'hoodie.archivelog.folder',
  recordKeyFields: 'hoodie.table.recordkey.fields',
  partitionFields: 'hoodie.table.partition.fields',
  precombineField: 'hoodie.table.precombine.field',
  orderingFields: 'hoodie.table.ordering.fields',
  hiveStylePartitioning: 'hoodie.datasource.write.hive_style_partitioning',
  urlEncodePartitioning: 'hoodie.datasource.write.partitionpath.urlencode',
  dropPartitionColumns: 'hoodie.datasource.write.drop.partition.columns',
  populateMetaFields: 'hoodie.populate.meta.fields',
  keyGeneratorClass: 'hoodie.table.keygenerator.class',
  keyGeneratorType: 'hoodie.table.keygenerator.type',
  baseFileFormat: 'hoodie.table.base.file.format',
  logFileFormat: 'hoodie.table.log.file.format',
  payloadClass: 'hoodie.compaction.payload.class',
  legacyPayloadClass: 'hoodie.table.legacy.payload.class',
  mergeStrategyV6: 'hoodie.compaction.record.merger.strategy',
  mergeStrategy: 'hoodie.record.merge.strategy.id',
  mergeMode: 'hoodie.record.merge.mode',
  createSchema: 'hoodie.table.create.schema',
  checksum: 'hoodie.table.checksum',
  metadataPartitions: 'hoodie.table.metadata.partitions',
} as const;

/** Merge strategy ids Hudi assigns to the built-in merge modes. */
export const MERGE_STRATEGY_IDS = {
  EVENT_TIME_ORDERING: 'eeb8d96f-b1e4-49fd-bbf8-28ac514178e5',
  COMMIT_TIME_ORDERING: 'ce9acb64-bde0-424c-9b91-f6ebba25356d',
  PAYLOAD_BASED: '00000000-0000-0000-0000-000000000000',
} as const;

export interface PartitionField {
  name: string;
  /** Key generator partition type from a v8 `field:type` entry (e.g. `simple`, `timestamp`). */
  keyGenType?: string;
}

export interface TableConfig {
  name: string;
  databaseName?: string;
  type: TableType;
  version: number;
  initialVersion?: number;
  /** 1 for table versions up to 7, 2 from 8 on. */
  timelineLayoutVersion: number;
  /** Folder holding active instants, relative to the table root: `.hoodie` or `.hoodie/timeline`. */
  timelineDir: string;
  timelineTimezone: TimelineTimezone;
  recordKeyFields: string[];
  partitionFields: PartitionField[];
  /** Precombine / ordering fields; empty when the table has none. */
  orderingFields: string[];
  hiveStylePartitioning: boolean;
  urlEncodePartitioning: boolean;
  dropPartitionColumns: boolean;
  populateMetaFields: boolean;
  keyGeneratorClass?: string;
  keyGeneratorType?: string;
  baseFileFormat: string;
  logFileFormat: string;
  payloadClass?: string;
  mergeStrategyId?: string;
  /** Merge mode as Hudi infers it from the merge mode, payload class and strategy keys. */
  recordMergeMode: RecordMergeMode;
  /** Avro schema JSON the table was created with, if recorded. */
  createSchema?: string;
  checksum?: string;
  metadataPartitions: string[];
  /** Every property as read, including keys this type does not model. */
  raw: ReadonlyMap<string, string>;
}

function bool(raw: ReadonlyMap<string, string>, key: string, fallback: boolean): boolean {
  const v = raw.get(key);
  if (v === undefined || v.trim() === '') return fallback;
  return v.trim().toLowerCase() === 'true';
}

function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function int(raw: ReadonlyMap<string, string>, key: string): number | undefined {
  const v = raw.get(key);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.trim());
  if (!Number.isInteger(n)) throw new InvalidTableConfigError(`${key}=${v} is not an integer`);
  return n;
}

function inferMergeModeFromPayload(payloadClass: string | undefined): RecordMergeMode | undefined {
  if (!payloadClass) return undefined;
  const simple = payloadClass.slice(payloadClass.lastIndexOf('.') + 1);
  if (simple === 'DefaultHoodieRecordPayload' || simple === 'EventTimeAvroPayload') return 'EVENT_TIME_ORDERING';
  if (simple === 'OverwriteWithLatestAvroPayload') return 'COMMIT_TIME_ORDERING';
  return 'CUSTOM';
}

function inferMergeModeFromStrategy(strategyId: string | undefined): RecordMergeMode | undefined {
  if (!strategyId) return undefined;
  if (strategyId === MERGE_STRATEGY_IDS.EVENT_TIME_ORDERING) return 'EVENT_TIME_ORDERING';
  if (strategyId === MERGE_STRATEGY_IDS.COMMIT_TIME_ORDERING) return 'COMMIT_TIME_ORDERING';
  return 'CUSTOM';
}

/**
 * Hudi's inference for tables up to version 8: an explicit mode when nothing else is set,
 * otherwise the payload class (v<8) or the strategy id (v8) decides; with nothing at all, an
 * ordering field means event-time ordering. From version 9 (Hudi 1.1) `hoodie.record.merge.mode`
 * is what the table says, and a payload class stays only as `hoodie.table.legacy.payload.class`
 * for engines that still need one, so an explicit mode wins.
 */
function resolveMergeMode(
  version: number,
  explicit: string | undefined,
  payloadClass: string | undefined,
  strategyId: string | undefined,
  orderingFields: string[],
): RecordMergeMode {
  const mode = explicit?.trim().toUpperCase();
  const explicitMode =
    mode === 'EVENT_TIME_ORDERING' || mode === 'COMMIT_TIME_ORDERING' || mode === 'CUSTOM' ? mode : undefined;
  if (explicitMode && version >= 9) return explicitMode;
  if (!payloadClass && !strategyId) {
    return explicitMode ?? (orderingFields.length > 0 ? 'EVENT_TIME_ORDERING' : 'COMMIT_TIME_ORDERING');
  }
  const byPayload = inferMergeModeFromPayload(payloadClass);
  const byStrategy = inferMergeModeFromStrategy(strategyId);
  const inferred = version >= 8 ? (byStrategy ?? byPayload) : (byPayload ?? byStrategy);
  return inferred ?? explicitMode ?? 'COMMIT_TIME_ORDERING';
}

/** Builds the typed config from parsed properties; throws on a missing name or unsupported version. */
export function tableConfigFromProperties(raw: ReadonlyMap<string, string>): TableConfig {
  const name = raw.get(TableProps.name)?.trim();
  if (!name) throw new InvalidTableConfigError(`${TableProps.name} is missing`);
  const versionText = raw.get(TableProps.version)?.trim();
  // Hudi treats a missing version as the oldest (0), which this library cannot read either.
  const version = versionText === undefined || versionText === '' ? 0 : Number(versionText);
  if (!Number.isInteger(version) || !SUPPORTED_TABLE_VERSIONS.includes(version)) {
    throw new UnsupportedTableVersionError(versionText ?? 'missing', SUPPORTED_TABLE_VERSIONS);
  }
  const typeText = (raw.get(TableProps.type) ?? 'COPY_ON_WRITE').trim().toUpperCase();
  if (typeText !== 'COPY_ON_WRITE' && typeText !== 'MERGE_ON_READ') {
    throw new InvalidTableConfigError(`${TableProps.type}=${typeText} is neither COPY_ON_WRITE nor MERGE_ON_READ`);
  }
  const layout = int(raw, TableProps.timelineLayoutVersion) ?? (version >= 8 ? 2 : 1);
  const timelinePath = raw.get(TableProps.timelinePath)?.trim() || 'timeline';
  const orderingFields = list(raw.get(TableProps.orderingFields) ?? raw.get(TableProps.precombineField));
  const payloadClass = raw.get(TableProps.payloadClass)?.trim() || raw.get(TableProps.legacyPayloadClass)?.trim() || undefined;
  const mergeStrategyId =
    (version >= 8 ? raw.get(TableProps.mergeStrategy) : raw.get(TableProps.mergeStrategyV6))?.trim() || undefined;
  const tz = (raw.get(TableProps.timelineTimezone) ?? 'LOCAL').trim().toUpperCase();
  return {
    name,
    databaseName: raw.get(TableProps.database)?.trim() || undefined,
    type: typeText,
    version,
    initialVersion: int(raw, TableProps.initialVersion),
    timelineLayoutVersion: layout,
    timelineDir: timelineFolder(layout, timelinePath),
    timelineTimezone: tz === 'UTC' ? 'UTC' : 'LOCAL',
    recordKeyFields: list(raw.get(TableProps.recordKeyFields)),
    partitionFields: list(raw.get(TableProps.partitionFields)).map((entry) => {
      const colon = entry.indexOf(':');
      return colon === -1 ? { name: entry } : { name: entry.slice(0, colon), keyGenType: entry.slice(colon + 1) };
    }),
    orderingFields,
    hiveStylePartitioning: bool(raw, TableProps.hiveStylePartitioning, false),
    urlEncodePartitioning: bool(raw, TableProps.urlEncodePartitioning, false),
    dropPartitionColumns: bool(raw, TableProps.dropPartitionColumns, false),
    populateMetaFields: bool(raw, TableProps.populateMetaFields, true),
    keyGeneratorClass: raw.get(TableProps.keyGeneratorClass)?.trim() || undefined,
    keyGeneratorType: raw.get(TableProps.keyGeneratorType)?.trim() || undefined,
    baseFileFormat: (raw.get(TableProps.baseFileFormat) ?? 'PARQUET').trim().toUpperCase(),
    logFileFormat: (raw.get(TableProps.logFileFormat) ?? 'HOODIE_LOG').trim().toUpperCase(),
    payloadClass,
    mergeStrategyId,
    recordMergeMode: resolveMergeMode(version, raw.get(TableProps.mergeMode), payloadClass, mergeStrategyId, orderingFields),
    createSchema: raw.get(TableProps.createSchema) || undefined,
    checksum: raw.get(TableProps.checksum)?.trim() || undefined,
    metadataPartitions: list(raw.get(TableProps.metadataPartitions)),
    raw,
  };
}

/** Parses `hoodie.properties` text into a TableConfig. */
export function parseTableConfig(text: string): TableConfig {
  return tableConfigFromProperties(parseProperties(text));
}

/** Whether the stored checksum matches the one Hudi would compute (true when none is stored). */
export function checksumMatches(config: TableConfig): boolean {
  return config.checksum === undefined || config.checksum === tableChecksum(config.name, config.databaseName);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date#toString in UTC, the second comment line Properties.store writes. */
function javaDateString(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(
    d.getUTCMinutes(),
  )}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * Formats properties as Hudi stores `hoodie.properties`: the two comment lines, every entry, and
 * `hoodie.table.checksum` recomputed from the table and database names.
 */
export function formatTableProperties(props: ReadonlyMap<string, string>, savedAt: Date): string {
  const name = props.get(TableProps.name);
  if (!name) throw new InvalidTableConfigError(`${TableProps.name} must be set before saving hoodie.properties`);
  const entries = [...props.entries()].filter(([k]) => k !== TableProps.checksum);
  entries.push([TableProps.checksum, tableChecksum(name, props.get(TableProps.database) ?? '')]);
  return formatProperties(entries, [`Properties saved on ${savedAt.toISOString()}`, javaDateString(savedAt)]);
}

export interface NewTableOptions {
  name: string;
  databaseName?: string;
  type: TableType;
  recordKeyFields: string[];
  partitionFields?: string[];
  orderingFields?: string[];
  hiveStylePartitioning?: boolean;
  urlEncodePartitioning?: boolean;
  populateMetaFields?: boolean;
  keyGeneratorClass?: string;
  payloadClass?: string;
  createSchema?: string;
  /** Extra properties, written as given. */
  extra?: Record<string, string>;
}

/** The properties of a new table version 6 (timeline layout 1), as Hudi 0.14/0.15 writes them. */
export function newTableProperties(options: NewTableOptions): Map<string, string> {
  const p = new Map<string, string>();
  p.set(TableProps.name, options.name);
  p.set(TableProps.type, options.type);
  p.set(TableProps.version, '6');
  p.set(TableProps.timelineLayoutVersion, '1');
  p.set(TableProps.archiveLogFolder, 'archived');
  p.set(TableProps.recordKeyFields, options.recordKeyFields.join(','));
  if (options.partitionFields && options.partitionFields.length > 0) {
    p.set(TableProps.partitionFields, options.partitionFields.join(','));
  }
  if (options.orderingFields && options.orderingFields.length > 0) {
    p.set(TableProps.precombineField, options.orderingFields.join(','));
  }
  p.set(TableProps.hiveStylePartitioning, String(options.hiveStylePartitioning ?? false));
  p.set(TableProps.urlEncodePartitioning, String(options.urlEncodePartitioning ?? false));
  p.set(TableProps.dropPartitionColumns, 'false');
  if (options.populateMetaFields === false) p.set(TableProps.populateMetaFields, 'false');
  if (options.keyGeneratorClass) p.set(TableProps.keyGeneratorClass, options.keyGeneratorClass);
  if (options.payloadClass) p.set(TableProps.payloadClass, options.payloadClass);
  if (options.databaseName) p.set(TableProps.database, options.databaseName);
  if (options.createSchema) p.set(TableProps.createSchema, options.createSchema);
  for (const [k, v] of Object.entries(options.extra ?? {})) p.set(k, v);
  return p;
}

// Sync settings under Hudi's own keys, so a table (or a writer's options) set up for Hudi's Glue
// sync syncs the same way when lake writes it.

import { GlueSyncConfigError } from './errors.js';

/** Hudi's names for the settings lake reads. */
export const MetaSyncProps = {
  enable: 'hoodie.datasource.meta.sync.enable',
  toolClasses: 'hoodie.meta.sync.client.tool.class',
  database: 'hoodie.datasource.hive_sync.database',
  table: 'hoodie.datasource.hive_sync.table',
  skipRoSuffix: 'hoodie.datasource.hive_sync.skip_ro_suffix',
  supportTimestamp: 'hoodie.datasource.hive_sync.support_timestamp',
  schemaLengthThreshold: 'hoodie.datasource.hive_sync.schema_string_length_thresh',
  autoCreateDatabase: 'hoodie.datasource.hive_sync.auto_create_database',
  region: 'hoodie.aws.glue.region',
  endpoint: 'hoodie.aws.glue.endpoint',
} as const;

export const GLUE_SYNC_TOOL_CLASS = 'org.apache.hudi.aws.sync.AwsGlueCatalogSyncTool';

export interface GlueCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface GlueSyncOptions {
  /** Glue database; created when missing unless `autoCreateDatabase` is false. */
  database: string;
  /** Catalog table name (default: the table's name). Merge-on-read tables get `_ro` and `_rt` tables. */
  table?: string;
  /** Defaults to AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  region?: string;
  /** Glue endpoint; defaults to AWS_ENDPOINT_URL_GLUE, then AWS_ENDPOINT_URL, then AWS. */
  endpoint?: string;
  /** Static credentials; otherwise the SDK's default chain (environment, profile, instance role). */
  credentials?: GlueCredentials;
  /** Merge-on-read: name the read-optimized table without the `_ro` suffix. */
  skipRoSuffix?: boolean;
  /** Timestamp columns as Hive `timestamp` instead of `bigint`. */
  supportTimestamp?: boolean;
  /** Longest piece of the Spark schema JSON per table parameter (default 4000). */
  schemaLengthThreshold?: number;
  /** Create the database when it does not exist (default true). */
  autoCreateDatabase?: boolean;
  /** Attempts per Glue call, first included; throttling and 5xx are retried with backoff. Default 5. */
  maxAttempts?: number;
}

function bool(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.trim().toLowerCase() === 'true';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The Glue sync a set of Hudi properties asks for after each commit, or undefined when meta sync
 * is off or syncs only to other catalogs.
 */
export function glueSyncFromProperties(props: ReadonlyMap<string, string>): GlueSyncOptions | undefined {
  if (bool(props.get(MetaSyncProps.enable)) !== true) return undefined;
  const tools = (props.get(MetaSyncProps.toolClasses) ?? '').split(',').map((s) => s.trim());
  if (!tools.includes(GLUE_SYNC_TOOL_CLASS)) return undefined;
  const database = nonEmpty(props.get(MetaSyncProps.database)) ?? 'default';
  const out: GlueSyncOptions = { database };
  const table = nonEmpty(props.get(MetaSyncProps.table));
  if (table) out.table = table;
  const region = nonEmpty(props.get(MetaSyncProps.region));
  if (region) out.region = region;
  const endpoint = nonEmpty(props.get(MetaSyncProps.endpoint));
  if (endpoint) out.endpoint = endpoint;
  const skip = bool(props.get(MetaSyncProps.skipRoSuffix));
  if (skip !== undefined) out.skipRoSuffix = skip;
  const ts = bool(props.get(MetaSyncProps.supportTimestamp));
  if (ts !== undefined) out.supportTimestamp = ts;
  const auto = bool(props.get(MetaSyncProps.autoCreateDatabase));
  if (auto !== undefined) out.autoCreateDatabase = auto;
  const thresh = nonEmpty(props.get(MetaSyncProps.schemaLengthThreshold));
  if (thresh) {
    const n = Number(thresh);
    if (!Number.isSafeInteger(n) || n < 1) throw new GlueSyncConfigError(`${MetaSyncProps.schemaLengthThreshold}=${thresh} is not a whole number >= 1`);
    out.schemaLengthThreshold = n;
  }
  return out;
}

/** The Hudi properties that make every commit sync to Glue with these settings. */
export function glueSyncProperties(options: Pick<GlueSyncOptions, 'database' | 'table' | 'region' | 'endpoint'>): Record<string, string> {
  const out: Record<string, string> = {
    [MetaSyncProps.enable]: 'true',
    [MetaSyncProps.toolClasses]: GLUE_SYNC_TOOL_CLASS,
    [MetaSyncProps.database]: options.database,
  };
  if (options.table) out[MetaSyncProps.table] = options.table;
  if (options.region) out[MetaSyncProps.region] = options.region;
  if (options.endpoint) out[MetaSyncProps.endpoint] = options.endpoint;
  return out;
}

/** Glue keeps database and table names in lower case; names must be non-empty single lines. */
export function catalogName(kind: 'database' | 'table', name: string): string {
  const n = name.trim().toLowerCase();
  if (n === '' || n.length > 255 || /[\r\n]/.test(n)) throw new GlueSyncConfigError(`the Glue ${kind} name "${name}" is not valid: use 1 to 255 characters on one line`);
  return n;
}

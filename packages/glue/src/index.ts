// @lake/glue public API: keep the AWS Glue Data Catalog (and so Athena) in step with a lake
// table, as Hudi's AwsGlueCatalogSyncTool does. The AWS SDK loads only when a sync runs.

export { syncToGlue, type GlueSyncResult, type TableSyncResult } from './sync.js';
export { glueSyncAfterCommit, tableGlueSync } from './after-commit.js';
export {
  MetaSyncProps,
  GLUE_SYNC_TOOL_CLASS,
  glueSyncFromProperties,
  glueSyncProperties,
  type GlueSyncOptions,
  type GlueCredentials,
} from './sync-config.js';
export {
  catalogTables,
  sparkTableParameters,
  HOODIE_INPUT_FORMAT,
  HOODIE_REALTIME_INPUT_FORMAT,
  PARQUET_OUTPUT_FORMAT,
  PARQUET_SERDE,
  LAST_COMMIT_TIME_SYNC,
  LAST_COMMIT_COMPLETION_TIME_SYNC,
  type CatalogTable,
} from './table-input.js';
export { hiveType, sparkSchemaJson, type HiveTypeOptions } from './hive-types.js';
export { partitionValuesOf } from './partition-changes.js';
export { GlueSyncConfigError, GlueAccessDeniedError, GlueTableConflictError, GlueSyncError } from './errors.js';

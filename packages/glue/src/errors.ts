// Typed errors of the Glue catalog sync. Each says what went wrong in the catalog and what to do;
// none of them means the table's data changed: a sync only ever writes to the catalog.

import { LakeError } from '@lake/storage';

/** The sync settings are missing or contradict each other. */
export class GlueSyncConfigError extends LakeError {
  constructor(message: string) {
    super('GLUE_SYNC_CONFIG', `Glue sync is misconfigured: ${message}`);
  }
}

/** The caller's AWS identity may not call a Glue operation the sync needs. */
export class GlueAccessDeniedError extends LakeError {
  /** The IAM action that was denied, e.g. `glue:CreateTable`. */
  readonly permission: string;
  constructor(operation: string, resource: string, detail: string | undefined, options?: { cause?: unknown }) {
    super(
      'GLUE_ACCESS_DENIED',
      `Glue denied ${operation} on ${resource}${detail ? ` (${detail})` : ''}. Grant the IAM permission glue:${operation} ` +
        'on the catalog, the database and the table (and Lake Formation permissions where it governs the database), then run the sync again.',
      options,
    );
    this.permission = `glue:${operation}`;
  }
}

/**
 * A catalog table of that name exists but describes other data (another location) or another
 * format: the sync refuses to repoint it, since queries against it would read the wrong files.
 */
export class GlueTableConflictError extends LakeError {
  readonly table: string;
  constructor(table: string, what: string) {
    super(
      'GLUE_TABLE_CONFLICT',
      `The Glue table ${table} already exists and ${what}. lake will not repoint it. Sync under another name ` +
        '(--glue-table / hoodie.datasource.hive_sync.table), or drop that table in Glue if it is stale, then sync again.',
    );
    this.table = table;
  }
}

/** A Glue call failed for another reason (after the SDK's retries), or returned per-item errors. */
export class GlueSyncError extends LakeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      'GLUE_SYNC_FAILED',
      `${message}. The table's data is unaffected and the catalog keeps its previous sync point; run \`lake sync\` again to finish.`,
      options,
    );
  }
}

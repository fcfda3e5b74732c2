// The Avro schema of Hudi's archived timeline records (org.apache.hudi.avro.model.
// HoodieArchivedMetaEntry as Hudi 0.14/0.15 write it): one record per archived instant file,
// carrying that file's metadata in the field of its action. Readers resolve it against their
// own copy of the schema, so the field names, order and defaults follow Hudi's.

import {
  CLEAN_METADATA_SCHEMA,
  CLEANER_PLAN_SCHEMA,
  COMPACTION_PLAN_SCHEMA,
  REQUESTED_REPLACE_SCHEMA,
  ROLLBACK_METADATA_SCHEMA,
} from './plan-schemas.js';

const ns = 'org.apache.hudi.avro.model';
const optionalString = ['null', 'string'];
const optionalLong = ['null', 'long'];
const stringMap = ['null', { type: 'map', values: 'string' }];

/** Fields of HoodieWriteStat, in Hudi's order; all optional. */
export const WRITE_STAT_FIELDS = [
  ['fileId', 'string'],
  ['path', 'string'],
  ['prevCommit', 'string'],
  ['prevFilePathOverwritten', 'string'],
  ['numWrites', 'long'],
  ['numDeletes', 'long'],
  ['numUpdateWrites', 'long'],
  ['totalWriteBytes', 'long'],
  ['totalWriteErrors', 'long'],
  ['partitionPath', 'string'],
  ['totalLogRecords', 'long'],
  ['totalLogFiles', 'long'],
  ['totalUpdatedRecordsCompacted', 'long'],
  ['numInserts', 'long'],
  ['totalLogBlocks', 'long'],
  ['totalCorruptLogBlock', 'long'],
  ['totalRollbackBlocks', 'long'],
  ['fileSizeInBytes', 'long'],
] as const;

const writeStat = {
  name: 'HoodieWriteStat',
  type: 'record',
  fields: WRITE_STAT_FIELDS.map(([name, t]) => ({ name, type: t === 'long' ? optionalLong : optionalString, default: null })),
};

const statsByPartition = ['null', { type: 'map', values: { type: 'array', items: writeStat } }];

/** HoodieCommitMetadata in its Avro form (the archive's; the active timeline keeps JSON). */
const AVRO_COMMIT_METADATA_SCHEMA = {
  namespace: ns,
  type: 'record',
  name: 'HoodieCommitMetadata',
  fields: [
    { name: 'partitionToWriteStats', type: statsByPartition, default: null },
    { name: 'extraMetadata', type: stringMap, default: null },
    { name: 'version', type: ['int', 'null'], default: 1 },
    { name: 'operationType', type: optionalString, default: null },
  ],
};

/** HoodieReplaceCommitMetadata: commit metadata plus the file groups the commit replaced. */
const AVRO_REPLACE_COMMIT_METADATA_SCHEMA = {
  namespace: ns,
  type: 'record',
  name: 'HoodieReplaceCommitMetadata',
  fields: [
    ...AVRO_COMMIT_METADATA_SCHEMA.fields,
    { name: 'partitionToReplaceFileIds', type: ['null', { type: 'map', values: { type: 'array', items: 'string' } }], default: null },
  ],
};

const savepointMetadata = {
  namespace: ns,
  type: 'record',
  name: 'HoodieSavepointMetadata',
  fields: [
    { name: 'savepointedBy', type: 'string' },
    { name: 'savepointedAt', type: 'long' },
    { name: 'comments', type: 'string' },
    {
      name: 'partitionMetadata',
      type: {
        type: 'map',
        values: {
          type: 'record',
          name: 'HoodieSavepointPartitionMetadata',
          fields: [
            { name: 'partitionPath', type: 'string' },
            { name: 'savepointDataFile', type: { type: 'array', items: 'string' } },
          ],
        },
      },
    },
  ],
};

// Deprecated in Hudi and never written, but part of the record's shape.
const compactionMetadata = {
  namespace: ns,
  type: 'record',
  name: 'HoodieCompactionMetadata',
  fields: [
    {
      name: 'partitionToCompactionWriteStats',
      type: [
        'null',
        {
          type: 'map',
          values: {
            type: 'array',
            items: {
              name: 'HoodieCompactionWriteStat',
              type: 'record',
              fields: [
                { name: 'partitionPath', type: optionalString },
                { name: 'totalLogRecords', type: optionalLong },
                { name: 'totalLogFiles', type: optionalLong },
                { name: 'totalUpdatedRecordsCompacted', type: optionalLong },
                { name: 'hoodieWriteStat', type: ['null', 'HoodieWriteStat'] },
              ],
            },
          },
        },
      ],
    },
  ],
};

const optional = (name: string, type: unknown) => ({ name, type: ['null', type], default: null });

/** The record type of archive log blocks, named types defined once (Avro forbids redefinition). */
export const ARCHIVED_META_ENTRY_SCHEMA = defineNamesOnce({
  type: 'record',
  name: 'HoodieArchivedMetaEntry',
  namespace: ns,
  fields: [
    optional('hoodieCommitMetadata', AVRO_COMMIT_METADATA_SCHEMA),
    optional('hoodieCleanMetadata', CLEAN_METADATA_SCHEMA),
    optional('hoodieCompactionMetadata', compactionMetadata),
    optional('hoodieRollbackMetadata', ROLLBACK_METADATA_SCHEMA),
    optional('hoodieSavePointMetadata', savepointMetadata),
    { name: 'commitTime', type: optionalString, default: null },
    { name: 'actionType', type: optionalString, default: null },
    { name: 'version', type: ['int', 'null'], default: 1 },
    optional('hoodieCompactionPlan', COMPACTION_PLAN_SCHEMA),
    optional('hoodieCleanerPlan', CLEANER_PLAN_SCHEMA),
    { name: 'actionState', type: optionalString, default: null },
    optional('hoodieReplaceCommitMetadata', AVRO_REPLACE_COMMIT_METADATA_SCHEMA),
    optional('hoodieRequestedReplaceMetadata', REQUESTED_REPLACE_SCHEMA),
    optional('HoodieInflightReplaceMetadata', 'HoodieCommitMetadata'),
  ],
});

type Json = unknown;

/**
 * Rewrites a schema so every named type (record, enum, fixed) is defined at its first
 * occurrence and referenced by full name after that: the shared pieces (HoodieWriteStat, the
 * clean partition metadata) appear in several nested schemas.
 */
function defineNamesOnce(schema: Json): Record<string, unknown> {
  const seen = new Set<string>();
  const walk = (s: Json, namespace: string | undefined): Json => {
    if (Array.isArray(s)) return s.map((b) => walk(b, namespace));
    if (s === null || typeof s !== 'object') return s;
    const o = s as Record<string, unknown>;
    if (o.type === 'record' || o.type === 'enum' || o.type === 'fixed') {
      const name = String(o.name);
      const space = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : typeof o.namespace === 'string' ? o.namespace : namespace;
      const full = name.includes('.') || !space ? name : `${space}.${name}`;
      if (seen.has(full)) return full;
      seen.add(full);
      if (o.type !== 'record') return { ...o };
      const fields = (o.fields as Record<string, unknown>[]).map((f) => ({ ...f, type: walk(f.type, space) }));
      return { ...o, fields };
    }
    if (o.type === 'array') return { ...o, items: walk(o.items, namespace) };
    if (o.type === 'map') return { ...o, values: walk(o.values, namespace) };
    return o;
  };
  return walk(schema, undefined) as Record<string, unknown>;
}

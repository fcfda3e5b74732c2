// Avro schemas of the plans Hudi stores on the timeline (org.apache.hudi.avro.model), with the
// field names and defaults Hudi's readers resolve against.

const ns = 'org.apache.hudi.avro.model';
const optionalString = ['null', 'string'];
const stringArray = ['null', { type: 'array', items: 'string' }];
const stringMap = ['null', { type: 'map', values: 'string' }];
const version = { name: 'version', type: ['int', 'null'], default: 1 };

/** HoodieCompactionPlan: the file slices a compaction merges into new base files. */
export const COMPACTION_PLAN_SCHEMA = {
  namespace: ns,
  type: 'record',
  name: 'HoodieCompactionPlan',
  fields: [
    {
      name: 'operations',
      type: [
        'null',
        {
          type: 'array',
          items: {
            name: 'HoodieCompactionOperation',
            type: 'record',
            fields: [
              { name: 'baseInstantTime', type: optionalString },
              { name: 'deltaFilePaths', type: stringArray, default: null },
              { name: 'dataFilePath', type: optionalString, default: null },
              { name: 'fileId', type: optionalString },
              { name: 'partitionPath', type: optionalString, default: null },
              { name: 'metrics', type: ['null', { type: 'map', values: 'double' }], default: null },
              { name: 'bootstrapFilePath', type: optionalString, default: null },
            ],
          },
        },
      ],
      default: null,
    },
    { name: 'extraMetadata', type: stringMap, default: null },
    version,
  ],
} as const;

const sliceInfo = {
  type: 'record',
  name: 'HoodieSliceInfo',
  fields: [
    { name: 'dataFilePath', type: optionalString, default: null },
    { name: 'deltaFilePaths', type: stringArray, default: null },
    { name: 'fileId', type: optionalString },
    { name: 'partitionPath', type: optionalString, default: null },
    { name: 'bootstrapFilePath', type: optionalString, default: null },
    version,
  ],
};

const clusteringGroup = {
  type: 'record',
  name: 'HoodieClusteringGroup',
  fields: [
    { name: 'slices', type: ['null', { type: 'array', items: sliceInfo }], default: null },
    { name: 'metrics', type: ['null', { type: 'map', values: 'double' }], default: null },
    { name: 'numOutputFileGroups', type: ['int', 'null'], default: 1 },
    version,
  ],
};

const clusteringStrategy = {
  type: 'record',
  name: 'HoodieClusteringStrategy',
  fields: [
    { name: 'strategyClassName', type: optionalString, default: null },
    { name: 'strategyParams', type: stringMap, default: null },
    version,
  ],
};

/** HoodieRequestedReplaceMetadata carrying a HoodieClusteringPlan (a `replacecommit.requested`). */
export const REQUESTED_REPLACE_SCHEMA = {
  namespace: ns,
  type: 'record',
  name: 'HoodieRequestedReplaceMetadata',
  fields: [
    { name: 'operationType', type: optionalString, default: null },
    {
      name: 'clusteringPlan',
      type: [
        'null',
        {
          type: 'record',
          name: 'HoodieClusteringPlan',
          fields: [
            { name: 'inputGroups', type: ['null', { type: 'array', items: clusteringGroup }], default: null },
            { name: 'strategy', type: ['null', clusteringStrategy], default: null },
            { name: 'extraMetadata', type: stringMap, default: null },
            version,
            { name: 'preserveHoodieMetadata', type: ['null', 'boolean'], default: null },
          ],
        },
      ],
      default: null,
    },
    { name: 'extraMetadata', type: stringMap, default: null },
    version,
  ],
};

const instantInfo = {
  type: 'record',
  name: 'HoodieInstantInfo',
  fields: [
    { name: 'commitTime', type: 'string' },
    { name: 'action', type: 'string' },
  ],
};

const longMap = ['null', { type: 'map', values: 'long' }];

/** HoodieRollbackPlan (`<instant>.rollback.requested`): what a rollback deletes or neutralizes. */
export const ROLLBACK_PLAN_SCHEMA = {
  namespace: ns,
  type: 'record',
  name: 'HoodieRollbackPlan',
  fields: [
    { name: 'instantToRollback', type: ['null', instantInfo], default: null },
    {
      name: 'RollbackRequests',
      type: [
        'null',
        {
          type: 'array',
          items: {
            type: 'record',
            name: 'HoodieRollbackRequest',
            fields: [
              { name: 'partitionPath', type: 'string' },
              { name: 'fileId', type: optionalString, default: null },
              { name: 'latestBaseInstant', type: optionalString, default: null },
              { name: 'filesToBeDeleted', type: { type: 'array', items: 'string' }, default: [] },
              { name: 'logBlocksToBeDeleted', type: longMap, default: null },
            ],
          },
        },
      ],
      default: null,
    },
    version,
  ],
};

/** HoodieRollbackMetadata (the completed `<instant>.rollback`). */
export const ROLLBACK_METADATA_SCHEMA = {
  namespace: ns,
  type: 'record',
  name: 'HoodieRollbackMetadata',
  fields: [
    { name: 'startRollbackTime', type: 'string' },
    { name: 'timeTakenInMillis', type: 'long' },
    { name: 'totalFilesDeleted', type: 'int' },
    { name: 'commitsRollback', type: { type: 'array', items: 'string' } },
    {
      name: 'partitionMetadata',
      type: {
        type: 'map',
        values: {
          type: 'record',
          name: 'HoodieRollbackPartitionMetadata',
          fields: [
            { name: 'partitionPath', type: 'string' },
            { name: 'successDeleteFiles', type: { type: 'array', items: 'string' } },
            { name: 'failedDeleteFiles', type: { type: 'array', items: 'string' } },
            { name: 'rollbackLogFiles', type: longMap, default: null },
            { name: 'logFilesFromFailedCommit', type: longMap, default: null },
          ],
        },
      },
    },
    version,
    { name: 'instantsRollback', type: { type: 'array', items: instantInfo }, default: [] },
  ],
};

/** HoodieCleanerPlan (`<instant>.clean.requested`): the files a clean deletes, per partition. */
export const CLEANER_PLAN_SCHEMA = {
  namespace: ns,
  type: 'record',
  name: 'HoodieCleanerPlan',
  fields: [
    {
      name: 'earliestInstantToRetain',
      type: [
        'null',
        {
          type: 'record',
          name: 'HoodieActionInstant',
          fields: [
            { name: 'timestamp', type: 'string' },
            { name: 'action', type: 'string' },
            { name: 'state', type: 'string' },
          ],
        },
      ],
      default: null,
    },
    { name: 'policy', type: 'string' },
    { name: 'filesToBeDeletedPerPartition', type: ['null', { type: 'map', values: { type: 'array', items: 'string' } }], default: null },
    version,
    {
      name: 'filePathsToBeDeletedPerPartition',
      type: [
        'null',
        {
          type: 'map',
          values: {
            type: 'array',
            items: {
              name: 'HoodieCleanFileInfo',
              type: 'record',
              fields: [
                { name: 'filePath', type: optionalString, default: null },
                { name: 'isBootstrapBaseFile', type: ['null', 'boolean'], default: null },
              ],
            },
          },
        },
      ],
      default: null,
    },
    { name: 'partitionsToBeDeleted', type: ['null', { type: 'array', items: 'string' }], default: null },
  ],
};

const cleanPartition = {
  type: 'record',
  name: 'HoodieCleanPartitionMetadata',
  fields: [
    { name: 'partitionPath', type: 'string' },
    { name: 'policy', type: 'string' },
    { name: 'deletePathPatterns', type: { type: 'array', items: 'string' } },
    { name: 'successDeleteFiles', type: { type: 'array', items: 'string' } },
    { name: 'failedDeleteFiles', type: { type: 'array', items: 'string' } },
    { name: 'isPartitionDeleted', type: ['null', 'boolean'], default: null },
  ],
};

/** HoodieCleanMetadata (the completed `<instant>.clean`). */
export const CLEAN_METADATA_SCHEMA = {
  namespace: ns,
  type: 'record',
  name: 'HoodieCleanMetadata',
  fields: [
    { name: 'policy', type: 'string', default: '' },
    { name: 'startCleanTime', type: 'string' },
    { name: 'timeTakenInMillis', type: 'long' },
    { name: 'totalFilesDeleted', type: 'int' },
    { name: 'earliestCommitToRetain', type: 'string' },
    { name: 'lastCompletedCommitTimestamp', type: 'string', default: '' },
    { name: 'partitionMetadata', type: { type: 'map', values: cleanPartition } },
    version,
    { name: 'bootstrapPartitionMetadata', type: ['null', { type: 'map', values: 'HoodieCleanPartitionMetadata' }], default: null },
  ],
};

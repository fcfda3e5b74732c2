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

// `lake create`: a new, empty Hudi table.

import { createTable, TableExistsError } from '@lake/core';
import { LakeError } from '@lake/storage';
import type { CliIO } from '../io.js';
import { list } from '../options.js';
import { UsageError } from '../usage-error.js';

export interface CreateOptions {
  key: string;
  partitionBy?: string;
  orderingField?: string;
  type: string;
  name?: string;
  hiveStyle?: boolean;
  compression?: string;
  bloomFilter?: string[];
  bloomFilterFpp?: number;
  bloomFilterNdv?: number;
  index?: string;
  buckets?: string;
  bucketHashField?: string;
}

export async function createCommand(uri: string, opts: CreateOptions, io: CliIO): Promise<void> {
  const bucket = opts.index === 'bucket';
  if (!bucket && (opts.buckets !== undefined || opts.bucketHashField !== undefined)) {
    throw new UsageError('--buckets and --bucket-hash-field need --index bucket');
  }
  if (bucket && (opts.buckets === undefined || !/^[0-9]+$/.test(opts.buckets) || Number(opts.buckets) < 1)) {
    throw new UsageError('--index bucket needs --buckets <n>, a whole number of buckets per partition (at least 1)');
  }
  const table = await createTable(uri, {
    name: opts.name,
    recordKey: list(opts.key),
    partitionBy: list(opts.partitionBy),
    orderingField: opts.orderingField,
    hiveStylePartitioning: opts.hiveStyle ?? false,
    type: opts.type === 'mor' ? 'mor' : 'cow',
    bloomFilters: [...new Set(opts.bloomFilter ?? [])].map((column) => ({
      column,
      ...(opts.bloomFilterFpp !== undefined ? { fpp: opts.bloomFilterFpp } : {}),
      ...(opts.bloomFilterNdv !== undefined ? { ndv: opts.bloomFilterNdv } : {}),
    })),
    index: bucket ? { kind: 'bucket', buckets: Number(opts.buckets), hashField: opts.bucketHashField === undefined ? undefined : list(opts.bucketHashField) } : undefined,
    properties: opts.compression ? { 'hoodie.parquet.compression.codec': opts.compression } : {},
  }).catch((e: unknown) => {
    if (e instanceof TableExistsError) {
      throw new LakeError(e.code, `A table already exists at ${uri}. Write to it with 'lake write ${uri} --input <file>', or create the new table elsewhere.`);
    }
    throw e;
  });
  const index = bucket ? ` with a bucket index of ${opts.buckets} buckets per partition` : '';
  io.out(`Created ${table.config.type} table "${table.config.name}" at ${table.uri}${index}`);
}

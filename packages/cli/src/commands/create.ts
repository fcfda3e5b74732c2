// `lake create`: a new, empty Hudi table.

import { createTable, TableExistsError } from '@lake/core';
import { LakeError } from '@lake/storage';
import type { CliIO } from '../io.js';
import { list } from '../options.js';

export interface CreateOptions {
  key: string;
  partitionBy?: string;
  orderingField?: string;
  type: string;
  name?: string;
  hiveStyle?: boolean;
  compression?: string;
}

export async function createCommand(uri: string, opts: CreateOptions, io: CliIO): Promise<void> {
  const table = await createTable(uri, {
    name: opts.name,
    recordKey: list(opts.key),
    partitionBy: list(opts.partitionBy),
    orderingField: opts.orderingField,
    hiveStylePartitioning: opts.hiveStyle ?? false,
    type: opts.type === 'mor' ? 'mor' : 'cow',
    properties: opts.compression ? { 'hoodie.parquet.compression.codec': opts.compression } : {},
  }).catch((e: unknown) => {
    if (e instanceof TableExistsError) {
      throw new LakeError(e.code, `A table already exists at ${uri}. Write to it with 'lake write ${uri} --input <file>', or create the new table elsewhere.`);
    }
    throw e;
  });
  io.out(`Created ${table.config.type} table "${table.config.name}" at ${table.uri}`);
}

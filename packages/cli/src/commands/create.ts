// `lake create`: a new, empty Hudi table.

import { createTable } from '@lake/core';
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
  bloomFilter?: string[];
  bloomFilterFpp?: number;
  bloomFilterNdv?: number;
}

export async function createCommand(uri: string, opts: CreateOptions, io: CliIO): Promise<void> {
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
    properties: opts.compression ? { 'hoodie.parquet.compression.codec': opts.compression } : {},
  });
  io.out(`Created ${table.config.type} table "${table.config.name}" at ${table.uri}`);
}

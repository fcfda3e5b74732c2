// The Spark-written fixtures whose metadata table has a column_stats partition, and a way to open
// one that counts the footers read.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { openTable, parseProperties, type HudiTable } from '@lake/core/format';
import type { ObjectStore } from '@lake/storage';

import { fixtures, memoryCopy } from './fixtures.js';
import { traceRequests } from './request-trace.js';

/** Fixtures with a column_stats partition whose base files lake reads (Parquet, not Lance). */
export function columnStatsFixtures(): ReturnType<typeof fixtures> {
  return fixtures().filter((f) => {
    const props = parseProperties(readFileSync(join(f.root, '.hoodie', 'hoodie.properties'), 'utf8'));
    return (props.get('hoodie.table.metadata.partitions') ?? '').split(',').includes('column_stats') && !/lance/.test(f.name);
  });
}

let runs = 0;

/** The table opened over a store that records requests; a new URI each time, so no footer cache carries over. */
export async function tracedColumnStatsTable(root: string, useMetadataTable: boolean): Promise<{ table: HudiTable; footers: () => number }> {
  const trace = traceRequests(await memoryCopy(root), `memory://column-stats-${++runs}`);
  const table = await openTable(trace.store as ObjectStore, { useMetadataTable });
  // a data file's footer is fetched by a ranged GET of the file: count GETs of data-table Parquet files
  return { table, footers: () => trace.requests.filter((r) => r.method === 'get' && r.key.endsWith('.parquet') && !r.key.startsWith('.hoodie/')).length };
}

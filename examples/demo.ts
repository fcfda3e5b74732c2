// The lake demo: a partitioned table of ad impressions on local disk, written and read through
// the public API: create, upsert, delete, snapshot, time travel and an incremental read, then
// the same table through the `lake` command. Run it with `npx -y pnpm@10 demo`.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTable, openTable, rowsToJson, type RecordBatchLike } from './support.js';
import { runCli, processIO } from '@lake/cli';

const location = process.argv[2] ?? join(await mkdtemp(join(tmpdir(), 'lake-demo-')), 'impressions');

function print(title: string, rows: Record<string, unknown>[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

async function rows(stream: AsyncIterable<RecordBatchLike>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const batch of stream) out.push(...rowsToJson(batch));
  return out.sort((a, b) => String(a.impression_id).localeCompare(String(b.impression_id)));
}

console.log(`Creating a copy-on-write Hudi table at ${location}`);
const table = await createTable(location, {
  name: 'impressions',
  recordKey: ['impression_id'],
  partitionBy: ['dt'],
  orderingField: 'ts',
  hiveStylePartitioning: true,
});

const first = await table.upsert([
  { impression_id: 'imp-001', user_id: 'u-8412', campaign_id: 'spring-sale', dt: '2024-05-01', ts: 1714550400000, cost: 0.12, country: 'US' },
  { impression_id: 'imp-002', user_id: 'u-1001', campaign_id: 'spring-sale', dt: '2024-05-01', ts: 1714550460000, cost: 0.08, country: 'DE' },
  { impression_id: 'imp-003', user_id: 'u-8412', campaign_id: 'retarget', dt: '2024-05-02', ts: 1714636800000, cost: 0.31, country: 'US' },
  { impression_id: 'imp-004', user_id: 'u-2002', campaign_id: 'retarget', dt: '2024-05-02', ts: 1714636860000, cost: 0.27, country: 'FR' },
]);
console.log(`commit ${first.instant}: ${first.inserted} inserted into ${first.partitions.join(', ')}`);

// A late correction of imp-002's cost (newer ts wins), a stale duplicate of imp-001 (older ts:
// ignored), and a new impression.
const second = await table.upsert([
  { impression_id: 'imp-002', user_id: 'u-1001', campaign_id: 'spring-sale', dt: '2024-05-01', ts: 1714550470000, cost: 0.09, country: 'DE' },
  { impression_id: 'imp-001', user_id: 'u-8412', campaign_id: 'spring-sale', dt: '2024-05-01', ts: 1714550000000, cost: 99, country: 'US' },
  { impression_id: 'imp-005', user_id: 'u-3003', campaign_id: 'spring-sale', dt: '2024-05-03', ts: 1714723200000, cost: 0.15, country: 'US' },
]);
console.log(`commit ${second.instant}: ${second.inserted} inserted, ${second.updated} updated`);

const third = await table.delete(['imp-004']);
console.log(`commit ${third.instant}: ${third.deleted} deleted`);

const reopened = await openTable(location);
print('Latest snapshot', await rows(reopened.read({ withMeta: false })));
print(`Time travel to the first commit (${first.instant})`, await rows(reopened.read({ asOf: first.instant, withMeta: false })));
print(`Incremental read: what the second commit changed (${first.instant}, ${second.instant}]`,
  await rows(reopened.readIncremental({ start: first.instant, end: second.instant, columns: ['impression_id', 'cost', '_hoodie_commit_time'] })));

console.log('\n$ lake history <table>');
await runCli(['history', location], processIO);
console.log('\n$ lake show <table> --columns impression_id,campaign_id,cost --format ndjson');
await runCli(['show', location, '--columns', 'impression_id,campaign_id,cost', '--format', 'ndjson'], processIO);

// A user asks to be forgotten: their rows leave the snapshot, the older file versions and the
// time travel that held them; a proof record keeps salted hashes of the id, never the id.
console.log('\n$ lake gdpr-delete <table> --column user_id --id u-8412 --request-id req-8412');
await runCli(['gdpr-delete', location, '--column', 'user_id', '--id', 'u-8412', '--request-id', 'req-8412'], processIO);
console.log('\n$ lake gdpr-delete <table> --verify req-8412');
await runCli(['gdpr-delete', location, '--verify', 'req-8412'], processIO);
console.log(`\nThe table is a Hudi table: point Spark, Trino or Athena at ${location} to read it too.`);

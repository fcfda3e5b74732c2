// The ad-events example: Firehose-style NDJSON with duplicates and malformed records, ingested
// into three partitioned tables with validation, quarantine and insert-only de-duplication, counted,
// and reported per campaign and day. Run it with `npx -y pnpm@10 ad-events [work folder]`.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@lake/storage';
import { dateOf, fileSource, ingest, type IngestSummary } from '@lake/ingest';
import { generateAdEvents } from './generate.js';
import { AD_KINDS, createAdTables, recordKeyOf } from './tables.js';
import { printCampaignReports } from './report.js';

const work = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'lake-ad-events-')));
const tablesDir = join(work, 'tables');
const started = Date.now();

console.log(`Generating ad events under ${join(work, 'raw')}`);
const generated = await generateAdEvents(work, { impressions: 12_000, seed: 7 });
const tables = await createAdTables(tablesDir);

const summaries = {} as Record<(typeof AD_KINDS)[number], IngestSummary>;
for (const kind of AD_KINDS) {
  summaries[kind] = await ingest(tables[kind], {
    source: fileSource(await openStore(join(work, 'raw', kind))),
    // Events are immutable: a key seen before is a duplicate delivery, not an update.
    mode: 'insert-only',
    derive: { dt: dateOf('ts') },
    batch: { maxRows: 5000 },
  });
}

async function rowCount(kind: (typeof AD_KINDS)[number]): Promise<number> {
  let n = 0;
  for await (const batch of tables[kind].read({ columns: [recordKeyOf[kind]] })) n += batch.numRows;
  return n;
}

console.log('\ntable        read  written  deduplicated  quarantined  coerced  rows  expected');
let ok = true;
for (const kind of AD_KINDS) {
  const s = summaries[kind];
  const rows = await rowCount(kind);
  const expected = generated[kind].unique;
  ok &&= rows === expected && s.read === generated[kind].lines && s.quarantined === generated[kind].malformed;
  console.log(
    `${kind.padEnd(12)} ${String(s.read).padStart(5)} ${String(s.written).padStart(8)} ${String(s.deduplicated).padStart(13)} ` +
      `${String(s.quarantined).padStart(12)} ${String(s.coerced).padStart(8)} ${String(rows).padStart(5)} ${String(expected).padStart(9)}`,
  );
}
console.log(ok ? '\nEvery valid record is in its table once; every malformed one is in the quarantine.' : '\nCOUNTS DO NOT MATCH the generated data.');
console.log(`Quarantined records: ${join(tablesDir, '<table>', '.hoodie/.aux/lake/quarantine/')}`);
console.log(`Tables: ${tablesDir} (ingested in ${((Date.now() - started) / 1000).toFixed(1)} s)`);

// The campaign report per campaign and day (impressions, clicks, conversions, CTR, conversion
// rate, cost per acquisition), computed with the query package and again through DuckDB SQL.
console.log('');
await printCampaignReports(tablesDir, (line) => console.log(line));

if (!ok) process.exitCode = 1;

// Child-process entry of the raw floor under ingestion, on the soak's own NDJSON files: per file,
// JSON.parse each line -> Arrow columns (with the same hour partition value lake derives) ->
// parquet-wasm (Snappy, as lake writes) -> one Parquet file on local disk. No table format, no
// de-duplication, no index: what any ingestion of these events has to do at least.
// argv: <input folder> <output folder> <most files to read> <result JSON file>

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { tableFromArrays } from 'arrow21';

import { rawEncode } from '../peers/parquet-raw.js';
import { hourPartition } from './events.js';
import type { FloorOutcome } from './soak-types.js';

interface Event {
  impression_id: string;
  user_id: string;
  campaign_id: number;
  ts: number;
  cost: number;
  country: string;
  device: string;
}

async function main(): Promise<void> {
  const [inputDir, outputDir, maxFiles, resultFile] = process.argv.slice(2);
  await mkdir(outputDir, { recursive: true });
  const files = (await readdir(inputDir)).filter((f) => f.endsWith('.ndjson')).sort().slice(0, Number(maxFiles));
  let rows = 0;
  let bytesWritten = 0;
  const t0 = performance.now();
  for (const f of files) {
    const events = (await readFile(join(inputDir, f), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Event);
    const n = events.length;
    const campaign = new Int32Array(n);
    const ts = new Float64Array(n);
    const cost = new Float64Array(n);
    const ids: string[] = [];
    const users: string[] = [];
    const countries: string[] = [];
    const devices: string[] = [];
    const hours: string[] = [];
    events.forEach((e, i) => {
      ids.push(e.impression_id);
      users.push(e.user_id);
      campaign[i] = e.campaign_id;
      ts[i] = e.ts;
      cost[i] = e.cost;
      countries.push(e.country);
      devices.push(e.device);
      hours.push(hourPartition(e.ts));
    });
    const table = tableFromArrays({ impression_id: ids, user_id: users, campaign_id: campaign, ts, cost, country: countries, device: devices, hr: hours });
    const bytes = rawEncode(table);
    await writeFile(join(outputDir, `${f}.parquet`), bytes);
    rows += n;
    bytesWritten += bytes.length;
  }
  const outcome: FloorOutcome = { wallMs: performance.now() - t0, rows, bytesWritten, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  await writeFile(resultFile, JSON.stringify(outcome));
}

main().catch((e: unknown) => {
  process.stderr.write(`soak floor failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

// `pnpm bench [--quick] [--only=ids] [--skip-large] [--append] [--keep] [--erase-index-rows=N]`: runs the scenarios and
// micro benchmarks, prints the results and writes bench/results/latest.json (and a dated copy of
// full runs). Scenario ids: load, upsert, delete, scan, micro, compaction, commits, erase-index
// (erasure through bloom filters), erase-index-encode (only what the column bloom filters add to
// encoding one base file of 1k, 33k and 100k rows, without the erasures), mor-scan (a merge-on-read scan with many log files, then
// compacted), large (upsert into the 10M-row table), large-delete (delete by key from it), mdt
// (listing a 1,000-partition table through its metadata table vs its folders), soak (the
// streaming-day soak: 200k events on local disk, and on s3rver + 20 ms in full runs;
// LAKE_SOAK_FULL=1 for 10M events on local disk).
// --append adds to (and replaces same-named scenarios in) the latest results of the same mode,
// so a full run can be done in parts. --print only prints (and writes latest.md for) the latest results.
// --erase-index-rows=N runs the erasure scenario at N events instead of the mode's size (300k
// quick, 10M full), for the sizes in between.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildBase } from './base.js';
import { FULL, QUICK, formatCount, type BenchConfig } from './config.js';
import { eventTable } from './data.js';
import { removeScratch, scratch } from './fs-util.js';
import { KEY, lakeOpen } from './lake.js';
import { micro } from './micro.js';
import { DUCKDB_VERSION } from './peers/duckdb.js';
import { LANCEDB_VERSION } from './peers/lance.js';
import { PARQUET_WASM_VERSION } from './peers/parquet-raw.js';
import { markdownReport, printReport } from './report.js';
import type { RunReport, ScenarioResult } from './results.js';
import { bloomWriteCost } from './scenarios/bloom-write-cost.js';
import { bulkLoad } from './scenarios/bulk-load.js';
import { commitRoundTrips } from './scenarios/commit-round-trips.js';
import { compaction } from './scenarios/compaction.js';
import { deletes } from './scenarios/delete.js';
import { eraseIndex, scatteredEvents } from './scenarios/erase-index.js';
import { manyCommits } from './scenarios/many-commits.js';
import { metadataTable } from './scenarios/metadata-table.js';
import { morScan } from './scenarios/mor-scan.js';
import { morSupport } from './scenarios/mor-support.js';
import { scans } from './scenarios/scan.js';
import { upsert } from './scenarios/upsert.js';
import { SOAK_FULL, SOAK_QUICK, soak, type SoakTarget } from './soak/soak.js';
import { soakScenario } from './soak/soak-report.js';

const ALL = ['load', 'upsert', 'delete', 'scan', 'micro', 'compaction', 'commits', 'commit-rt', 'erase-index', 'erase-index-encode', 'mor-scan', 'mdt', 'soak', 'large', 'large-delete'];

function parseArgs(argv: string[]): { cfg: BenchConfig; only: Set<string>; keep: boolean; append: boolean } {
  const args = argv.filter((a) => a !== '--');
  let cfg = args.includes('--quick') ? QUICK : FULL;
  const eraseRows = args.find((a) => a.startsWith('--erase-index-rows='));
  if (eraseRows) {
    const n = Number(eraseRows.slice('--erase-index-rows='.length));
    if (!Number.isSafeInteger(n) || n < 20_000) throw new Error(`--erase-index-rows takes a whole number of events, at least 20000; got "${eraseRows}"`);
    cfg = { ...cfg, eraseIndexRows: n };
  }
  const onlyArg = args.find((a) => a.startsWith('--only='));
  const only = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : ALL);
  if (args.includes('--skip-large')) {
    only.delete('large');
    only.delete('large-delete');
  }
  for (const id of only) if (!ALL.includes(id)) throw new Error(`Unknown scenario "${id}"; use one of ${ALL.join(', ')}`);
  if (args.includes('--print')) only.clear();
  return { cfg, only, keep: args.includes('--keep'), append: args.includes('--append') || args.includes('--print') };
}

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function main(): Promise<void> {
  const { cfg, only, keep, append } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const resultsDir = process.env.LAKE_BENCH_RESULTS ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  await mkdir(resultsDir, { recursive: true });
  const cpu = cpus();
  const report: RunReport = {
    mode: cfg.mode,
    startedAt: new Date(started).toISOString(),
    durationSec: 0,
    machine: { node: process.version, cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? 'unknown', memGb: Math.round(totalmem() / 2 ** 30), platform: `${process.platform}-${process.arch}` },
    versions: { '@lancedb/lancedb': LANCEDB_VERSION, '@duckdb/node-api': DUCKDB_VERSION, 'parquet-wasm': PARQUET_WASM_VERSION, 'apache-arrow (lake)': '21.2.0', 'apache-arrow (LanceDB)': '18.1.0' },
    scenarios: [],
    micro: [],
  };
  if (append) {
    try {
      const previous = JSON.parse(await readFile(join(resultsDir, 'latest.json'), 'utf8')) as RunReport;
      if (previous.mode === cfg.mode) {
        report.scenarios = previous.scenarios;
        report.micro = previous.micro;
        report.startedAt = previous.startedAt;
        report.durationSec = previous.durationSec;
      }
    } catch {
      log('--append: no earlier results of this mode, starting afresh');
    }
  }
  const save = async () => {
    report.durationSec = (Date.now() - Date.parse(report.startedAt)) / 1000;
    await writeFile(join(resultsDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  };
  const add = async (r: ScenarioResult | ScenarioResult[]) => {
    const fresh = Array.isArray(r) ? r : [r];
    const ids = new Set(fresh.map((s) => s.id));
    report.scenarios = [...report.scenarios.filter((s) => !ids.has(s.id)), ...fresh];
    await save();
  };
  if (!(globalThis as { gc?: unknown }).gc) log('run with node --expose-gc for steadier memory numbers');

  const needData = ['load', 'upsert', 'delete', 'scan', 'micro'].some((s) => only.has(s));
  if (only.size > 0) log(`${cfg.mode} run${needData ? `: generating ${formatCount(cfg.baseRows)} events` : ''}`);
  const data = needData ? eventTable(0, cfg.baseRows) : eventTable(0, 0);
  if (only.has('load')) {
    log('bulk load');
    await add(await bulkLoad(cfg, data));
  }
  const needBase = ['upsert', 'delete', 'scan', 'micro'].some((s) => only.has(s));
  const morWrites = (await morSupport()).supported;
  const base = needBase
    ? (log(`loading the ${formatCount(cfg.baseRows)}-row base tables`), await buildBase(cfg.baseRows, data, { mor: morWrites && (only.has('upsert') || only.has('delete')) }))
    : undefined;
  if (base && only.has('upsert')) {
    log('upsert');
    await add(await upsert(cfg, base, formatCount(base.rows)));
  }
  if (base && only.has('delete')) {
    log('delete by key, erase user');
    await add(await deletes(cfg, base));
  }
  if (base && only.has('scan')) {
    log('scans');
    await add(await scans(cfg, base));
  }
  if (base && only.has('micro')) {
    log('micro benchmarks');
    const m = await micro(cfg, (await lakeOpen(base.lakeDir)).table, base.rows);
    report.micro = m.results;
    for (const n of m.notes) log(`micro: ${n}`);
    await save();
  }
  if (only.has('compaction')) {
    log('small batches and compaction');
    await add(await compaction(cfg));
  }
  if (only.has('commits')) {
    log('open after many commits');
    await add(await manyCommits(cfg));
  }
  if (only.has('commit-rt')) {
    log('small commit round trips (memory and s3rver, +20 ms per request)');
    await add(await commitRoundTrips());
  }
  if (only.has('erase-index')) {
    log(`erasure through bloom filters (${formatCount(cfg.eraseIndexRows)} events)`);
    await add(await eraseIndex(cfg));
  }
  if (only.has('erase-index-encode') && !only.has('erase-index')) {
    log('column bloom filters: encoding one base file with and without them, alternating');
    // the erasure scenario's quick data (30k users' events, so user ids repeat as they do there)
    await add(bloomWriteCost(scatteredEvents(QUICK.eraseIndexRows).table, KEY, cfg));
  }
  if (only.has('mor-scan')) {
    log('merge-on-read scan with many log files, then compacted');
    await add(await morScan(cfg));
  }
  if (only.has('mdt')) {
    log('listing through the metadata table (1,000 partitions)');
    await add(await metadataTable());
  }
  if (only.has('soak')) {
    // The S3 run makes hundreds of requests per commit at 20 ms each: minutes, so not in --quick.
    const size = process.env.LAKE_SOAK_FULL === '1' ? SOAK_FULL : SOAK_QUICK;
    const where: SoakTarget[] = cfg.mode === 'quick' ? ['local'] : ['local', 's3'];
    log(`streaming-day soak (${formatCount(size.events)} events in ${size.batches} batches: ${where.join(', ')})`);
    await add(soakScenario(await soak(size, where, await scratch('soak'), SOAK_QUICK)));
  }
  if (cfg.largeRows > 0 && (only.has('large') || only.has('large-delete'))) {
    log(`loading the ${formatCount(cfg.largeRows)}-row tables`);
    const large = await buildBase(cfg.largeRows, undefined, { mor: morWrites });
    if (only.has('large')) {
      log(`upsert into ${formatCount(cfg.largeRows)}`);
      await add(await upsert(cfg, large, formatCount(large.rows)));
    }
    if (only.has('large-delete')) {
      log(`delete by key from ${formatCount(cfg.largeRows)}`);
      await add(await deletes(cfg, large, { keysOnly: true, suffix: `-${formatCount(large.rows)}` }));
    }
  }

  if (only.size > 0) await save();
  if (only.size > 0 && cfg.mode === 'full' && (only.size === ALL.length || append)) {
    await writeFile(join(resultsDir, `full-${report.startedAt.slice(0, 10)}.json`), JSON.stringify(report, null, 2) + '\n');
  }
  await writeFile(join(resultsDir, 'latest.md'), markdownReport(report) + '\n');
  process.stdout.write(printReport(report) + '\n');
  if (!keep) await removeScratch();
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

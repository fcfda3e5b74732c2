// `pnpm --filter @lake/bench soak [--full] [--events=N --batches=N] [--targets=local,s3]
// [--s3-events=N --s3-batches=N] [--input=folder] [--max-minutes=N]`: the streaming-day soak on its
// own. --input ingests NDJSON files generated before; --max-minutes stops each ingestion after the
// batch being written then and checks the table against what it consumed. Default 200k events in 40
// batches on local disk and on s3rver + 20 ms; `--full` (or LAKE_SOAK_FULL=1) 10M events in 2,000
// batches. Prints the measurements and targets and writes bench/results/soak-latest.json.
// LAKE_SOAK_KEEP=<folder> keeps a copy of the local-disk table there.

import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SOAK_FULL, SOAK_QUICK, soak, type SoakOptions, type SoakSize, type SoakTarget } from './soak.js';
import { soakLines, soakTargets } from './soak-report.js';

function numberArg(args: string[], name: string): number | undefined {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  if (!a) return undefined;
  const n = Number(a.slice(name.length + 3));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} takes a whole number >= 1, not ${a.slice(name.length + 3)}`);
  return n;
}

export function parseSoakArgs(argv: string[]): { size: SoakSize; s3Size: SoakSize; targets: SoakTarget[]; options: SoakOptions } {
  const args = argv.filter((a) => a !== '--');
  const base = args.includes('--full') || process.env.LAKE_SOAK_FULL === '1' ? SOAK_FULL : SOAK_QUICK;
  const size = { events: numberArg(args, 'events') ?? base.events, batches: numberArg(args, 'batches') ?? base.batches };
  const s3Size = { events: numberArg(args, 's3-events') ?? size.events, batches: numberArg(args, 's3-batches') ?? size.batches };
  const targetArg = args.find((a) => a.startsWith('--targets='));
  const targets = (targetArg ? targetArg.slice('--targets='.length).split(',') : ['local', 's3']) as SoakTarget[];
  for (const t of targets) if (t !== 'local' && t !== 's3') throw new Error(`Unknown soak target "${String(t)}"; use local, s3`);
  const input = args.find((a) => a.startsWith('--input='));
  const options: SoakOptions = { inputDir: input ? input.slice('--input='.length) : undefined, maxMinutes: numberArg(args, 'max-minutes') };
  return { size, s3Size, targets, options };
}

async function main(): Promise<void> {
  const { size, s3Size, targets, options } = parseSoakArgs(process.argv.slice(2));
  const work = join(process.env.LAKE_BENCH_DIR ?? tmpdir(), `lake-soak-${process.pid}`);
  const report = await soak(size, targets, work, s3Size, options);
  const lines = soakLines(report);
  const targetLines = report.runs.flatMap(soakTargets).map((t) => `${t.met === undefined ? 'n/a' : t.met ? 'MET' : 'MISSED'}  ${t.name}: ${t.actual} (goal ${t.goal})`);
  process.stdout.write([...lines, '', 'targets:', ...targetLines].join('\n') + '\n');
  const resultsDir = process.env.LAKE_BENCH_RESULTS ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results');
  await mkdir(resultsDir, { recursive: true });
  const when = new Date().toISOString();
  const json = { when, ...report, runs: report.runs.map((r) => ({ ...r, ingest: { ...r.ingest, commits: undefined, commitMs: r.ingest.commits.map((c) => Math.round(c.ms)), commitRequests: r.ingest.commits.map((c) => c.requests) } })) };
  await writeFile(join(resultsDir, 'soak-latest.json'), JSON.stringify(json) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`soak failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

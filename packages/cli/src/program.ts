// The `lake` command line: commands, their options and help, and one-line errors.

import { Command, CommanderError, Option } from 'commander';
import type { CliIO } from './io.js';
import {
  collectDerive,
  collectList,
  compactionStrategies,
  invalidLimit,
  nonNegativeInt,
  outputFormats,
  positiveInt,
  positiveNumber,
  probability,
  writeOperations,
} from './options.js';
import { requireOptions, requiredOption } from './required-options.js';
import { reportError } from './report-error.js';

// Each command's action loads its module (and through it the engine packages, the AWS SDK, NATS,
// DuckDB) only when that command runs, so `lake --help` starts about as fast as bare Node.
// Adding a command is one `program.command(...)` block below and one module in commands/.

const uriHelp = 'table location: a folder path, file:///abs/path, s3://bucket/prefix (credentials from the AWS environment, never in the URI) or memory://name';

export function buildProgram(io: CliIO): Command {
  const program = new Command('lake')
    .description('Read and write Apache Hudi tables on S3 and local disk.')
    .version('0.1.0')
    // Usage errors are reported by runCli as one `lake:` line, not commander's text plus help.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()), outputError: () => {} })
    .exitOverride()
    .hook('preAction', (_program, command) => requireOptions(command));

  program
    .command('create')
    .description('create an empty Hudi table (table version 6)')
    .argument('<uri>', uriHelp)
    .addOption(requiredOption('--key <fields>', 'record key field(s), comma-separated'))
    .option('--partition-by <fields>', 'partition field(s), comma-separated')
    .option('--ordering-field <field>', 'precombine field: of two versions of a record the greater value wins')
    .addOption(new Option('--type <type>', 'table type').choices(['cow', 'mor']).default('cow'))
    .option('--name <name>', 'table name (default: the folder name)')
    .option('--hive-style', 'name partition folders col=value')
    .addOption(
      new Option('--compression <codec>', 'Parquet codec of base files and log blocks (hoodie.parquet.compression.codec)')
        .choices(['snappy', 'zstd', 'gzip', 'uncompressed'])
        .default('snappy'),
    )
    .option(
      '--bloom-filter <columns>',
      'give these columns a Parquet bloom filter in every row group, for erasure and = / IN queries (parquet.bloom.filter.enabled#<column>); repeatable or comma-separated',
      collectList,
      [],
    )
    .option('--bloom-filter-fpp <p>', 'false-positive probability of those filters (default 0.01)', probability)
    .option('--bloom-filter-ndv <n>', 'distinct values per row group the filters are sized for (default: estimated from each row group\'s values)', positiveInt)
    .addOption(
      new Option('--index <kind>', 'how writes find stored records: bloom (footers and key columns) or bucket (Hudi simple bucket index: keys hash to --buckets file groups per partition, nothing is read)')
        .choices(['bloom', 'bucket'])
        .default('bloom'),
    )
    .option('--buckets <n>', 'bucket index: buckets (file groups) per partition, fixed for the table (hoodie.bucket.index.num.buckets)')
    .option('--bucket-hash-field <fields>', 'bucket index: record key field(s) to hash (hoodie.bucket.index.hash.field; default: the record key)')
    .action(async (uri: string, opts) => (await import('./commands/create.js')).createCommand(uri, opts, io));

  program
    .command('write')
    .description('write the records of a file as one commit')
    .argument('<uri>', uriHelp)
    .addOption(requiredOption('--input <file>', 'records: .ndjson, .csv or .parquet'))
    .addOption(new Option('--op <operation>', 'write operation').choices(writeOperations).default('upsert'))
    .addOption(new Option('--format <format>', 'input format (default: from the extension)').choices(['ndjson', 'csv', 'parquet']))
    .addOption(
      new Option('--duplicates <policy>', "--op insert: records whose key the table already holds are written anyway (none), left out (drop) or fail the write (fail); Hudi's hoodie.datasource.insert.dup.policy")
        .choices(['none', 'drop', 'fail'])
        .default('none'),
    )
    .option('--json', 'print the write result as JSON')
    .option(
      '--conflict-retries <n>',
      'run the write again up to n times when a concurrent commit wins a conflict (default: the table\'s hoodie.write.num.retries.on.conflict.failures, else 3)',
      nonNegativeInt,
    )
    .action(async (uri: string, opts) => (await import('./commands/write.js')).writeCommand(uri, opts, io));

  program
    .command('ingest')
    .description('ingest files, an object-store prefix or a NATS JetStream stream in micro-batches, exactly once')
    .argument('<uri>', uriHelp)
    .addOption(requiredOption('--from <source>', 'a file, a folder, s3://bucket/prefix, or nats://host:port/stream[?durable=name&subject=x]'))
    .addOption(new Option('--format <format>', 'file format (default: from each extension)').choices(['ndjson', 'csv', 'parquet', 'arrow']))
    .option('--batch-rows <n>', 'most records per commit (default 10000)', positiveInt)
    .option('--batch-seconds <s>', 'commit a batch at the latest this long after its first record (default 5)', positiveNumber)
    .option('--batch-bytes <b>', 'most source bytes per commit (default 64 MiB)', positiveInt)
    .option('--once', 'stop when the source is caught up (the default)')
    .option('--follow', 'keep ingesting until SIGINT/SIGTERM, then finish the current batch')
    .option('--insert-only', 'immutable events: drop records whose key is already in the table instead of updating; each batch goes to new files (no small-file rewrite)')
    .option('--cluster-every <n>', 'stitch small base files into target-size ones (a clustering replacecommit) every n commits (Hudi hoodie.clustering.inline.max.commits)', positiveInt)
    .option('--max-invalid <n>', 'fail a batch with more invalid records than this count (or fraction, e.g. 0.05)', invalidLimit)
    .option('--derive-date <column=field>', 'derive a YYYY-MM-DD column from an event time field, e.g. dt=ts (repeatable)', collectDerive)
    .option('--flatten', 'flatten nested objects into a_b columns')
    .option('--explode <fields>', 'array fields to explode into one row per element (implies --flatten), comma-separated')
    .option('--metrics-file <file>', 'write Prometheus metrics (text format) to this file after every batch')
    .option('--json', 'print one JSON log line per event instead of progress')
    .action(async (uri: string, opts) => (await import('./commands/ingest.js')).ingestCommand(uri, opts, io));

  program
    .command('show')
    .description('print rows: the latest snapshot, a past one (--as-of) or the changes in a range (--since/--until); corrupt log blocks are reported on stderr')
    .argument('<uri>', uriHelp)
    .option('--as-of <instant|time>', 'time travel: an instant (yyyyMMddHHmmssSSS) or an ISO date/time; on Hudi 1.x tables (versions 8, 9) writes count from their completion, an instant meaning the moment it completed')
    .option('--since <instant>', 'incremental read: changes after this instant (Hudi 1.x tables: of writes completed after it)')
    .option('--until <instant>', 'incremental read: changes up to and including this instant')
    .option('--columns <names>', 'columns to print, comma-separated')
    .option('--with-meta', 'include the _hoodie_* meta columns')
    .option('--read-optimized', 'merge-on-read tables: base files only')
    .option('--limit <n>', 'print at most n rows (0: every row; the table format stops at 1000 by default)', nonNegativeInt)
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('table'))
    .option('--no-metadata-table', "list the table's folders instead of reading its file listing from Hudi's metadata table (hoodie.metadata.enable=false)")
    .action(async (uri: string, opts) => (await import('./commands/show.js')).showCommand(uri, opts, io));

  program
    .command('history')
    .description('print the timeline: instant, action, state, operation, rows inserted/updated/deleted, files written')
    .argument('<uri>', uriHelp)
    .option('--json', 'one JSON object per instant')
    .option('--archived', 'include archived instants (table version 6: the archive log files in .hoodie/archived/; versions 8 and 9: the LSM history in .hoodie/timeline/history/)')
    .action(async (uri: string, opts) => (await import('./commands/history.js')).historyCommand(uri, opts, io));

  program
    .command('compact')
    .description(
      'merge-on-read: merge log files into base files (Hudi compaction); copy-on-write: stitch small base files into target-size ones (clustering); ' +
        'then archive the timeline beyond hoodie.keep.max.commits (30) down to hoodie.keep.min.commits (20) into .hoodie/archived/, as Hudi does',
    )
    .argument('<uri>', uriHelp)
    .option('--schedule-only', 'merge-on-read: only write the compaction plan (compaction.requested)')
    .option('--run-pending', 'merge-on-read: only finish compactions already scheduled')
    .addOption(new Option('--strategy <strategy>', 'merge-on-read: which file slices to compact (default num-commits)').choices(compactionStrategies))
    .option('--min-commits <n>', 'num-commits: delta commits since the last compaction needed (default 1)', positiveInt)
    .option('--min-log-bytes <n>', 'log-size: compact slices whose logs add up to at least n bytes', nonNegativeInt)
    .option('--file-groups <ids>', 'file-groups: partitionPath/fileId (or fileId), comma-separated')
    .option('--target-file-size <bytes>', 'copy-on-write: target size of a stitched file (default 120 MiB)', positiveInt)
    .option('--small-file-limit <bytes>', 'copy-on-write: files below this size are stitched (default 100 MiB)', positiveInt)
    .option('--size-ratio <n>', 'copy-on-write: a file joins smaller ones only when at most n times their size (default 2; a large n stitches every small file, as Hudi\'s planner does)', positiveNumber)
    .option('--parallelism <n>', 'file groups rewritten at once (default 2)', positiveInt)
    .option('--force', 'merge-on-read: compact even file slices with corrupt log blocks of completed writes (their records are lost)')
    .option('--dry-run', 'print what would be done, change nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (uri: string, opts) => (await import('./commands/compact.js')).compactCommand(uri, opts, io));

  program
    .command('gdpr-delete')
    .description('erase every row whose column holds the given ids from the table, its history and the ingest quarantine, with a proof record; running the same request again finishes an interrupted one')
    .argument('<uri>', uriHelp)
    .option('--column <name>', 'the column holding the user id')
    .option('--id <value>', 'a value to erase (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--ids-file <file>', 'values to erase, one per line')
    .option('--request-id <id>', 'names the request in the proof record; re-run with the same id, column and ids to finish an interrupted erasure')
    .option('--dry-run', 'report the rows that would be erased, the bytes the search read (statistics and bloom filters skip row groups) and the files and bytes that would be read back and rewritten (each affected file group once); change nothing')
    .option('--force', 'erase even where log blocks of completed writes are corrupt (compaction drops their records)')
    .option('--verify <request-id>', 're-run the verification of an earlier erasure: every data file, quarantined record and other object in the table folder; exits 1 naming where a value remains')
    .option('--json', 'print the report as JSON')
    .option('--no-metadata-table', "search every base file's footer instead of first ruling files out with the min/max of Hudi's metadata table (its column_stats partition)")
    .action(async (uri: string, opts) => (await import('./commands/gdpr-delete.js')).gdprDeleteCommand(uri, opts, io));

  program
    .command('clean')
    .description('delete file versions no retained instant needs, as a Hudi clean instant (default: keep what the last 10 writes need), and temp files that writers killed over an hour ago left on local disk')
    .argument('<uri>', uriHelp)
    .option('--retain-commits <n>', 'KEEP_LATEST_COMMITS: time travel to the last n writes keeps working', positiveInt)
    .option('--retain-hours <h>', 'KEEP_LATEST_BY_HOURS: time travel over the last h hours keeps working', positiveInt)
    .option('--reader-grace-minutes <m>', 'keep versions superseded less than m minutes ago for readers still on them (default 15)', nonNegativeInt)
    .option('--dry-run', 'print what would be deleted, delete nothing')
    .option('--json', 'print the result as JSON')
    .action(async (uri: string, opts) => (await import('./commands/clean.js')).cleanCommand(uri, opts, io));

  program
    .command('rollback')
    .description('undo a write with a Hudi rollback instant: every write a dead writer left pending (default; never a completed write), or --instant T')
    .argument('<uri>', uriHelp)
    .option('--instant <instant>', 'the write to undo: a pending one, or the latest completed write')
    .option('--force', 'roll back a pending write even if its writer still sends heartbeats')
    .option('--json', 'one JSON object per rollback; {"rolledBack":null,"nothingToRollBack":true,...} when nothing was rolled back')
    .action(async (uri: string, opts) => (await import('./commands/rollback.js')).rollbackCommand(uri, opts, io));

  program
    .command('query')
    .description('filter, project and aggregate rows, pruning partitions, files and row groups (--explain shows what was skipped)')
    .argument('<uri>', uriHelp)
    .option('--select <columns>', 'columns to print, comma-separated (default: every data column)')
    .option('--where <filter>', `filter, e.g. "country = 'US' and cost > 0.5", "dt between '2024-01-01' and '2024-01-02'"`)
    .option('--group-by <columns>', 'group columns, comma-separated')
    .option('--agg <aggregates>', 'aggregates: count(*), count(c), sum(c), avg(c), min(c), max(c), count_distinct(c), approx_count_distinct(c) [as name], comma-separated')
    .option('--as-of <instant|time>', 'time travel: an instant (yyyyMMddHHmmssSSS) or an ISO date/time')
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('table'))
    .option('--explain', 'print the scan statistics: partitions, files, row groups pruned, rows and bytes read')
    .option('--limit <n>', 'print at most n rows (0: every row; the table format stops at 1000 by default)', nonNegativeInt)
    .option('--no-metadata-table', "list the table's folders and read every file's footer instead of using Hudi's metadata table (its files listing and column_stats min/max; hoodie.metadata.enable=false)")
    .action(async (uri: string, opts) => (await import('./commands/query.js')).queryCommand(uri, opts, io));

  program
    .command('sync')
    .description('register the table in the AWS Glue Data Catalog (for Athena), or bring its registration up to date, as Hudi\'s Glue sync does')
    .argument('<uri>', uriHelp)
    .option('--glue-database <db>', 'Glue database (created if missing; default: the table property hoodie.datasource.hive_sync.database)')
    .option('--glue-table <name>', 'catalog table name (default: the table name); merge-on-read tables get <name>_ro and <name>_rt')
    .option('--region <region>', 'AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1)')
    .option('--endpoint <url>', 'Glue endpoint (default: AWS_ENDPOINT_URL_GLUE, then AWS_ENDPOINT_URL, then AWS)')
    .option('--skip-ro-suffix', 'merge-on-read: name the read-optimized table without the _ro suffix')
    .option('--support-timestamp', 'timestamp columns as Hive timestamp instead of bigint')
    .option('--json', 'print the sync result as JSON')
    .action(async (uri: string, opts) => (await import('./commands/sync.js')).syncCommand(uri, opts, io));

  return program;
}

/** Runs the CLI; returns the process exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return error.exitCode;
    }
    return reportError(error, program, argv, io);
  }
}

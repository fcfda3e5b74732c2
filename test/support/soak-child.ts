// Child process of the concurrency soak: a writer, or the table services, working on a table that
// other processes write at the same time. Each attempt prints one JSON line, so the test can
// check afterwards that every acknowledged commit is in the table.
//   writer <table> <writer id> <writes> <shared keys>
//   services <table> <stop file>
// <table> is a local directory, or `s3` with the store options in SOAK_S3_OPTIONS.

import { existsSync } from 'node:fs';

import { LocalStore, S3Store, type ObjectStore } from '@lake/storage';
import { openTable, type HudiTable } from '@lake/core';

export type SoakRow = {
  id: string;
  dt: string;
  ts: number;
  v: string;
};

export type SoakLine =
  | { kind: 'ack'; who: string; instant: string; rows: SoakRow[] }
  | { kind: 'error'; who: string; code: string; message: string; rows: SoakRow[] }
  | { kind: 'service'; who: string; what: string };

function print(line: SoakLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function errorLine(who: string, error: unknown, rows: SoakRow[]): SoakLine {
  const e = error as { code?: unknown; message?: unknown };
  return { kind: 'error', who, code: typeof e.code === 'string' ? e.code : 'UNTYPED', message: String(e.message ?? error), rows };
}

function openSoakStore(location: string): ObjectStore {
  if (location === 's3') return new S3Store(JSON.parse(process.env.SOAK_S3_OPTIONS ?? '{}'));
  return new LocalStore(location);
}

/** Fresh keys of this writer, plus a few keys every writer updates (those conflict). */
export function soakRows(writer: number, attempt: number, sharedKeys: number, random: () => number): SoakRow[] {
  // Unique per attempt: event-time ordering then tells which version of a shared key wins.
  const ts = Date.now() * 1000 + writer * 100 + (attempt % 100);
  const v = `w${writer}-a${attempt}`;
  const rows: SoakRow[] = [];
  for (let k = 0; k < 4; k++) rows.push({ id: `w${writer}-a${attempt}-k${k}`, dt: `d${k % 2}`, ts, v });
  if (sharedKeys > 0 && random() < 0.5) {
    const s = Math.floor(random() * sharedKeys);
    rows.push({ id: `shared-${s}`, dt: `d${s % 2}`, ts, v });
  }
  return rows;
}

export async function runWriter(table: HudiTable, writer: number, writes: number, sharedKeys: number, emit: (line: SoakLine) => void = print): Promise<void> {
  const who = `writer-${writer}`;
  for (let attempt = 0; attempt < writes; attempt++) {
    const rows = soakRows(writer, attempt, sharedKeys, Math.random);
    try {
      const result = await table.upsert(rows);
      emit({ kind: 'ack', who, instant: result.instant, rows });
    } catch (error) {
      emit(errorLine(who, error, rows));
    }
  }
}

/** Compaction (merge-on-read), clustering, clean and the rollback of failed writes, round after round. */
export async function runServices(table: HudiTable, stop: () => boolean, emit: (line: SoakLine) => void = print): Promise<void> {
  const who = 'services';
  const mor = table.config.type === 'MERGE_ON_READ';
  let round = 0;
  do {
    // Every fourth round treats every heartbeat as expired, as if each writer had paused for
    // longer than the expiry: live writes are rolled back under their writers. (More often, and a
    // writer on a slow store never gets a write through; the model needs some acknowledged.)
    const heartbeatExpiryMs = round++ % 4 === 3 ? -1 : undefined;
    const steps: [string, () => Promise<unknown>][] = [
      ...(mor ? [['compact', () => table.compact({ strategy: { kind: 'num-commits', minDeltaCommits: 2 } })] as [string, () => Promise<unknown>]] : []),
      ['cluster', () => table.clusterSmallFiles()],
      ['clean', () => table.clean({ policy: { kind: 'commits', retain: 2 }, readerGraceMs: 0 })],
      ['rollback', () => table.rollback(undefined, { heartbeatExpiryMs })],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
        emit({ kind: 'service', who, what });
      } catch (error) {
        emit(errorLine(`${who}:${what}`, error, []));
      }
    }
    // A pause between rounds, as a scheduled table service has; writers run meanwhile.
    await new Promise((r) => setTimeout(r, 50));
  } while (!stop());
}

const isMain = process.argv[1]?.endsWith('soak-child.ts');
if (isMain) {
  const [role, location, ...rest] = process.argv.slice(2);
  const table = await openTable(openSoakStore(location));
  if (role === 'writer') await runWriter(table, Number(rest[0]), Number(rest[1]), Number(rest[2]));
  else await runServices(table, () => existsSync(rest[0]));
}

// Concurrency soak: several real processes write one table at once (fresh keys of their own plus
// keys they all update), while another runs compaction, clustering, clean and the rollback of
// failed writes.
// A model then checks the table against what each writer was told: every acknowledged row is
// there unless a newer version of its key replaced it, no key is there twice, nothing is there
// that no writer wrote, and the only error a writer saw is a ConflictError.
//
// Multi-writer runs use local disk (conditional create through a hard link) and memory (in one
// process). s3rver ignores If-None-Match, so two S3 writers could both "create" the same commit
// claim or fence; on S3 one writer runs beside the services process instead.
//
// SOAK_WRITES=<n> sets the writes per writer (default 3); `pnpm soak` runs a long soak.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { MemoryStore, type ObjectStore } from '@lake/storage';
import { createTable, openTable, rowsToJson } from '@lake/core';
import { runServices, runWriter, type SoakLine, type SoakRow } from './support/soak-child.js';
import { withS3rver } from './support/s3rver.js';

const WRITES = Number(process.env.SOAK_WRITES ?? 3);
const SHARED_KEYS = 6;
const root = mkdtempSync(join(tmpdir(), 'lake-soak-'));
// SOAK_KEEP=1 keeps the tables and every printed line (lines-*.json) for a post-mortem.
const keep = process.env.SOAK_KEEP === '1';
afterAll(() => (keep ? console.log(`soak tables kept in ${root}`) : rmSync(root, { recursive: true, force: true })));
const child = join(__dirname, 'support', 'soak-child.ts');
const timeout = 120_000 + WRITES * 30_000;

function runChild(args: string[], env: Record<string, string> = {}): Promise<SoakLine[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', child, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) reject(new Error(`soak child ${args.slice(0, 3).join(' ')} exited with ${code}: ${err.slice(0, 2000)}`));
      else resolve(out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as SoakLine));
    });
  });
}

/** Runs the writers and, beside them until they end, the services; returns every line printed. */
async function soak(writers: ((i: number) => Promise<SoakLine[]>)[], services: (stop: () => boolean) => Promise<SoakLine[]>): Promise<SoakLine[]> {
  let done = false;
  const running = services(() => done);
  const written = await Promise.all(writers.map((w, i) => w(i)));
  done = true;
  return [...written.flat(), ...(await running)];
}

async function checkModel(store: ObjectStore, lines: SoakLine[], options: { minAcked: number }): Promise<void> {
  if (keep) writeFileSync(join(root, `lines-${Date.now()}.json`), JSON.stringify(lines, null, 1));
  const errors = lines.filter((l) => l.kind === 'error');
  expect(errors.filter((e) => e.code !== 'WRITE_CONFLICT'), 'errors other than ConflictError').toEqual([]);
  const acked = lines.filter((l) => l.kind === 'ack');
  // Writes fail only by conflict (with each other, or with a rollback that took them for dead);
  // some must get through.
  expect(acked.length, `acknowledged writes; errors seen: ${JSON.stringify(errors.slice(0, 3))}`).toBeGreaterThanOrEqual(options.minAcked);

  // Every version any attempt wrote, and the newest acknowledged version of each key.
  const written = new Map<string, SoakRow>();
  for (const l of lines) if (l.kind !== 'service') for (const r of l.rows) written.set(`${r.id}\u0000${r.ts}`, r);
  const newestAcked = new Map<string, SoakRow>();
  for (const a of acked) for (const r of a.rows) if ((newestAcked.get(r.id)?.ts ?? -1) < r.ts) newestAcked.set(r.id, r);

  const table = await openTable(store);
  const seen = new Map<string, SoakRow>();
  for await (const b of table.read({ withMeta: false })) {
    for (const row of rowsToJson(b)) {
      const r = { id: String(row.id), dt: String(row.dt), ts: Number(row.ts), v: String(row.v) };
      expect(seen.has(r.id), `key ${r.id} twice`).toBe(false);
      seen.set(r.id, r);
      expect(written.get(`${r.id}\u0000${r.ts}`), `row ${JSON.stringify(r)} that no writer wrote`).toEqual(r);
    }
  }
  for (const [id, want] of newestAcked) {
    const got = seen.get(id);
    expect(got, `acknowledged key ${id} (${want.v}) is missing`).toBeDefined();
    // A newer version (acknowledged or not: a writer may fail after committing) may replace it.
    expect(got!.ts, `acknowledged ${want.v} of ${id} replaced by an older version`).toBeGreaterThanOrEqual(want.ts);
  }
}

describe.each(['cow', 'mor'] as const)('%s concurrency soak', (type) => {
  it(`local disk: 3 writer processes x ${WRITES} writes beside compaction, clustering, clean and rollback`, async () => {
    const dir = join(root, `local-${type}`);
    await createTable(dir, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
    const stopFile = join(root, `stop-local-${type}`);
    const lines = await soak(
      [0, 1, 2].map(() => (i: number) => runChild(['writer', dir, String(i), String(WRITES), String(SHARED_KEYS)])),
      async (stop) => {
        const services = runChild(['services', dir, stopFile]);
        while (!stop()) await new Promise((r) => setTimeout(r, 50));
        writeFileSync(stopFile, '');
        return services;
      },
    );
    await checkModel(await openTable(dir).then((t) => t.store), lines, { minAcked: 1 });
  }, timeout);

  it(`memory: 3 writers x ${WRITES} writes in one process beside compaction, clustering, clean and rollback`, async () => {
    const store = new MemoryStore(`soak-${type}-${Date.now()}`);
    await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
    const lines: SoakLine[] = [];
    await soak(
      [0, 1, 2].map(() => async (i: number) => {
        await runWriter(await openTable(store), i, WRITES, SHARED_KEYS, (l) => lines.push(l));
        return [];
      }),
      async (stop) => {
        await runServices(await openTable(store), stop, (l) => lines.push(l));
        return [];
      },
    );
    await checkModel(store, lines, { minAcked: 1 });
  }, timeout);
});

describe('s3 concurrency soak', () => {
  const s3 = withS3rver();
  it.each(['cow', 'mor'] as const)(`%s: a writer process x ${WRITES} writes beside a services process`, async (type) => {
    const prefix = `soak-${type}-${Date.now()}`;
    const options = s3.storeOptions(prefix);
    const store = s3.makeStore(prefix);
    await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
    const env = { SOAK_S3_OPTIONS: JSON.stringify(options) };
    const stopFile = join(root, `stop-s3-${type}`);
    const lines = await soak([(i: number) => runChild(['writer', 's3', String(i), String(WRITES), String(SHARED_KEYS)], env)], async (stop) => {
      const services = runChild(['services', 's3', stopFile], env);
      while (!stop()) await new Promise((r) => setTimeout(r, 50));
      writeFileSync(stopFile, '');
      return services;
    });
    await checkModel(store, lines, { minAcked: 1 });
  }, timeout);
});

// What column bloom filters cost a write, file by file: the same rows encoded as a base file is
// (zstd, Hudi's record-key bloom filter in the footer) with and without a user_id filter, for
// files of 1k, 33k and 100k rows. The two encodes alternate in one process and the medians are
// compared, so JIT warm-up and the shared machine's load fall on both alike; CPU time is reported
// next to wall time because on a loaded machine it is the steadier of the two.

import { loadavg } from 'node:os';

import { createRecordKeyFooter } from '@lake/core/format';
import { writeParquet, type BloomFilterColumn } from '@lake/parquet';
import type { Table } from 'arrow21';

import type { BenchConfig } from '../config.js';
import { formatCount } from '../config.js';
import { median } from '../measure.js';
import type { EngineRun, ScenarioResult, Target } from '../results.js';

const FILE_ROWS = [1_000, 33_000, 100_000];
const FILTERS: BloomFilterColumn[] = [{ column: 'user_id' }];

interface Encoded {
  wallMs: number;
  cpuMs: number;
  bytes: number;
}

function encodeOnce(table: Table, keys: string[], bloom: boolean): Encoded {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const footer = createRecordKeyFooter({ type: 'DYNAMIC_V0' });
  for (const k of keys) footer.add(k);
  // arrow21 and the writer's apache-arrow are the same format; the writer only reads the table
  const file = writeParquet(table as never, { compression: 'zstd', metadata: footer.metadata(), ...(bloom ? { bloomFilters: FILTERS } : {}) });
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, bytes: file.length };
}

/**
 * Encodes of each file size, alternating with and without the filter: at least 30 of each, as
 * a median of fewer does not resolve 5% on a loaded machine.
 */
function repsFor(rows: number, cfg: BenchConfig): number {
  const budgetRows = cfg.mode === 'quick' ? 400_000 : 2_000_000;
  return Math.max(30, Math.min(60, Math.round(budgetRows / rows)));
}

function pct(withF: number, without: number): string {
  return `${(((withF - without) / without) * 100).toFixed(1)}%`;
}

/** `events` must hold at least 100k rows with a user_id column and the key column `key`. */
export function bloomWriteCost(events: Table, key: string, cfg: BenchConfig): ScenarioResult {
  const runs: EngineRun[] = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  for (const rows of FILE_ROWS.filter((r) => r <= events.numRows)) {
    const table = events.slice(0, rows);
    const keyCol = table.getChild(key)!;
    const keys = Array.from({ length: rows }, (_, i) => String(keyCol.get(i)));
    // warm-up: JIT and WebAssembly tiers for both variants
    for (let i = 0; i < 2; i++) {
      encodeOnce(table, keys, false);
      encodeOnce(table, keys, true);
    }
    const plain: Encoded[] = [];
    const bloom: Encoded[] = [];
    const reps = repsFor(rows, cfg);
    for (let i = 0; i < reps; i++) {
      // alternate which goes first, so neither always runs right after a collection
      if (i % 2 === 0) {
        plain.push(encodeOnce(table, keys, false));
        bloom.push(encodeOnce(table, keys, true));
      } else {
        bloom.push(encodeOnce(table, keys, true));
        plain.push(encodeOnce(table, keys, false));
      }
    }
    const p = { wall: median(plain.map((e) => e.wallMs)), cpu: median(plain.map((e) => e.cpuMs)), bytes: plain[0].bytes };
    const b = { wall: median(bloom.map((e) => e.wallMs)), cpu: median(bloom.map((e) => e.cpuMs)), bytes: bloom[0].bytes };
    const size = formatCount(rows);
    runs.push(
      { engine: `lake ${size}-row file (no filter)`, rows, ms: p.wall, peakRssDeltaMb: 0, peakHeapDeltaMb: 0, bytesWritten: p.bytes, extra: { cpuMs: Math.round(p.cpu * 10) / 10, encodes: reps } },
      { engine: `lake ${size}-row file (bloom filter)`, rows, ms: b.wall, peakRssDeltaMb: 0, peakHeapDeltaMb: 0, bytesWritten: b.bytes, extra: { cpuMs: Math.round(b.cpu * 10) / 10, encodes: reps } },
    );
    targets.push(
      { name: `filters add to the encode time of a ${size}-row file (CPU time; wall ${pct(b.wall, p.wall)})`, goal: '<= 5%', actual: pct(b.cpu, p.cpu), met: b.cpu <= p.cpu * 1.05 },
      { name: `filters add to the size of a ${size}-row file`, goal: '<= 5%', actual: pct(b.bytes, p.bytes), met: b.bytes <= p.bytes * 1.05 },
    );
    // the fastest encode of each kind: what is left when the machine's other load is least in the way
    const minCpu = (e: Encoded[]) => Math.min(...e.map((x) => x.cpuMs));
    // each pair ran back to back, so the load of the moment falls on both: the median of the
    // pairs' differences over the median encode is steadier than a difference of two medians
    const paired = median(bloom.map((e, i) => e.cpuMs - plain[i].cpuMs)) / p.cpu;
    notes.push(
      `${size} rows: median of ${reps} alternating encodes, ${p.cpu.toFixed(1)} ms CPU without, ${b.cpu.toFixed(1)} ms with (${pct(b.cpu, p.cpu)}); ` +
        `paired CPU difference ${(paired * 100).toFixed(1)}%; wall ${p.wall.toFixed(1)} vs ${b.wall.toFixed(1)} ms (${pct(b.wall, p.wall)}); fastest CPU ${minCpu(plain).toFixed(1)} vs ${minCpu(bloom).toFixed(1)} ms (${pct(minCpu(bloom), minCpu(plain))}); ` +
        `${p.bytes} B vs ${b.bytes} B; load average ${loadavg()[0].toFixed(1)}.`,
    );
  }
  notes.push('Parquet encode as the base-file writer does it (zstd, record-key bloom filter in the footer), without the meta columns and the store write.');
  return {
    id: 'erase-index-encode',
    title: 'Encoding one base file with and without a user_id bloom filter',
    size: FILE_ROWS.map(formatCount).join(', ') + ' rows',
    runs,
    targets,
    notes,
  };
}

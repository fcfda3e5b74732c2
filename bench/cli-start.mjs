#!/usr/bin/env node
// Start-up time of the compiled `lake` binary against bare Node in the same run: median of 10
// runs each of `node -e ""`, `lake --help` and `lake history` on a small table. Build first
// (`pnpm build`, which install runs). Target: both lake commands within 3x of bare Node.
// Usage: pnpm bench:cli

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages/cli/bin/lake.js');
const runs = 10;
const dir = mkdtempSync(join(tmpdir(), 'lake-cli-start-'));

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

function timeOnce(args) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median wall time of each command, run in turns so that a busy spell weighs on all of them. */
function timeInTurns(commands) {
  const samples = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach((args, c) => samples[c].push(timeOnce(args)));
  return samples.map(median);
}

try {
  const table = join(dir, 't');
  writeFileSync(join(dir, 'rows.ndjson'), '{"id":"a","n":1}\n{"id":"b","n":2}\n');
  execFileSync(process.execPath, [bin, 'create', table, '--key', 'id'], { stdio: 'ignore' });
  for (let i = 0; i < 3; i++) execFileSync(process.execPath, [bin, 'write', table, '--input', join(dir, 'rows.ndjson')], { stdio: 'ignore' });
  const [bare, help, history] = timeInTurns([['-e', ''], [bin, '--help'], [bin, 'history', table]]);
  const row = (name, ms) => `${name.padEnd(22)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / bare).toFixed(2)}x bare node`;
  console.log(`median of ${runs} runs`);
  console.log(row('node -e ""', bare));
  console.log(row('lake --help', help));
  console.log(row('lake history (3 commits)', history));
  process.exitCode = help / bare <= 3 && history / bare <= 3 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

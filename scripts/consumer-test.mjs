#!/usr/bin/env node
// The packages as npm users get them: builds, packs every package with `pnpm pack` (which turns
// workspace:* into versions), installs the tarballs with npm into a project outside the
// workspace, then (a) runs a plain-Node program against @lake/core, (b) type-checks a TypeScript
// file against the shipped declarations with strict consumer settings and skipLibCheck off,
// (c) runs the installed `lake` binary: create, write, show, compact. Exits non-zero on the
// first thing that would not work from npm.  Run: pnpm test:consumer

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const here = join(root, 'test', 'consumer');
const packages = ['storage', 'parquet', 'core', 'ingest', 'query', 'glue', 'cli'];
const work = mkdtempSync(join(tmpdir(), 'lake-consumer-'));
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const step = (what) => console.log(`consumer: ${what}`);
function fail(what, detail) {
  console.error(`consumer test failed: ${what}\n${detail ?? ''}`);
  process.exit(1);
}

try {
  step('build');
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'tsconfig.build.json')]);

  step('pack');
  const tgz = join(work, 'tgz');
  for (const p of packages) run('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', tgz], { cwd: join(root, 'packages', p) });
  const tarballs = readdirSync(tgz).filter((f) => f.endsWith('.tgz')).map((f) => join(tgz, f));
  if (tarballs.length !== packages.length) fail(`expected ${packages.length} tarballs, got ${tarballs.length}`);
  for (const t of tarballs) {
    const files = run('tar', ['-tzf', t]).split('\n').filter(Boolean);
    const manifest = run('tar', ['-xzOf', t, 'package/package.json']);
    if (manifest.includes('workspace:')) fail(`${t} still depends on workspace:*`, manifest);
    if (!files.includes('package/LICENSE')) fail(`${t} has no LICENSE`);
    const stray = files.filter((f) => !/^package\/(dist\/|bin\/|package\.json$|README\.md$|LICENSE$)/.test(f) || /\.test\.|tsbuildinfo/.test(f));
    if (stray.length > 0) fail(`${t} ships files it should not`, stray.join('\n'));
  }

  step('npm install of the tarballs');
  const app = join(work, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'lake-consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: app });

  step('(a) plain node app');
  copyFileSync(join(here, 'app.mjs'), join(app, 'app.mjs'));
  const printed = run(process.execPath, ['app.mjs'], { cwd: app }).trim();
  const expected = JSON.stringify([{ id: 'b', v: 'second, updated' }, { id: 'c', v: 'third' }]);
  if (printed !== expected) fail('app.mjs printed the wrong rows', `expected ${expected}\ngot      ${printed}`);

  step('(b) strict type-check against the shipped declarations');
  copyFileSync(join(here, 'consumer.ts'), join(app, 'consumer.ts'));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
      noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, skipLibCheck: false, types: ['node'],
    },
    files: ['consumer.ts'],
  }));
  // @types/node for the consumer: the workspace's copy (the tarballs do not ship it).
  run('mkdir', ['-p', join(app, 'node_modules/@types')]);
  run('cp', ['-rL', join(root, 'node_modules/@types/node'), join(app, 'node_modules/@types/node')]);
  try {
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.json')], { cwd: app });
  } catch (e) {
    fail('the shipped declarations do not type-check under strict consumer settings', `${e.stdout ?? ''}${e.stderr ?? ''}`.slice(0, 4000));
  }

  step('(c) the installed lake binary');
  const lake = join(app, 'node_modules/.bin/lake');
  const table = join(work, 'cli-table');
  writeFileSync(join(work, 'rows.ndjson'), '{"id":"x","n":1}\n{"id":"y","n":2}\n');
  writeFileSync(join(work, 'update.ndjson'), '{"id":"x","n":5}\n');
  run(lake, ['create', table, '--key', 'id', '--type', 'mor']);
  run(lake, ['write', table, '--input', join(work, 'rows.ndjson')]);
  run(lake, ['write', table, '--input', join(work, 'update.ndjson')]);
  const rowsOf = () => run(lake, ['show', table, '--format', 'ndjson', '--columns', 'id,n']).trim().split('\n').sort().join();
  const expectedRows = '{"id":"x","n":5},{"id":"y","n":2}';
  if (rowsOf() !== expectedRows) fail('lake show printed the wrong rows', rowsOf());
  const compacted = JSON.parse(run(lake, ['compact', table, '--json']));
  if (!(compacted.logFilesMerged > 0)) fail('lake compact merged no log file', JSON.stringify(compacted));
  if (rowsOf() !== expectedRows) fail('rows changed by compaction', rowsOf());
  console.log('consumer: every package works from npm');
} catch (e) {
  fail(e.message, `${e.stdout ?? ''}${e.stderr ?? ''}`.slice(0, 4000));
} finally {
  rmSync(work, { recursive: true, force: true });
}

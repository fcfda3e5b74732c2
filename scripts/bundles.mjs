#!/usr/bin/env node
// Single-file bundles of the library, built with esbuild from the TypeScript sources:
//   browser: storage (memory and S3 stores), parquet, core and query for platform=browser, with no
//            Node built-in allowed; the test in test/browser.test.ts runs it in headless Chromium.
//   node:    @lake/core, storage, parquet and query as one ES module for platform=node, the way a
//            Lambda function ships; `--measure` prints how long importing it takes.
// Usage: node scripts/bundles.mjs [--measure]    (writes .bundles/)

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, '.bundles');
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Fails the build on any import of a Node built-in: the bundle must run where there is none. */
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!nodeBuiltins.has(args.path)) return undefined;
      return { errors: [{ text: `${args.importer} imports the Node built-in "${args.path}", which browsers do not have` }] };
    });
  },
};

/**
 * The browser bundle: an ES module (its xxHash wasm is instantiated by a top-level await) that
 * sets `globalThis.lakeBrowser.run()`, with Parquet's wasm inlined.
 */
export async function buildBrowserBundle() {
  mkdirSync(OUT, { recursive: true });
  const outfile = join(OUT, 'lake-browser.js');
  await build({
    entryPoints: [join(ROOT, 'test/browser/entry.ts')],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@lake/source'],
    loader: { '.wasm': 'binary' },
    // parquet-wasm is @lake/parquet's dependency: its browser build's wasm is found from there.
    alias: { 'parquet-wasm/esm/parquet_wasm_bg.wasm': createRequire(join(ROOT, 'packages/parquet/package.json')).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm') },
    plugins: [noNodeBuiltins],
    logLevel: 'error',
  });
  return outfile;
}

/** The Lambda-style bundle: the library as one ES module for Node. */
export async function buildNodeBundle() {
  mkdirSync(OUT, { recursive: true });
  const entry = join(OUT, 'node-entry.mjs');
  writeFileSync(entry, "export * from '@lake/core';\nexport { scan, col } from '@lake/query';\nexport { openStore } from '@lake/storage';\n");
  const outfile = join(OUT, 'lake-node.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@lake/source'],
    nodePaths: [join(ROOT, 'node_modules')],
    // CommonJS dependencies inside an ES module bundle call require() for Node built-ins, and
    // parquet-wasm's Node build reads its .wasm from __dirname (shipped next to the bundle).
    banner: {
      js: [
        "import { createRequire as __lakeCreateRequire } from 'node:module';",
        "import { dirname as __lakeDirname } from 'node:path';",
        "import { fileURLToPath as __lakeFileURLToPath } from 'node:url';",
        'const require = __lakeCreateRequire(import.meta.url);',
        'const __dirname = __lakeDirname(__lakeFileURLToPath(import.meta.url));',
      ].join(' '),
    },
    logLevel: 'error',
  });
  const parquetRequire = createRequire(join(ROOT, 'packages/parquet/package.json'));
  copyFileSync(parquetRequire.resolve('parquet-wasm/node/parquet_wasm_bg.wasm'), join(OUT, 'parquet_wasm_bg.wasm'));
  return outfile;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(args) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const browser = await buildBrowserBundle();
  const node = await buildNodeBundle();
  console.log(`browser bundle ${browser}: ${(statSync(browser).size / 1e6).toFixed(1)} MB`);
  console.log(`node bundle    ${node}: ${(statSync(node).size / 1e6).toFixed(1)} MB`);
  if (process.argv.includes('--measure')) {
    const runs = 10;
    const bare = [];
    const imported = [];
    for (let i = 0; i < runs; i++) {
      bare.push(timeMs(['-e', '']));
      imported.push(timeMs(['--input-type=module', '-e', `await import(${JSON.stringify(node)})`]));
    }
    const b = median(bare);
    const m = median(imported);
    console.log(`node bundle import: median ${m.toFixed(0)} ms of ${runs} (bare node ${b.toFixed(0)} ms; import alone ~${(m - b).toFixed(0)} ms)`);
  }
}

// A measured child process runs as plain JavaScript, bundled from the sources once per bench
// process, as a deployed service runs: a TypeScript loader (tsx keeps every module's source and
// source map) adds 35–45 MB to the resident set that is no engine's cost.

import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Packages loaded from node_modules as they are: native and WebAssembly modules find their
 * binaries next to their own files. Everything else is bundled, each import resolved from its
 * importer (the packages do not all use one apache-arrow version).
 */
const EXTERNAL = ['@lancedb/lancedb', 'parquet-wasm', '@duckdb/node-api'];

const bundles = new Map<string, Promise<string>>();

/**
 * `entry` and the lake sources it imports as ES modules, in bench/.tmp/<name> (where the externals
 * resolve), dynamically imported parts in chunks of their own; returns the module to start.
 */
export function childBundle(entry: string, name: string): Promise<string> {
  let bundled = bundles.get(name);
  if (!bundled) {
    bundled = (async () => {
      const outdir = join(here, '..', '.tmp', name);
      await build({
        entryPoints: { [name]: entry },
        outdir,
        outExtension: { '.js': '.mjs' },
        bundle: true,
        splitting: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        conditions: ['@lake/source'],
        external: EXTERNAL,
        // bundled CommonJS dependencies call require(); an ES module has none of its own
        banner: { js: "import { createRequire as __lakeCreateRequire } from 'node:module'; const require = __lakeCreateRequire(import.meta.url);" },
        logLevel: 'error',
      });
      // Started through a module of its own: a bundled module's import.meta.url is its chunk's, so
      // a bundled "run when started directly" check (the ad-events generator has one) would take
      // the chunk for the program started.
      const launcher = join(outdir, 'launch.mjs');
      await writeFile(launcher, `import './${name}.mjs';\n`);
      return launcher;
    })();
    bundles.set(name, bundled);
  }
  return bundled;
}

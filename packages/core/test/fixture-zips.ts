// Test support: the Spark-written Hudi tables shipped as zips in test/fixtures/hudi, unzipped in
// memory. Paths are relative to the table root (the zip's top folder and __MACOSX entries dropped).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

import { SUPPORTED_TABLE_VERSIONS } from '../src/config/table-config.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const FIXTURE_ROOT = process.env.LAKE_HUDI_FIXTURES ?? resolve(repoRoot, 'test/fixtures/hudi');

/**
 * Zip paths relative to FIXTURE_ROOT, e.g. `sample_table/cow/v6_nonpartitioned.zip`, of the tables
 * whose table version lake reads; `allFixtureZips()` lists every one.
 */
export function fixtureZips(): string[] {
  return allFixtureZips().filter((zip) => {
    const props = loadFixture(zip).get('.hoodie/hoodie.properties');
    const version = Number(/^hoodie\.table\.version=(\d+)/m.exec(props ? textOf(props) : '')?.[1] ?? NaN);
    return (SUPPORTED_TABLE_VERSIONS as readonly number[]).includes(version);
  });
}

export function allFixtureZips(): string[] {
  if (!existsSync(FIXTURE_ROOT)) {
    throw new Error(`Hudi fixtures not found at ${FIXTURE_ROOT}; the repository ships them in test/fixtures/hudi (or set LAKE_HUDI_FIXTURES to a copy).`);
  }
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.zip')) out.push(relative(FIXTURE_ROOT, p));
    }
  };
  walk(FIXTURE_ROOT);
  return out.sort();
}

const cache = new Map<string, Map<string, Uint8Array>>();

export function loadFixture(zip: string): Map<string, Uint8Array> {
  const hit = cache.get(zip);
  if (hit) return hit;
  const entries = unzipSync(new Uint8Array(readFileSync(join(FIXTURE_ROOT, zip))));
  const files = new Map<string, Uint8Array>();
  for (const [path, bytes] of Object.entries(entries)) {
    if (path.startsWith('__MACOSX/') || path.endsWith('/')) continue;
    const slash = path.indexOf('/');
    files.set(slash < 0 ? path : path.slice(slash + 1), bytes);
  }
  cache.set(zip, files);
  return files;
}

export function textOf(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Parses a Java .properties file of the simple kind hoodie.properties is (no line continuations). */
export function parseJavaProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^((?:\\.|[^=:\\])*)[=:](.*)$/.exec(line);
    if (!m) continue;
    out[m[1].replace(/\\(.)/g, '$1')] = m[2].replace(/\\(.)/g, '$1');
  }
  return out;
}

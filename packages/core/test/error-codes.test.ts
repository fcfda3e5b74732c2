// LakeErrorCode lists every code the error classes of @lake/core and the layers beneath it use,
// so an exhaustive switch over it stays exhaustive when an error class is added.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAKE_ERROR_CODES } from '../src/index.js';

const sources = ['../src/errors.ts', '../../storage/src/errors.ts', '../../parquet/src/errors.ts'];

describe('LakeErrorCode', () => {
  it('names every code an error class of core, storage or parquet passes to LakeError', () => {
    const used = new Set<string>();
    for (const rel of sources) {
      const text = readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
      for (const m of text.matchAll(/(?:super\(\s*|\?\? |code: |\| )'([A-Z][A-Z0-9_]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((c) => !(LAKE_ERROR_CODES as readonly string[]).includes(c)).sort()).toEqual([]);
  });
});

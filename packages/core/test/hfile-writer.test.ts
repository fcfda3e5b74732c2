// The HFile writer against the reader: any sorted cells (repeated rows, empty values, rows that
// need multi-byte lengths, many blocks) read back whole and by key; and every HFile Hudi wrote
// into a fixture's metadata table, re-encoded, reads back to the same cells and file info.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { HFileFormatError } from '../src/errors.js';
import { rowString, type HFileCell } from '../src/hfile/cell.js';
import { FileInfoKey } from '../src/hfile/file-info.js';
import { compareBytes } from '../src/hfile/hfile-bytes.js';
import { openHFile, type HFileReader } from '../src/hfile/hfile-reader.js';
import { writeHFile } from '../src/hfile/hfile-writer.js';
import { allFixtureZips, loadFixture } from './fixture-zips.js';

async function all(r: HFileReader): Promise<HFileCell[]> {
  const out: HFileCell[] = [];
  for await (const c of r.cells()) out.push(c);
  return out;
}

const plain = (cells: HFileCell[]): [string, number[]][] => cells.map((c) => [rowString(c), [...c.value]]);

describe('writeHFile', () => {
  it('writes cells the reader returns whole and by key, over any number of blocks', async () => {
    const row = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ minLength: 130, maxLength: 300 }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ row, value: fc.uint8Array({ maxLength: 200 }) }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 5 }),
        async (raw, blockSize, probes) => {
          const enc = new TextEncoder();
          const cells = [...raw].sort((a, b) => compareBytes(enc.encode(a.row), enc.encode(b.row)));
          const bytes = writeHFile(cells, { blockSize, fileInfo: new Map([[FileInfoKey.SCHEMA, '{"type":"string"}']]) });
          const r = await openHFile(bytes);
          expect(r.entryCount).toBe(cells.length);
          expect(r.fileInfoText(FileInfoKey.SCHEMA)).toBe('{"type":"string"}');
          const want = cells.map((c): [string, number[]] => [c.row, [...c.value]]);
          expect(plain(await all(r))).toEqual(want);
          const keys = [...probes, ...cells.slice(0, 3).map((c) => c.row)];
          const wanted = new Set(keys);
          expect(plain(await r.get(keys))).toEqual(want.filter(([k]) => wanted.has(k)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses rows out of order, and no cells', () => {
    const v = new Uint8Array(0);
    expect(() => writeHFile([])).toThrow(HFileFormatError);
    expect(() =>
      writeHFile([
        { row: 'b', value: v },
        { row: 'a', value: v },
      ]),
    ).toThrow(HFileFormatError);
  });

  const hudiFiles = allFixtureZips().flatMap((zip) =>
    [...loadFixture(zip)].filter(([path]) => path.startsWith('.hoodie/metadata/') && path.endsWith('.hfile')).map(([path, bytes]) => ({ zip, path, bytes })),
  );

  it('re-encodes every HFile Hudi wrote to the same cells and file info', async () => {
    expect(hudiFiles.length).toBeGreaterThan(5);
    for (const f of hudiFiles) {
      const original = await openHFile(f.bytes, { path: f.path });
      const cells = await all(original);
      if (cells.length === 0) continue;
      const info = new Map([...original.fileInfo].filter(([k]) => !k.startsWith('hfile.') && k !== FileInfoKey.KEY_VALUE_VERSION && k !== FileInfoKey.MAX_MEMSTORE_TS));
      const copy = await openHFile(writeHFile(cells, { fileInfo: info, blockSize: 4096 }), { path: f.path });
      expect(plain(await all(copy)), `${f.zip} ${f.path}`).toEqual(plain(cells));
      for (const [k, v] of info) expect(copy.fileInfo.get(k), k).toEqual(v);
      expect(copy.keyRange()).toEqual(original.keyRange());
    }
  });
});

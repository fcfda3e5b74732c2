// Every HFile Spark's Hudi wrote into the fixture tables' metadata tables — base files of every
// metadata partition (files, column stats, partition stats, record and secondary indexes) and
// the HFiles inside HFile log blocks — reads whole, in key order, and finds each of its keys.

import { describe, expect, it } from 'vitest';

import { rowString, type HFileCell } from '../src/hfile/cell.js';
import { compareBytes } from '../src/hfile/hfile-bytes.js';
import { openHFile } from '../src/hfile/hfile-reader.js';
import { BlockType, HeaderKey } from '../src/log/log-format.js';
import { readLogBlocks } from '../src/log/log-reader.js';
import { allFixtureZips, loadFixture } from './fixture-zips.js';

async function check(bytes: Uint8Array, path: string): Promise<HFileCell[]> {
  const r = await openHFile(bytes, { path });
  const cells: HFileCell[] = [];
  for await (const c of r.cells()) cells.push(c);
  expect(cells.length, path).toBe(r.entryCount);
  for (let i = 1; i < cells.length; i++) expect(compareBytes(cells[i - 1]!.row, cells[i]!.row), path).toBeLessThanOrEqual(0);
  const range = r.keyRange();
  if (range && cells.length > 0) expect([range.min, range.max]).toEqual([rowString(cells[0]!), rowString(cells.at(-1)!)]);
  const keys = cells.map(rowString);
  expect((await r.get(keys)).map(rowString), path).toEqual(keys);
  return cells;
}

const tables = allFixtureZips().filter((zip) => [...loadFixture(zip).keys()].some((k) => k.startsWith('.hoodie/metadata/')));

describe('HFiles in the fixture tables', () => {
  for (const zip of tables) {
    it(`${zip}: base files and HFile log blocks of the metadata table read whole`, async () => {
      let baseFiles = 0;
      let logBlocks = 0;
      let cells = 0;
      for (const [path, bytes] of loadFixture(zip)) {
        if (!path.startsWith('.hoodie/metadata/') || path.startsWith('.hoodie/metadata/.hoodie/')) continue;
        const name = path.slice(path.lastIndexOf('/') + 1);
        if (name.endsWith('.hfile')) {
          cells += (await check(bytes, path)).length;
          baseFiles++;
        } else if (name.includes('.log.')) {
          for (const block of readLogBlocks(bytes).blocks) {
            if (block.type !== BlockType.HFILE_DATA) continue;
            expect(block.header.get(HeaderKey.SCHEMA), path).toContain('HoodieMetadataRecord');
            cells += (await check(block.content, `${path}@${block.offset}`)).length;
            logBlocks++;
          }
        }
      }
      expect(baseFiles + logBlocks).toBeGreaterThan(0);
      expect(cells).toBeGreaterThan(0);
    });
  }
});

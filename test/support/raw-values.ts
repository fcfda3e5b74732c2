// Looks for erased values in a table folder on local disk, independently of lake's own
// verification: every string cell of every Parquet file and log data block, every key of every
// delete block, and the raw bytes of every file (timeline, auxiliary files, quarantine, ...).

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { BlockType, decodeAvroDataBlock, decodeDeleteBlock, decodeParquetDataBlock, readLogBlocks } from '@lake/core/format';
import { readParquet } from '@lake/parquet';
import type { Table } from 'apache-arrow';

function tableHolds(t: Table, values: readonly string[]): boolean {
  for (const field of t.schema.fields) {
    for (const v of t.getChild(field.name) ?? []) if (typeof v === 'string' && values.some((x) => v.includes(x))) return true;
  }
  return false;
}

/** Files (relative to `dir`) that hold any of `values`, decoded or as raw bytes. */
export function rawValueLocations(dir: string, values: readonly string[]): string[] {
  const out: string[] = [];
  const needles = values.map((v) => Buffer.from(v, 'utf8'));
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const bytes = readFileSync(path);
    let hit = needles.some((n) => bytes.includes(n));
    if (!hit && e.name.endsWith('.parquet')) hit = tableHolds(readParquet(new Uint8Array(bytes)), values);
    if (!hit && e.name.includes('.log.')) {
      for (const b of readLogBlocks(new Uint8Array(bytes)).blocks) {
        if (b.type === BlockType.PARQUET_DATA) hit ||= tableHolds(decodeParquetDataBlock(b), values);
        if (b.type === BlockType.AVRO_DATA) hit ||= decodeAvroDataBlock(b).records.some((r) => Object.values(r).some((v) => typeof v === 'string' && values.some((x) => v.includes(x))));
        if (b.type === BlockType.DELETE) hit ||= decodeDeleteBlock(b).some((d) => values.some((x) => d.recordKey.includes(x)));
      }
    }
    if (hit) out.push(relative(dir, path));
  }
  return out.sort();
}

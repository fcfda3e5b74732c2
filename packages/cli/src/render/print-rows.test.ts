import { describe, expect, it } from 'vitest';
import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { DEFAULT_TABLE_LIMIT, printRows } from './print-rows.js';
import { tableSink } from './formats.js';

function batchOf(start: number, rows: number): RecordBatch {
  const ids = Int32Array.from({ length: rows }, (_, i) => start + i);
  return tableFromArrays({ id: ids, name: Array.from(ids, (i) => `row-${i}`) }).batches[0]!;
}

/** 1000 batches of 1000 rows, made as they are asked for; counts how many were made. */
function millionRows(): { batches: AsyncIterable<RecordBatch>; made: () => number } {
  let made = 0;
  const batch = batchOf(0, 1000);
  return {
    made: () => made,
    batches: (async function* () {
      for (let b = 0; b < 1000; b++) {
        made++;
        yield batch;
      }
    })(),
  };
}

describe('printRows', () => {
  it('prints the first rows of a million-row stream as a table while reading it, and says how many it left out', async () => {
    const rows = millionRows();
    const lines: string[] = [];
    let madeAtFirstRow = -1;
    const schema = batchOf(0, 1).schema;
    const result = await printRows(rows.batches, () => schema, { format: 'table', limit: undefined, explicitLimit: false }, (l) => {
      if (lines.length === 2) madeAtFirstRow = rows.made();
      lines.push(l);
    });
    expect(madeAtFirstRow).toBeGreaterThan(0);
    expect(madeAtFirstRow).toBeLessThanOrEqual(2);
    expect(result).toEqual({ printed: DEFAULT_TABLE_LIMIT, notShown: 1_000_000 - DEFAULT_TABLE_LIMIT });
    expect(lines[0]).toBe('id  | name');
    expect(lines[2]).toBe('0   | row-0');
    expect(lines).toHaveLength(2 + DEFAULT_TABLE_LIMIT + 2);
    expect(lines.at(-2)).toBe(`(${DEFAULT_TABLE_LIMIT} rows)`);
    expect(lines.at(-1)).toBe('(999000 more rows not shown: --limit 0 prints every row, --format ndjson or csv streams them)');
  });

  it('prints every row with --limit 0, and stops reading at an explicit limit', async () => {
    const all: string[] = [];
    await printRows([batchOf(0, 1500), batchOf(1500, 1500)], () => undefined, { format: 'table', limit: 0, explicitLimit: true }, (l) => all.push(l));
    expect(all).toHaveLength(2 + 3000 + 1);
    const rows = millionRows();
    const some: string[] = [];
    const r = await printRows(rows.batches, () => undefined, { format: 'ndjson', limit: 1500, explicitLimit: true }, (l) => some.push(l));
    expect(r.printed).toBe(1500);
    expect(some).toHaveLength(1500);
    expect(rows.made()).toBe(3);
  });

  it('streams ndjson without a limit', async () => {
    const lines: string[] = [];
    await printRows([batchOf(0, 1200), batchOf(1200, 1200)], () => undefined, { format: 'ndjson', limit: undefined, explicitLimit: false }, (l) => lines.push(l));
    expect(lines).toHaveLength(2400);
  });
});

describe('tableSink', () => {
  it('sizes columns on the first rows, then prints each row as it comes', () => {
    const lines: string[] = [];
    const sink = tableSink((l) => lines.push(l), 2);
    sink.write(batchOf(0, 1));
    expect(lines).toEqual([]);
    sink.write(batchOf(1, 2));
    expect(lines).toEqual(['id | name', '---+------', '0  | row-0', '1  | row-1', '2  | row-2']);
    sink.end(undefined);
    expect(lines.at(-1)).toBe('(3 rows)');
  });

  it('prints 130000 rows in one batch without running out of stack', () => {
    let count = 0;
    const sink = tableSink(() => count++, 200_000);
    sink.write(batchOf(0, 130_000));
    sink.end(undefined);
    expect(count).toBe(130_000 + 3);
  });
});

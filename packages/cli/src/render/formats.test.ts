import { describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { csvSink, ndjsonSink, tableSink } from './formats.js';

describe('output formats', () => {
  const batch = tableFromArrays({ id: Int32Array.from([1, 2]), name: ['a,b', 'say "hi"'] }).batches[0];
  it('ndjson prints one object per line', () => {
    const lines: string[] = [];
    const sink = ndjsonSink((l) => lines.push(l));
    sink.write(batch);
    sink.end(batch.schema);
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ id: 1, name: 'a,b' }, { id: 2, name: 'say "hi"' }]);
  });
  it('csv quotes per RFC 4180 and prints a header even with no rows', () => {
    const lines: string[] = [];
    const sink = csvSink((l) => lines.push(l));
    sink.write(batch);
    sink.end(batch.schema);
    expect(lines).toEqual(['id,name', '1,"a,b"', '2,"say ""hi"""']);
    const empty: string[] = [];
    csvSink((l) => empty.push(l)).end(batch.schema);
    expect(empty).toEqual(['id,name']);
  });
  it('table aligns columns and counts rows', () => {
    const lines: string[] = [];
    const sink = tableSink((l) => lines.push(l));
    sink.write(batch);
    sink.end(batch.schema);
    expect(lines[0]).toBe('id | name');
    expect(lines.at(-1)).toBe('(2 rows)');
    expect(lines[2]).toBe('1  | a,b');
  });
});

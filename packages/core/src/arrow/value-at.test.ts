import { describe, expect, it } from 'vitest';
import { DateDay, Float64, Int32, Int64, makeData, TimestampMicrosecond, Utf8, vectorFromArray, type Data, type DataType } from 'apache-arrow';

import { valueAt, valueReader } from './value-at.js';

function column<T extends DataType>(type: T, values: unknown[]): Data<T> {
  return vectorFromArray(values, type).data[0] as Data<T>;
}

describe('valueReader', () => {
  it('reads every row as valueAt does: fixed-width numbers with and without nulls, sliced, and other types', () => {
    const columns: Data[] = [
      column(new Int32(), [1, -2, 3, null, 5]),
      column(new Int64(), [1n, null, -3n, 4n, 2n ** 40n]),
      column(new Float64(), [0.5, 1.5, null, -2, 3]),
      column(new TimestampMicrosecond(), [1_700_000_000_000, 1, null, 0, 42]),
      column(new DateDay(), [new Date(0), null, new Date(86_400_000), new Date(0), new Date(0)]),
      column(new Int64(), [7n, 8n, 9n, 10n, 11n]),
      column(new Utf8(), ['a', null, 'c', 'd', 'e']),
      makeData({ type: new Int32(), length: 3, nullCount: 0, data: new Int32Array([4, 5, 6]) }),
    ];
    for (const data of [...columns, ...columns.map((d) => d.slice(2, 3))]) {
      const read = valueReader(data);
      for (let i = 0; i < data.length; i++) expect(read(i)).toEqual(valueAt(data, i));
    }
  });
});

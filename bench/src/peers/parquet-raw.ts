// Raw parquet-wasm: encode and decode without any table format around it, the floor lake's
// reads and writes stand on.

import * as wasm from 'parquet-wasm';
import { tableFromIPC, tableToIPC, type Table } from 'arrow21';

export const PARQUET_WASM_VERSION = '0.8.0';

/** Parquet bytes of `table`; `maxRowGroupRows` unset: parquet-wasm's default row-group size. */
export function rawEncode(table: Table, compression: wasm.Compression = wasm.Compression.SNAPPY, maxRowGroupRows?: number): Uint8Array {
  let builder = new wasm.WriterPropertiesBuilder().setCompression(compression);
  if (maxRowGroupRows !== undefined) builder = builder.setMaxRowGroupSize(maxRowGroupRows);
  const props = builder.build();
  return wasm.writeParquet(wasm.Table.fromIPCStream(tableToIPC(table, 'stream')), props);
}

export function rawDecode(bytes: Uint8Array, columns?: string[]): Table {
  const t = wasm.readParquet(bytes, columns ? { columns } : {});
  return tableFromIPC(t.intoIPCStream());
}

// @lake/parquet public API: Arrow <-> Parquet bytes, footer metadata, column statistics.
export { writeParquet, readParquet, type Compression, type WriteOptions, type ReadOptions } from './codec.js';

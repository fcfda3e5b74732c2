// Re-exports the public API the examples use, so each example imports from one place.
export { createTable, openTable, rowsToJson } from '@lake/core';
export type { RecordBatch as RecordBatchLike } from 'apache-arrow';

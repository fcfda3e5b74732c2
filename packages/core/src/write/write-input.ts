// A write's input made ready for planning: checked against the operation, aligned with the
// table's schema (which the write may evolve), keyed by the table's key generator, and
// de-duplicated so each (partition, key) appears once.

import { Schema, Table as ArrowTable, type RecordBatch } from 'apache-arrow';

import { concatBatches, takeRows } from '../arrow/take.js';
import type { TableConfig } from '../config/table-config.js';
import { InvalidWriteError } from '../errors.js';
import { createKeyGenerator, keyGeneratorOptionsFromProperties } from '../keygen/key-generator.js';
import { reconcileSchemas } from '../schema/compatibility.js';
import { withMetaFields as tableWithMetaFields } from '../schema/table-schema.js';
import type { Incoming } from './file-group-rewrite.js';
import { withoutMetaFields } from './meta-columns.js';
import { javaStringHashCodes } from '../index/key-hashes.js';
import { dedupeRows } from './dedupe-rows.js';
import { orderingReader } from './ordering.js';
import type { KeyedDeletes, WriteOperation } from './write-options.js';

export interface PreparedInput {
  /** The table's data schema after this write. */
  dataSchema: Schema;
  /** `dataSchema` with the meta fields, as base files store it. */
  fullSchema: Schema;
  incoming: Incoming;
}

/** `tableSchema` is the table's data schema before this write (undefined before the first). */
export function prepareInput(config: TableConfig, operation: WriteOperation, input: ArrowTable | KeyedDeletes, tableSchema: Schema | undefined): PreparedInput {
  if (!(input instanceof ArrowTable)) {
    if (operation !== 'delete') throw new InvalidWriteError(`Operation ${operation} needs records, not only keys.`);
    if (input.keys.length !== input.partitions.length) throw new InvalidWriteError('Keyed deletes need one partition path per key.');
  }
  const inputSchema = input instanceof ArrowTable ? input.schema : tableSchema ?? new Schema([]);
  const incomingSchema = withoutMetaFields(inputSchema);
  let dataSchema: Schema;
  let batch: RecordBatch;
  const inputBatch = input instanceof ArrowTable ? concatBatches(input.schema, input.batches) : concatBatches(inputSchema, []);
  if (operation === 'delete') {
    // Deletes name records; their columns (often only key and partition fields) never define
    // the table's schema.
    dataSchema = tableSchema ?? new Schema([]);
    batch = inputBatch;
  } else if (tableSchema && tableSchema.fields.length > 0) {
    const reconciled = reconcileSchemas(tableSchema, incomingSchema);
    dataSchema = reconciled.schema;
    batch = reconciled.align(inputBatch);
  } else {
    dataSchema = incomingSchema;
    batch = reconcileSchemas(incomingSchema, incomingSchema).align(inputBatch);
  }
  const fullSchema = tableWithMetaFields(dataSchema, config);

  let incoming: Incoming;
  if (input instanceof ArrowTable) {
    // New rows must not produce keys that collide; deletes still reach rows engines stored so.
    const keygen = createKeyGenerator({ ...keyGeneratorOptionsFromProperties(Object.fromEntries(config.raw)), rejectAmbiguousKeys: operation !== 'delete' });
    const generated = keygen.generate(batch);
    incoming = { batch, keys: generated.recordKeys, partitions: generated.partitionPaths, keyHashes: javaStringHashCodes(generated.recordKeys) };
  } else {
    incoming = { batch, keys: input.keys, partitions: input.partitions, keyHashes: javaStringHashCodes(input.keys) };
  }

  // De-duplicate within the batch: per (partition, key), the greatest ordering value wins.
  if (operation !== 'delete') {
    const ordering = config.orderingFields[0] ? orderingReader(batch.getChild(config.orderingFields[0])) : undefined;
    const { keys, partitions, keyHashes } = incoming;
    const hashes = keyHashes ?? javaStringHashCodes(keys);
    const keep = dedupeRows(keys, partitions, hashes, ordering);
    if (keep.length !== batch.numRows) incoming = takeIncoming({ ...incoming, keyHashes: hashes }, keep);
  }
  return { dataSchema, fullSchema, incoming };
}

/** The rows `keep` (ascending indexes) of a write's input, with their keys and key hashes. */
export function takeIncoming(incoming: Incoming, keep: ArrayLike<number>): Incoming {
  const { batch, keys, partitions, keyHashes } = incoming;
  return {
    batch: takeRows(batch, keep),
    keys: Array.from(keep, (i) => keys[i]),
    partitions: Array.from(keep, (i) => partitions[i]),
    ...(keyHashes ? { keyHashes: Int32Array.from(keep, (i) => keyHashes[i]) } : {}),
  };
}

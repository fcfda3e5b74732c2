// The quarantine: where records that fail validation go, with the reason and where they came
// from, instead of being dropped. NDJSON files in the table's auxiliary folder (Hudi engines
// ignore it), or rows of a separate lake table.

import { Field, Schema, TimeUnit, Timestamp, Utf8 } from 'apache-arrow';
import { createTable, type HudiTable } from '@lake/core';

export const QUARANTINE_PREFIX = '.hoodie/.aux/lake/quarantine/';

export interface QuarantinedRecord {
  /** Where the record came from (file and line, stream sequence, ...). */
  position: string;
  /** Every reason it was rejected, `field: what was wrong`. */
  reasons: string[];
  /** The record as the source delivered it (or its raw text when it could not be parsed). */
  record: unknown;
}

export interface QuarantineBatch {
  /** Stable for a batch's starting checkpoint, so a batch retried after a crash replaces its own entries. */
  batchId: string;
  sourceId: string;
  records: QuarantinedRecord[];
}

/** Receives a batch's invalid records before the batch commits; must be idempotent per batch id. */
export interface QuarantineSink {
  /** Stores the records; returns where they went (for logs and commit metadata). */
  write(batch: QuarantineBatch): Promise<string>;
  /**
   * Called instead of `write` when a batch has no invalid records: removes what an earlier,
   * uncommitted attempt at the same batch id stored, since its records will be read again.
   */
  discard?(batchId: string): Promise<void>;
}

function line(batch: QuarantineBatch, r: QuarantinedRecord): string {
  return JSON.stringify({ source: batch.sourceId, batch: batch.batchId, position: r.position, reason: r.reasons.join('; '), reasons: r.reasons, record: r.record }, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
}

/** NDJSON files `<table>/.hoodie/.aux/lake/quarantine/<batch id>.ndjson`, one line per record. */
export function fileQuarantine(table: HudiTable): QuarantineSink {
  return {
    async write(batch) {
      const key = `${QUARANTINE_PREFIX}${batch.batchId}.ndjson`;
      const text = batch.records.map((r) => line(batch, r)).join('\n') + '\n';
      await table.store.put(key, new TextEncoder().encode(text));
      return `${table.uri.replace(/\/+$/, '')}/${key}`;
    },
    async discard(batchId) {
      await table.store.delete(`${QUARANTINE_PREFIX}${batchId}.ndjson`);
    },
  };
}

/** The schema of a quarantine table: one row per rejected record, keyed by source and position. */
export const quarantineTableSchema = new Schema([
  new Field('quarantine_id', new Utf8(), false),
  new Field('source_id', new Utf8(), false),
  new Field('batch_id', new Utf8(), false),
  new Field('position', new Utf8(), false),
  new Field('reason', new Utf8(), false),
  new Field('record', new Utf8(), true),
  new Field('quarantined_at', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), false),
]);

/** Creates a lake table to quarantine into (non-partitioned, keyed by `quarantine_id`). */
export function createQuarantineTable(location: string, name?: string): Promise<HudiTable> {
  return createTable(location, { recordKey: ['quarantine_id'], schema: quarantineTableSchema, name, orderingField: 'quarantined_at' });
}

/**
 * Rows of a separate lake table (see `createQuarantineTable`). Rows are upserted by
 * `<source>|<position>`, so a batch retried after a crash does not quarantine a record twice.
 */
export function tableQuarantine(target: HudiTable, clock: () => Date = () => new Date()): QuarantineSink {
  return {
    async write(batch) {
      const now = clock();
      const rows = batch.records.map((r) => ({
        quarantine_id: `${batch.sourceId}|${r.position}`,
        source_id: batch.sourceId,
        batch_id: batch.batchId,
        position: r.position,
        reason: r.reasons.join('; '),
        record: typeof r.record === 'string' ? r.record : JSON.stringify(r.record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
        quarantined_at: now,
      }));
      const result = await target.upsert(rows);
      return `${target.uri} @ ${result.instant}`;
    },
  };
}

/** FNV-1a over the text, twice with different seeds: a short stable id, not a security hash. */
export function stableId(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

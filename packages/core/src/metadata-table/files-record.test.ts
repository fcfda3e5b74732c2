// Merging `files` records as Hudi does, checked against a model: a map of live files where an
// addition keeps the larger size and a deletion removes the file. Records are folded in order,
// whatever way the changes are batched into records.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CorruptMetadataTableError } from '../errors.js';
import { parseAvroSchema } from '../avro/avro-schema.js';
import { decodeFilesRecord, filesRecordOf, FilesRecordType, mergeFilesRecords, type FilesRecord } from './files-record.js';

type Change = { name: string; size: number; deleted: boolean };

const change = fc.record({
  name: fc.constantFrom('a.parquet', 'b.parquet', '.c.log.1_0-1-1', 'd.parquet'),
  size: fc.integer({ min: 1, max: 1000 }),
  deleted: fc.boolean(),
});

/** A record of one batch; within a record each name appears once (it is a map), the last change winning. */
function recordOf(batch: Change[]): FilesRecord {
  const files = new Map<string, { size: number; isDeleted: boolean }>();
  // Hudi writes deletions with size 0.
  for (const c of batch) files.set(c.name, { size: c.deleted ? 0 : c.size, isDeleted: c.deleted });
  return { key: 'p', type: FilesRecordType.FILE_LIST, files };
}

function live(r: FilesRecord): Map<string, number> {
  return new Map([...r.files].filter(([, e]) => !e.isDeleted).map(([n, e]) => [n, e.size]));
}

describe('mergeFilesRecords', () => {
  it('matches the live-file model for any sequence of records', () => {
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 5 }), { minLength: 1, maxLength: 8 }), (batches) => {
        const model = new Map<string, number>();
        for (const batch of batches) {
          const last = new Map(batch.map((c) => [c.name, c]));
          for (const c of last.values()) {
            if (c.deleted) model.delete(c.name);
            else model.set(c.name, Math.max(model.get(c.name) ?? 0, c.size));
          }
        }
        const merged = batches.map(recordOf).reduce((older, newer) => mergeFilesRecords(older, newer));
        expect(live(merged)).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a deletion of a file it has not seen, to cancel it in an older file merged later', () => {
    const merged = mergeFilesRecords(recordOf([]), recordOf([{ name: 'x', size: 0, deleted: true }]));
    expect(merged.files.get('x')).toEqual({ size: 0, isDeleted: true });
    expect(live(mergeFilesRecords(recordOf([{ name: 'x', size: 9, deleted: false }]), merged))).toEqual(new Map());
  });
});

describe('files records', () => {
  const schema = parseAvroSchema({
    type: 'record',
    name: 'HoodieMetadataRecord',
    fields: [
      { name: 'key', type: 'string' },
      { name: 'type', type: 'int' },
    ],
  });

  it('reports a value that does not decode as CORRUPT_METADATA_TABLE', () => {
    const truncated = new Uint8Array([0x08, 0x61]); // a 4-byte string holding 1 byte
    expect(() => decodeFilesRecord('p', truncated, schema, 'f.hfile')).toThrow(CorruptMetadataTableError);
  });

  it('reports bytes left after the record as CORRUPT_METADATA_TABLE', () => {
    const extra = new Uint8Array([0x02, 0x70, 0x04, 0x00]); // key "p", type 2, then a stray byte
    expect(() => decodeFilesRecord('p', extra, schema, 'f.hfile')).toThrow(/decodes to 3 bytes/);
  });

  it('refuses a record of another partition type', () => {
    expect(() => filesRecordOf('k', { type: 5, filesystemMetadata: null }, 'f.hfile')).toThrow(CorruptMetadataTableError);
    expect(filesRecordOf('k', { type: 2, filesystemMetadata: null }, undefined).files.size).toBe(0);
  });
});

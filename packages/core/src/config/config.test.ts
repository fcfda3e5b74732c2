// hoodie.properties: Java properties parsing and writing, the typed table config, Hudi's checksum.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { UnsupportedTableVersionError } from '../errors.js';
import { crc32, tableChecksum } from './checksum.js';
import { formatProperties, parseProperties } from './properties.js';
import { formatTableProperties, newTableProperties, parseTableConfig, tableConfigFromProperties } from './table-config.js';

describe('Java properties', () => {
  it('parses escapes, separators, comments and continuation lines as java.util.Properties does', () => {
    const text = [
      '#comment',
      '  ! another comment',
      'a=1',
      'b : two words ',
      'c\\:d=e\\=f',
      'schema={"type"\\:"record"}',
      'multi=first \\',
      '    second',
      'tab\\tkey=\\u00e9t\\u00E9',
      'empty=',
      'bare',
      'a=overridden',
    ].join('\n');
    const p = parseProperties(text);
    expect(Object.fromEntries(p)).toEqual({
      a: 'overridden',
      b: 'two words ',
      'c:d': 'e=f',
      schema: '{"type":"record"}',
      multi: 'first second',
      'tab\tkey': 'été',
      empty: '',
      bare: '',
    });
  });

  it('round-trips any keys and values through format and parse', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string()), { maxLength: 8 }), (entries) => {
        const unique = [...new Map(entries)];
        expect([...parseProperties(formatProperties(unique, ['a comment']))]).toEqual(unique);
      }),
    );
  });
});

describe('checksum', () => {
  it('is CRC32 of "<database>.<table>"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(tableChecksum('v6_empty', 'default')).toBe('1980710965');
    expect(tableChecksum('t')).toBe(String(crc32(new TextEncoder().encode('.t'))));
  });
});

describe('table config', () => {
  it('reads a version 8 config, stripping key generator types from partition fields', () => {
    const c = parseTableConfig(
      [
        'hoodie.table.name=trips',
        'hoodie.table.type=MERGE_ON_READ',
        'hoodie.table.version=8',
        'hoodie.timeline.layout.version=2',
        'hoodie.timeline.path=timeline',
        'hoodie.table.partition.fields=city:simple,ts:timestamp',
        'hoodie.table.recordkey.fields=uuid',
        'hoodie.table.precombine.field=ts',
        'hoodie.record.merge.strategy.id=ce9acb64-bde0-424c-9b91-f6ebba25356d',
        'hoodie.table.keygenerator.type=CUSTOM',
      ].join('\n'),
    );
    expect(c.partitionFields).toEqual([
      { name: 'city', keyGenType: 'simple' },
      { name: 'ts', keyGenType: 'timestamp' },
    ]);
    expect(c.timelineDir).toBe('.hoodie/timeline');
    expect(c.recordMergeMode).toBe('COMMIT_TIME_ORDERING');
    expect(c.populateMetaFields).toBe(true);
    expect(c.raw.get('hoodie.table.keygenerator.type')).toBe('CUSTOM');
  });

  it('infers the merge mode as Hudi does', () => {
    const mode = (props: Record<string, string>): string =>
      tableConfigFromProperties(new Map(Object.entries({ 'hoodie.table.name': 't', 'hoodie.table.version': '6', ...props }))).recordMergeMode;
    expect(mode({})).toBe('COMMIT_TIME_ORDERING');
    expect(mode({ 'hoodie.table.precombine.field': 'ts' })).toBe('EVENT_TIME_ORDERING');
    expect(mode({ 'hoodie.compaction.payload.class': 'org.apache.hudi.common.model.OverwriteWithLatestAvroPayload' })).toBe('COMMIT_TIME_ORDERING');
    expect(mode({ 'hoodie.compaction.payload.class': 'org.apache.hudi.common.model.DefaultHoodieRecordPayload' })).toBe('EVENT_TIME_ORDERING');
    expect(mode({ 'hoodie.compaction.payload.class': 'com.example.MyPayload' })).toBe('CUSTOM');
  });

  it('version 9: hoodie.record.merge.mode is what the table says, a legacy payload class notwithstanding', () => {
    const mode = (version: string, props: Record<string, string>): string =>
      tableConfigFromProperties(new Map(Object.entries({ 'hoodie.table.name': 't', 'hoodie.table.version': version, ...props }))).recordMergeMode;
    const legacy = { 'hoodie.table.legacy.payload.class': 'org.apache.hudi.common.model.DefaultHoodieRecordPayload' };
    expect(mode('9', { ...legacy, 'hoodie.record.merge.mode': 'COMMIT_TIME_ORDERING' })).toBe('COMMIT_TIME_ORDERING');
    expect(mode('9', { 'hoodie.table.ordering.fields': 'ts', 'hoodie.record.merge.mode': 'COMMIT_TIME_ORDERING' })).toBe('COMMIT_TIME_ORDERING');
    expect(mode('9', { 'hoodie.record.merge.mode': 'EVENT_TIME_ORDERING', 'hoodie.table.ordering.fields': 'ts' })).toBe('EVENT_TIME_ORDERING');
    // Without an explicit mode, version 9 infers as version 8 does.
    expect(mode('9', legacy)).toBe('EVENT_TIME_ORDERING');
    // Version 8 still lets the payload class decide.
    expect(mode('8', { ...legacy, 'hoodie.record.merge.mode': 'COMMIT_TIME_ORDERING' })).toBe('EVENT_TIME_ORDERING');
  });

  it.each(['0', '3', '7', '10', ''])('refuses table version "%s"', (v) => {
    expect(() => parseTableConfig(`hoodie.table.name=t\nhoodie.table.version=${v}`)).toThrow(UnsupportedTableVersionError);
  });

  it('writes a new table config that reads back, with the checksum Hudi expects', () => {
    const props = newTableProperties({
      name: 'events',
      databaseName: 'default',
      type: 'MERGE_ON_READ',
      recordKeyFields: ['id'],
      partitionFields: ['day'],
      orderingFields: ['ts'],
      createSchema: '{"type":"record","name":"r","fields":[]}',
    });
    const text = formatTableProperties(props, new Date(Date.UTC(2025, 0, 2, 3, 4, 5)));
    expect(text.split('\n')[0]).toBe('#Properties saved on 2025-01-02T03:04:05.000Z');
    expect(text.split('\n')[1]).toBe('#Thu Jan 02 03:04:05 UTC 2025');
    expect(text).toContain('hoodie.table.create.schema={"type"\\:"record","name"\\:"r","fields"\\:[]}');
    const c = parseTableConfig(text);
    expect(c.checksum).toBe(tableChecksum('events', 'default'));
    expect([c.name, c.type, c.version, c.timelineLayoutVersion]).toEqual(['events', 'MERGE_ON_READ', 6, 1]);
    expect(c.partitionFields).toEqual([{ name: 'day' }]);
    expect(c.orderingFields).toEqual(['ts']);
    expect(c.createSchema).toBe('{"type":"record","name":"r","fields":[]}');
  });
});

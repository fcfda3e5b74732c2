// Instant file names in both timeline layouts, instant times, and metadata decoding.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CorruptTimelineError } from '../errors.js';
import { parseCommitMetadata } from './commit-metadata.js';
import { ACTIONS, instantFileName, parseInstantFileName, type Instant } from './instant.js';
import { dateToInstantTime, instantTimeToDate } from './instant-time.js';

describe('instant file names', () => {
  it('parses layout 1 and layout 2 names', () => {
    expect(parseInstantFileName('20240418173550988.commit')).toEqual({ time: '20240418173550988', action: 'commit', state: 'completed' });
    expect(parseInstantFileName('20240418173550988.inflight')).toEqual({ time: '20240418173550988', action: 'commit', state: 'inflight' });
    expect(parseInstantFileName('20240418173550988.deltacommit.requested')).toEqual({
      time: '20240418173550988',
      action: 'deltacommit',
      state: 'requested',
    });
    expect(parseInstantFileName('20250713010535797_20250713010536200.commit')).toEqual({
      time: '20250713010535797',
      action: 'commit',
      state: 'completed',
      completionTime: '20250713010536200',
    });
    expect(parseInstantFileName('20250713010535797.clustering.inflight')?.action).toBe('clustering');
  });

  it.each(['hoodie.properties', 'archived', '.aux', '2024.commit', '20240418173550988.bogus', '20240418173550988_x.commit', '20240418173550988_20240418173550999.commit.inflight'])(
    'ignores %s',
    (name) => expect(parseInstantFileName(name)).toBeUndefined(),
  );

  it('formats and parses back any instant in both layouts', () => {
    const time = fc.bigInt({ min: 10n ** 16n, max: 10n ** 17n - 1n }).map(String);
    fc.assert(
      fc.property(time, time, fc.constantFrom(...ACTIONS), fc.constantFrom('requested', 'inflight', 'completed'), fc.constantFrom(1, 2), (t, ct, action, state, layout) => {
        const instant: Instant = { time: t, action, state: state as Instant['state'] };
        if (state === 'completed' && layout === 2) instant.completionTime = ct;
        expect(parseInstantFileName(instantFileName(instant, layout))).toEqual(instant);
      }),
    );
  });
});

describe('instant times', () => {
  it('convert to and from Dates in UTC and local time', () => {
    const d = new Date(Date.UTC(2024, 3, 18, 17, 32, 13, 674));
    expect(dateToInstantTime(d, 'UTC')).toBe('20240418173213674');
    expect(instantTimeToDate('20240418173213674', 'UTC')?.getTime()).toBe(d.getTime());
    expect(instantTimeToDate(dateToInstantTime(d, 'LOCAL'), 'LOCAL')?.getTime()).toBe(d.getTime());
    // Second-granularity instants stand for the last millisecond of their second, as in Hudi.
    expect(instantTimeToDate('20240418173213', 'UTC')?.getTime()).toBe(Date.UTC(2024, 3, 18, 17, 32, 13, 999));
    expect(instantTimeToDate('not a time', 'UTC')).toBeUndefined();
  });
});

describe('commit metadata', () => {
  it('reads JSON commit metadata', () => {
    const json = {
      partitionToWriteStats: { '10': [{ fileId: 'f1', path: '10/f1_0-1-1_1.parquet', numWrites: 3, numInserts: 2, numUpdateWrites: 1, prevCommit: 'null' }] },
      extraMetadata: { schema: '{"type":"record","name":"r","fields":[]}' },
      operationType: 'UPSERT',
      partitionToReplaceFileIds: { '20': ['f0'] },
    };
    const m = parseCommitMetadata(new TextEncoder().encode(JSON.stringify(json)), 'x.commit');
    expect(m.partitionToWriteStats.get('10')?.[0]).toMatchObject({ fileId: 'f1', partitionPath: '10', numWrites: 3, numInserts: 2 });
    expect(m.extraMetadata.get('schema')).toContain('record');
    expect(m.operationType).toBe('UPSERT');
    expect(m.partitionToReplaceFileIds.get('20')).toEqual(['f0']);
  });

  it('treats an empty file as empty metadata and garbage as corruption naming the file', () => {
    expect(parseCommitMetadata(new Uint8Array(), 'a.commit').partitionToWriteStats.size).toBe(0);
    expect(() => parseCommitMetadata(new Uint8Array([0xff, 0xfe, 0x00]), '.hoodie/b.commit')).toThrow(CorruptTimelineError);
    expect(() => parseCommitMetadata(new TextEncoder().encode('[1,2]'), '.hoodie/c.commit')).toThrow(/\.hoodie\/c\.commit/);
  });
});

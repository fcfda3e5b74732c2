import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import {
  claimKey,
  fenceKey,
  heartbeatKey,
  instantClaimKey,
  instantFileKey,
  isMetadataKey,
  markedFile,
  markerFolder,
  markerKey,
  timelineFolder,
} from './paths.js';

describe('.hoodie paths', () => {
  it('spell the keys Hudi engines and older lake versions read', () => {
    expect(markerKey('20240101000000000', 'dt=1/f_1-0-1_20240101000000000.parquet', 'CREATE')).toBe(
      '.hoodie/.temp/20240101000000000/dt=1/f_1-0-1_20240101000000000.parquet.marker.CREATE',
    );
    expect(heartbeatKey('20240101000000000')).toBe('.hoodie/.heartbeat/20240101000000000');
    expect(instantClaimKey('20240101000000000')).toBe('.hoodie/.aux/lake/instants/20240101000000000');
    expect(fenceKey('20240101000000000')).toBe('.hoodie/.aux/lake/fences/20240101000000000');
    expect(claimKey(42)).toBe('.hoodie/.aux/lake/claims/00000000000000000042.json');
    expect(timelineFolder(1, 'timeline')).toBe('.hoodie');
    expect(timelineFolder(2, 'timeline')).toBe('.hoodie/timeline');
    const layout1 = { timelineDir: '.hoodie', timelineLayoutVersion: 1 };
    expect(instantFileKey(layout1, { time: '20240101000000000', action: 'deltacommit', state: 'inflight' })).toBe('.hoodie/20240101000000000.deltacommit.inflight');
  });

  it('name back the data file of every marker', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9=_.-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.constantFrom('CREATE', 'MERGE', 'APPEND' as const), fc.stringMatching(/^\d{17}$/), (parts, type, instant) => {
        const path = parts.join('/');
        const marker = markerKey(instant, path, type);
        expect(marker.startsWith(markerFolder(instant))).toBe(true);
        expect(isMetadataKey(marker)).toBe(true);
        expect(markedFile(instant, marker)).toBe(path);
      }),
    );
  });

  it('tell metadata keys from data keys', () => {
    expect(isMetadataKey('.hoodie/hoodie.properties')).toBe(true);
    expect(isMetadataKey('.hoodie_partition_metadata')).toBe(false);
    expect(isMetadataKey('dt=1/.hoodie_partition_metadata')).toBe(false);
  });
});

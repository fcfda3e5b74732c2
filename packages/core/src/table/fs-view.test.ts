// The file-system view on hand-made layouts: only completed, not rolled-back instants count;
// replaced file groups vanish; logs join slices by base instant (v6) or completion time (v8);
// logs written during a pending compaction are read with the slice before it.

import { MemoryStore } from '@lake/storage';
import { describe, expect, it } from 'vitest';

import { parseTableConfig } from '../config/table-config.js';
import { loadTimeline } from '../timeline/timeline.js';
import { buildFileSystemView, latestFileSlices } from './fs-view.js';
import { listPartitions, partitionValues } from './partition.js';

const enc = new TextEncoder();
let n = 0;

async function table(version: 6 | 8, files: Record<string, string>): Promise<{ store: MemoryStore; props: string }> {
  const store = new MemoryStore(`fsview-${process.pid}-${++n}`);
  const props = [
    'hoodie.table.name=t',
    'hoodie.table.type=MERGE_ON_READ',
    `hoodie.table.version=${version}`,
    `hoodie.timeline.layout.version=${version === 8 ? 2 : 1}`,
    'hoodie.table.recordkey.fields=id',
    'hoodie.table.partition.fields=p',
    'hoodie.datasource.write.hive_style_partitioning=true',
  ].join('\n');
  await store.put('.hoodie/hoodie.properties', enc.encode(props));
  for (const [k, v] of Object.entries(files)) await store.put(k, enc.encode(v));
  return { store, props };
}

async function view(store: MemoryStore, props: string, asOf?: string) {
  const config = parseTableConfig(props);
  const timeline = await loadTimeline(store, config);
  return buildFileSystemView(store, timeline, { asOf });
}

const T1 = '20250101000000001';
const T2 = '20250101000000002';
const T3 = '20250101000000003';
const T4 = '20250101000000004';
const T5 = '20250101000000005';

function describeSlices(slices: ReturnType<typeof latestFileSlices>): string[] {
  return slices.map(
    (s) => `${s.partitionPath}/${s.fileId}@${s.baseInstantTime}:${s.baseFile ? s.baseFile.instantTime : '-'}:${s.logFiles.map((l) => `${l.instantTime}.${l.version}`).join(',')}`,
  );
}

describe('file-system view, table version 6', () => {
  it('keeps completed instants only, drops replaced groups and rolled-back writes', async () => {
    const { store, props } = await table(6, {
      [`.hoodie/${T1}.deltacommit`]: '{}',
      [`.hoodie/${T2}.deltacommit`]: '{}',
      [`.hoodie/${T3}.deltacommit.inflight`]: '',
      [`.hoodie/${T4}.replacecommit`]: JSON.stringify({ partitionToReplaceFileIds: { 'p=a': ['g2-0'] } }),
      [`.hoodie/${T5}.rollback`]: JSON.stringify({ commitsRollback: [T2] }),
      'p=a/.hoodie_partition_metadata': '',
      [`p=a/g1-0_0-1-1_${T1}.parquet`]: '',
      [`p=a/g1-0_0-1-1_${T2}.parquet`]: '',
      [`p=a/g1-0_0-1-1_${T3}.parquet`]: '',
      [`p=a/g2-0_0-1-1_${T1}.parquet`]: '',
      [`p=a/g3-0_0-1-1_${T4}.parquet`]: '',
      [`p=a/.g1-0_${T1}.log.1_0-1-1`]: '',
      [`p=a/.g1-0_${T1}.log.2_0-1-1`]: '',
      'p=a/.hidden/x.parquet': '',
    });
    expect(describeSlices(latestFileSlices(await view(store, props)))).toEqual([`p=a/g1-0@${T1}:${T1}:${T1}.1,${T1}.2`, `p=a/g3-0@${T4}:${T4}:`]);
    // Before the replace commit, g2 is still there.
    expect(describeSlices(latestFileSlices(await view(store, props, T3)))).toEqual([`p=a/g1-0@${T1}:${T1}:${T1}.1,${T1}.2`, `p=a/g2-0@${T1}:${T1}:`]);
  });

  it('reads logs written during a pending compaction with the slice before it', async () => {
    const { store, props } = await table(6, {
      [`.hoodie/${T1}.deltacommit`]: '{}',
      [`.hoodie/${T2}.compaction.requested`]: '',
      [`.hoodie/${T3}.deltacommit`]: '{}',
      [`p=a/g1-0_0-1-1_${T1}.parquet`]: '',
      [`p=a/.g1-0_${T1}.log.1_0-1-1`]: '',
      [`p=a/.g1-0_${T2}.log.1_0-1-1`]: '',
    });
    expect(describeSlices(latestFileSlices(await view(store, props)))).toEqual([`p=a/g1-0@${T1}:${T1}:${T1}.1,${T2}.1`]);
  });

  it('reads log-only file groups', async () => {
    const { store, props } = await table(6, {
      [`.hoodie/${T1}.deltacommit`]: '{}',
      [`p=a/.g1-0_${T1}.log.1_0-1-1`]: '',
    });
    expect(describeSlices(latestFileSlices(await view(store, props)))).toEqual([`p=a/g1-0@${T1}:-:${T1}.1`]);
  });
});

describe('file-system view, table version 8', () => {
  it('joins logs to the slice whose base instant precedes their completion', async () => {
    const { store, props } = await table(8, {
      [`.hoodie/timeline/${T1}_${T1}.deltacommit`]: '{}',
      // T2 started before the compaction at T3 was planned but completed after it.
      [`.hoodie/timeline/${T2}_${T4}.deltacommit`]: '{}',
      [`.hoodie/timeline/${T3}_${T3.replace(/3$/, '6')}.commit`]: '{}',
      [`.hoodie/timeline/${T5}.deltacommit.inflight`]: '',
      [`p=a/g1-0_0-1-1_${T1}.parquet`]: '',
      [`p=a/g1-0_0-1-1_${T3}.parquet`]: '',
      [`p=a/.g1-0_${T2}.log.1_0-1-1`]: '',
      [`p=a/.g1-0_${T5}.log.1_0-1-1`]: '',
    });
    const v = await view(store, props);
    expect(v.fileGroups[0].slices.map((s) => `${s.baseInstantTime}:${s.logFiles.map((l) => l.instantTime).join(',')}`)).toEqual([
      `${T1}:`,
      `${T3}:${T2}`,
    ]);
    expect(describeSlices(latestFileSlices(await view(store, props, T2)))).toEqual([`p=a/g1-0@${T1}:${T1}:${T2}.1`]);
  });
});

describe('partitions', () => {
  it('finds nested partitions and parses their values', async () => {
    const { store, props } = await table(6, {
      'a=1/b=x%2Fy/.hoodie_partition_metadata': '',
      'a=2/b=z/f-0_0-1-1_20250101000000001.parquet': '',
      'a=3/README.txt': '',
      '.hoodie/metadata/files/x.parquet': '',
    });
    expect((await listPartitions(store)).map((p) => p.path)).toEqual(['a=1/b=x%2Fy', 'a=2/b=z']);
    const config = parseTableConfig(
      props.replace('hoodie.table.partition.fields=p', 'hoodie.table.partition.fields=a,b') + '\nhoodie.datasource.write.partitionpath.urlencode=true',
    );
    expect(Object.fromEntries(partitionValues(config, 'a=1/b=x%2Fy'))).toEqual({ a: '1', b: 'x/y' });
  });
});

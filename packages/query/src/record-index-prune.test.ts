import { afterAll, describe, expect, it } from 'vitest';

import { buildFileSystemView, fileGroupKey, latestFileSlices, openTable } from '@lake/core/format';

import { cleanupFixtures, fixture, memoryCopy } from '../../../test/support/fixtures.js';
import { recordIndexFileGroups, type RecordIndexPruneInput } from './record-index-prune.js';

afterAll(() => cleanupFixtures());

/** The inputs of a latest read of the table written by Spark with a record index. */
async function inputs(keys: string[]): Promise<RecordIndexPruneInput> {
  const table = await openTable(await memoryCopy(fixture('sample_table/cow/v9_timebasedkeygen_nonhivestyle').root));
  const timeline = await table.timeline();
  const view = await buildFileSystemView(table.store, timeline, { listing: await table.partitionListing(timeline, undefined) });
  const viewGroups = new Set(latestFileSlices(view).map((s) => fileGroupKey(s.partitionPath, s.fileId)));
  return { store: table.store, table, timeline, asOf: undefined, keys, viewGroups, isValidInstant: view.isVisible, useMetadataTable: undefined };
}

// TXN-004 is in file group 38c3314d-...-0 of partition 2024/01/17/14, written by the table's first
// INSERT and never again; the second INSERT stored TXN-001 a second time.
const TXN_004 = fileGroupKey('2024/01/17/14', '38c3314d-9c20-4306-9cd3-acae0e09ef55-0');

describe('which file groups the record index lets a key lookup skip', () => {
  it('a key in a file group untouched since before any key could be stored twice: only that group', async () => {
    expect(await recordIndexFileGroups(await inputs(['TXN-004']))).toEqual(new Set([TXN_004]));
  });

  it('an index naming a file group the read does not have (stale, or the group replaced) is not used', async () => {
    const input = await inputs(['TXN-004']);
    const viewGroups = new Set([...input.viewGroups].filter((g) => g !== TXN_004));
    expect(await recordIndexFileGroups({ ...input, viewGroups })).toBeUndefined();
  });

  it('a key the index does not hold, once keys may have been stored twice, could be an older copy left by a delete: not used', async () => {
    expect(await recordIndexFileGroups(await inputs(['TXN-004', 'no-such-key']))).toBeUndefined();
    // TXN-002 was deleted after the second INSERT
    expect(await recordIndexFileGroups(await inputs(['TXN-002']))).toBeUndefined();
  });

  it('a key whose file group an insert wrote after the first write is not trusted to be its only copy', async () => {
    expect(await recordIndexFileGroups(await inputs(['TXN-001']))).toBeUndefined();
    expect(await recordIndexFileGroups(await inputs(['TXN-004', 'TXN-005']))).toBeUndefined();
  });

  it('useMetadataTable: false reads no index', async () => {
    expect(await recordIndexFileGroups({ ...(await inputs(['TXN-004'])), useMetadataTable: false })).toBeUndefined();
  });
});

// Where the soak's table lives (local disk, or an S3 server behind a fixed added latency) and how
// it is made: an hourly-partitioned merge-on-read table of ad events, as a user would create it.

import { Field, Schema, Utf8 } from 'arrow21';
import { adSchema } from '../data.js';
import { createTable, openTable, type HudiTable } from '@lake/core';
import { LatencyStore, LocalStore, S3Store, type ObjectStore } from '@lake/storage';

export type SoakLocation =
  | { kind: 'local'; dir: string }
  | { kind: 's3'; endpoint: string; bucket: string; prefix: string; latencyMs: number };

// The bench's ad events (data.ts) with the event hour as partition column instead of the payload.
const SOAK_SCHEMA = new Schema([...adSchema.fields.filter((f) => f.name !== 'payload'), new Field('hr', new Utf8(), false)]);

/** The table's own store, unwrapped (for inspection after the run: no latency, no counting). */
export function rawStore(location: SoakLocation): { store: ObjectStore; close: () => void } {
  if (location.kind === 'local') return { store: new LocalStore(location.dir), close: () => undefined };
  const s3 = new S3Store({
    bucket: location.bucket,
    prefix: location.prefix,
    endpoint: location.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return { store: s3, close: () => s3.destroy() };
}

/**
 * The store the writer uses: the raw store behind a LatencyStore, which counts requests and round
 * trips per commit (with no delay added on local disk, 20 ms per request on S3).
 */
export function measuredStore(location: SoakLocation): { store: LatencyStore; close: () => void } {
  const raw = rawStore(location);
  return { store: new LatencyStore(raw.store, { latencyMs: location.kind === 's3' ? location.latencyMs : 0 }), close: raw.close };
}

/**
 * A streaming table's archive settings. Hudi's defaults (keep 20–30 commits) archive cleans on
 * their own count, so a job that cleans every few commits keeps 20–30 cleans beside 20–30 writes:
 * up to 180 timeline files. A job that commits every few seconds keeps 11–15 of each instead, the
 * least Hudi allows above hoodie.cleaner.commits.retained (10); incremental reads reaching further
 * back read the archived timeline.
 */
const SOAK_ARCHIVE_PROPERTIES = {
  'hoodie.keep.min.commits': '11',
  'hoodie.keep.max.commits': '15',
  'hoodie.cleaner.commits.retained': '10',
} as const;

export function createSoakTable(store: ObjectStore): Promise<HudiTable> {
  return createTable(store, {
    name: 'ad_events_soak',
    recordKey: ['impression_id'],
    partitionBy: ['hr'],
    orderingField: 'ts',
    type: 'mor',
    schema: SOAK_SCHEMA,
    properties: SOAK_ARCHIVE_PROPERTIES,
  });
}

export function openSoakTable(store: ObjectStore): Promise<HudiTable> {
  return openTable(store);
}

export function describeLocation(location: SoakLocation): string {
  return location.kind === 'local' ? 'local disk' : `s3rver + ${location.latencyMs} ms per request`;
}

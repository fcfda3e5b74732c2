// The three ad-events tables (impressions, clicks, conversions): copy-on-write, partitioned by
// `dt` (UTC date of `ts`, plain folders), ordering field `ts`, record keys the event ids.

import { join } from 'node:path';
import { Field, Float64, Schema, TimeUnit, Timestamp, Utf8 } from 'apache-arrow';
import { createTable, type HudiTable } from '@lake/core';

const text = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);
const ts = new Field('ts', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), false);
const dt = text('dt');

const adSchemas = {
  impressions: new Schema([
    text('impression_id'), text('user_id'), text('campaign_id'), ts,
    new Field('cost', new Float64(), false), text('country', true), text('device', true), dt,
  ]),
  clicks: new Schema([text('click_id'), text('impression_id'), text('user_id'), text('campaign_id'), ts, dt]),
  conversions: new Schema([
    text('conversion_id'), text('click_id'), text('impression_id'), text('user_id'), text('campaign_id'), ts,
    new Field('revenue', new Float64(), false), dt,
  ]),
} as const;

export type AdKind = keyof typeof adSchemas;
export const AD_KINDS: readonly AdKind[] = ['impressions', 'clicks', 'conversions'];
export const recordKeyOf: Record<AdKind, string> = { impressions: 'impression_id', clicks: 'click_id', conversions: 'conversion_id' };

/** Creates the three tables under `tablesDir` (one folder each). */
export async function createAdTables(tablesDir: string): Promise<Record<AdKind, HudiTable>> {
  const out = {} as Record<AdKind, HudiTable>;
  for (const kind of AD_KINDS) {
    out[kind] = await createTable(join(tablesDir, kind), {
      name: kind,
      recordKey: [recordKeyOf[kind]],
      partitionBy: ['dt'],
      orderingField: 'ts',
      hiveStylePartitioning: false,
      schema: adSchemas[kind],
    });
  }
  return out;
}

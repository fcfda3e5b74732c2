// Deterministic ad events as Firehose delivers them: NDJSON under `<work>/raw/<kind>/yyyy/mm/dd/HH/`,
// with ~2% duplicate deliveries and ~1% malformed records (missing fields, bad timestamps,
// non-numeric cost or revenue, cut-off lines). Alone: `npx tsx examples/ad-events/generate.ts <dir>`.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdKind } from './tables.js';

export interface GenerateOptions {
  /** Impressions to generate (clicks ~8% of them, conversions ~12% of clicks). Default 12 000. */
  impressions?: number;
  seed?: number;
  /** First hour of events (UTC). Default 2024-05-01T00:00Z. */
  start?: Date;
  /** Hours the events span. Default 36. */
  hours?: number;
}

interface KindStats {
  /** Distinct valid records: what the table must hold. */
  unique: number;
  /** Extra deliveries of valid records already written. */
  duplicates: number;
  malformed: number;
  /** Lines written. */
  lines: number;
  files: number;
}

export type GenerateStats = Record<AdKind, KindStats>;

/** mulberry32: small, fast and the same on every platform. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'BR', 'IN', 'JP', 'CA'];
const DEVICES = ['mobile', 'desktop', 'tablet', 'ctv'];
const id = (prefix: string, n: number, width = 6) => `${prefix}-${String(n).padStart(width, '0')}`;

type Event = Record<string, unknown> & { ts: number };

/** Spoils a record the way real pipelines do; returns the spoiled copy. */
function malform(kind: AdKind, record: Event, rnd: () => number): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record, ts: new Date(record.ts).toISOString() };
  const pick = Math.floor(rnd() * 3);
  if (pick === 0) delete copy[kind === 'impressions' ? 'campaign_id' : 'user_id'];
  else if (pick === 1) copy.ts = rnd() < 0.5 ? '2024-13-45T99:00:00Z' : 'yesterday';
  else if (kind === 'impressions') copy.cost = `$${(rnd() * 0.5).toFixed(2)}`;
  else if (kind === 'conversions') copy.revenue = 'n/a';
  else delete copy.impression_id;
  return copy;
}

function hourPath(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}`;
}

/** Writes the raw files under `<work>/raw/<kind>/...`; returns what the tables should end up with. */
export async function generateAdEvents(work: string, options: GenerateOptions = {}): Promise<GenerateStats> {
  const rnd = random(options.seed ?? 42);
  const start = (options.start ?? new Date(Date.UTC(2024, 4, 1))).getTime();
  const span = (options.hours ?? 36) * 3600_000;
  const impressionsWanted = options.impressions ?? 12_000;
  const users = Math.max(10, Math.floor(impressionsWanted / 20));
  const events: Record<AdKind, Event[]> = { impressions: [], clicks: [], conversions: [] };

  for (let i = 0; i < impressionsWanted; i++) {
    const ts = start + Math.floor((i / impressionsWanted) * span + rnd() * 1000);
    const imp: Event = {
      impression_id: id('imp', i),
      user_id: id('u', Math.floor(rnd() * users), 4),
      campaign_id: id('c', Math.floor(rnd() * rnd() * 12), 2),
      ts,
      cost: Math.round((0.02 + rnd() * 0.4) * 10_000) / 10_000,
      country: COUNTRIES[Math.floor(rnd() * COUNTRIES.length)],
      device: DEVICES[Math.floor(rnd() * rnd() * DEVICES.length)],
    };
    events.impressions.push(imp);
    if (rnd() < 0.08) {
      const click: Event = {
        click_id: id('clk', events.clicks.length),
        impression_id: imp.impression_id,
        user_id: imp.user_id,
        campaign_id: imp.campaign_id,
        ts: ts + 1000 + Math.floor(rnd() * 600_000),
      };
      events.clicks.push(click);
      if (rnd() < 0.12) {
        events.conversions.push({
          conversion_id: id('cnv', events.conversions.length),
          click_id: click.click_id,
          impression_id: imp.impression_id,
          user_id: imp.user_id,
          campaign_id: imp.campaign_id,
          ts: click.ts + 5000 + Math.floor(rnd() * 3_600_000),
          revenue: Math.round((5 + rnd() * 120) * 100) / 100,
        });
      }
    }
  }

  const stats = {} as GenerateStats;
  for (const kind of ['impressions', 'clicks', 'conversions'] as const) {
    const list = events[kind].sort((a, b) => a.ts - b.ts);
    const s: KindStats = { unique: 0, duplicates: 0, malformed: 0, lines: 0, files: 0 };
    // Files per hour, at most 500 lines each, as a delivery stream buffers them.
    const byHour = new Map<string, string[]>();
    const emit = (ms: number, line: string) => {
      const hour = hourPath(ms);
      const lines = byHour.get(hour) ?? [];
      lines.push(line);
      byHour.set(hour, lines);
      s.lines++;
    };
    for (const e of list) {
      if (rnd() < 0.01) {
        // A malformed record: its own id, so it never shadows a valid one.
        s.malformed++;
        const bad = malform(kind, e, rnd);
        emit(e.ts, rnd() < 0.1 ? JSON.stringify(bad).slice(0, 25) : JSON.stringify(bad));
        continue;
      }
      // Timestamps as the producers send them: ISO text for impressions and conversions, epoch ms for clicks.
      const line = JSON.stringify(kind === 'clicks' ? e : { ...e, ts: new Date(e.ts).toISOString() });
      s.unique++;
      emit(e.ts, line);
      if (rnd() < 0.02) {
        // At-least-once delivery: the same record again, in the same or a later file.
        s.duplicates++;
        emit(e.ts + Math.floor(rnd() * 3_600_000), line);
      }
    }
    for (const [hour, lines] of byHour) {
      const dir = join(work, 'raw', kind, hour);
      await mkdir(dir, { recursive: true });
      for (let part = 0; part * 500 < lines.length; part++) {
        const name = `part-${String(part).padStart(4, '0')}.ndjson`;
        await writeFile(join(dir, name), lines.slice(part * 500, (part + 1) * 500).join('\n') + '\n');
        s.files++;
      }
    }
    stats[kind] = s;
  }
  return stats;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const work = process.argv[2];
  if (!work) {
    console.error('usage: generate.ts <work folder> [impressions] [seed]');
    process.exit(2);
  }
  const stats = await generateAdEvents(work, { impressions: Number(process.argv[3] ?? 12_000), seed: Number(process.argv[4] ?? 42) });
  console.log(JSON.stringify(stats, null, 2));
}

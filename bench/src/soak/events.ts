// The soak's input: one day of ad events as NDJSON files, one file per micro-batch, as a
// Firehose-style delivery would land them. Deterministic (seeded), so every run and the raw floor
// see the same bytes. Duplicates are exact redeliveries of a recent event (same line, so same key
// and same hour partition); late events carry an event time hours or days before their arrival.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const DAY_MS = 86_400_000;
/** The streamed day starts here (UTC); very late events fall on the days before it. */
const DAY_START_MS = Date.UTC(2026, 10, 30);

export interface EventMix {
  /** Share of lines that redeliver a recent event. */
  duplicates: number;
  /** Share of new events arriving 1–6 hours late (an earlier hour, or the day before). */
  lateHours: number;
  /** Share of new events arriving 1–2 days late. */
  lateDays: number;
}

const DEFAULT_MIX: EventMix = { duplicates: 0.02, lateHours: 0.01, lateDays: 0.001 };

/** What the files hold, for checking the table against it. */
export interface GeneratedEvents {
  lines: number;
  files: string[];
  bytes: number;
  /** Distinct events (lines minus redeliveries). */
  distinct: number;
  duplicates: number;
  lateHours: number;
  lateDays: number;
  /** Distinct events per hour partition (`YYYY-MM-DD-HH`, as `hourOf` derives it). */
  perPartition: Record<string, number>;
}

/** mulberry32: small, fast and the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The partition value `hourOf` gives an event time: `YYYY-MM-DD-HH` in UTC. */
export function hourPartition(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}`;
}

const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA', 'ES', 'IT'];
const DEVICES = ['ios', 'android', 'desktop', 'tv'];
/** Redeliveries repeat one of the last this many events, so most land in a later batch. */
const REDELIVERY_WINDOW = 20_000;

/**
 * Writes `lines` events as `batches` files of equal size into `dir` (`part-000000.ndjson`, ...),
 * arrival times spread evenly over the day.
 */
export async function generateEvents(dir: string, lines: number, batches: number, mix: EventMix = DEFAULT_MIX, seed = 42): Promise<GeneratedEvents> {
  await mkdir(dir, { recursive: true });
  const random = rng(seed);
  const recent: string[] = [];
  const perPartition: Record<string, number> = {};
  const out: GeneratedEvents = { lines, files: [], bytes: 0, distinct: 0, duplicates: 0, lateHours: 0, lateDays: 0, perPartition };
  const perFile = Math.ceil(lines / batches);
  for (let f = 0, j = 0; j < lines; f++) {
    const chunk: string[] = [];
    for (const end = Math.min(lines, j + perFile); j < end; j++) {
      if (recent.length > 0 && random() < mix.duplicates) {
        chunk.push(recent[Math.floor(random() * recent.length)]);
        out.duplicates++;
        continue;
      }
      const id = out.distinct++;
      const arrival = DAY_START_MS + Math.floor((j * DAY_MS) / lines);
      const r = random();
      let lag: number;
      if (r < mix.lateDays) {
        lag = DAY_MS * (1 + random());
        out.lateDays++;
      } else if (r < mix.lateDays + mix.lateHours) {
        lag = 3_600_000 * (1 + 5 * random());
        out.lateHours++;
      } else lag = 30_000 * random();
      const ts = Math.max(0, Math.floor(arrival - lag));
      const hour = hourPartition(ts);
      perPartition[hour] = (perPartition[hour] ?? 0) + 1;
      const user = Math.floor(random() * 2_000_000);
      const line =
        `{"impression_id":"imp-${String(id).padStart(12, '0')}","user_id":"u${String(user).padStart(9, '0')}",` +
        `"campaign_id":${Math.floor(random() * 1000)},"ts":${ts},"cost":${(random() * 0.05).toFixed(6)},` +
        `"country":"${COUNTRIES[Math.floor(random() * COUNTRIES.length)]}","device":"${DEVICES[Math.floor(random() * DEVICES.length)]}"}`;
      chunk.push(line);
      if (recent.length < REDELIVERY_WINDOW) recent.push(line);
      else recent[id % REDELIVERY_WINDOW] = line;
    }
    const text = chunk.join('\n') + '\n';
    const file = join(dir, `part-${String(f).padStart(6, '0')}.ndjson`);
    await writeFile(file, text);
    out.files.push(file);
    out.bytes += Buffer.byteLength(text);
  }
  return out;
}

/**
 * What the NDJSON files in `dir` hold, read back from them: all files, or those up to and
 * including `lastFile`, of which only the first `lastRecords` lines when given (what an
 * ingestion stopped early consumed: its checkpoint). Late events are told by their
 * event time against the arrival time of their line, as the generator spread them.
 */
export async function scanEvents(dir: string, lastFile?: string, lastRecords?: number): Promise<GeneratedEvents> {
  const all = (await readdir(dir)).filter((f) => f.endsWith('.ndjson')).sort();
  const files = lastFile === undefined ? all : all.filter((f) => f <= lastFile);
  const perPartition: Record<string, number> = {};
  const out: GeneratedEvents = { lines: 0, files: files.map((f) => join(dir, f)), bytes: 0, distinct: 0, duplicates: 0, lateHours: 0, lateDays: 0, perPartition };
  const seen = new Set<string>();
  let perFile = 0;
  for (const f of files) {
    const text = await readFile(join(dir, f), 'utf8');
    out.bytes += Buffer.byteLength(text);
    let lines = text.trimEnd().split('\n');
    if (perFile === 0) perFile = lines.length;
    if (f === lastFile && lastRecords !== undefined) lines = lines.slice(0, lastRecords);
    const totalLines = all.length * perFile;
    for (const line of lines) {
      const j = out.lines++;
      const e = JSON.parse(line) as { impression_id: string; ts: number };
      if (seen.has(e.impression_id)) {
        out.duplicates++;
        continue;
      }
      seen.add(e.impression_id);
      out.distinct++;
      const lag = DAY_START_MS + Math.floor((j * DAY_MS) / totalLines) - e.ts;
      if (lag >= DAY_MS - 3_600_000) out.lateDays++;
      else if (lag >= 3_600_000) out.lateHours++;
      const hour = hourPartition(e.ts);
      perPartition[hour] = (perPartition[hour] ?? 0) + 1;
    }
  }
  return out;
}

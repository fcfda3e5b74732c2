// Synthetic ad events, generated straight into Arrow buffers (typed arrays, utf8 offsets + bytes)
// so that building millions of rows costs far less than the writes being measured.
// Rows are deterministic: row i of a given seed is always the same record.

import {
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  Utf8,
  type Data,
} from 'arrow21';

// The same seeded generator as the ad-events example, so both make the same kind of data.
import { random } from '../../examples/ad-events/generate.js';

export const PAYLOAD_BYTES = 200;
/** Events per user on average; a user's events cluster in time, so in few files. */
export const EVENTS_PER_USER = 50;
const USER_WINDOW = 2_000;
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'CA', 'AU', 'ES', 'IT', 'MX', 'NL', 'SE', 'PL', 'KR', 'AR', 'ZA', 'NG', 'EG'];
const DEVICES = ['mobile', 'desktop', 'tablet', 'ctv'];
const BASE_TS_MICROS = 1_767_225_600_000_000n; // 2026-01-01T00:00:00Z

export const adSchema = new Schema([
  new Field('impression_id', new Utf8(), false),
  new Field('user_id', new Utf8(), false),
  new Field('campaign_id', new Int32(), false),
  new Field('ts', new TimestampMicrosecond('UTC'), false),
  new Field('cost', new Float64(), false),
  new Field('country', new Utf8(), false),
  new Field('device', new Utf8(), false),
  new Field('payload', new Utf8(), false),
]);

export function impressionId(n: number): string {
  return `imp-${String(n).padStart(12, '0')}`;
}

export function userId(n: number): string {
  return `u${String(n).padStart(9, '0')}`;
}

/** The user of event n: one of the users active around that time. */
function userOf(n: number, rand: () => number): number {
  return Math.max(0, Math.floor(n / EVENTS_PER_USER) + Math.floor((rand() - 0.5) * USER_WINDOW));
}

function utf8Data(offsets: Int32Array, bytes: Uint8Array): Data<Utf8> {
  return makeData({ type: new Utf8(), length: offsets.length - 1, nullCount: 0, valueOffsets: offsets, data: bytes });
}

/** Fixed-width strings `prefix` + zero-padded numbers, written digit by digit. */
export function fixedWidthStrings(prefix: string, numbers: ArrayLike<number>, digits: number): Data<Utf8> {
  const width = prefix.length + digits;
  const n = numbers.length;
  const offsets = new Int32Array(n + 1);
  const bytes = new Uint8Array(n * width);
  const pre = new TextEncoder().encode(prefix);
  for (let i = 0; i < n; i++) {
    const at = i * width;
    offsets[i + 1] = at + width;
    bytes.set(pre, at);
    let v = numbers[i];
    for (let d = width - 1; d >= pre.length; d--) {
      bytes[at + d] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
  }
  return utf8Data(offsets, bytes);
}

function pickStrings(choices: string[], picks: Uint8Array): Data<Utf8> {
  const encoded = choices.map((c) => new TextEncoder().encode(c));
  let total = 0;
  for (let i = 0; i < picks.length; i++) total += encoded[picks[i]].length;
  const offsets = new Int32Array(picks.length + 1);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < picks.length; i++) {
    const e = encoded[picks[i]];
    bytes.set(e, at);
    at += e.length;
    offsets[i + 1] = at;
  }
  return utf8Data(offsets, bytes);
}

export interface EventRange {
  /** Event number of the first row (its impression id). */
  start: number;
  count: number;
  seed: number;
  /** Overrides impression numbers row by row (for updates of existing keys). */
  ids?: Float64Array;
}

/** One record batch of ad events. */
export function eventBatch(range: EventRange): RecordBatch {
  const { count } = range;
  const rand = random(range.seed ^ (range.start * 2654435761));
  const ids = range.ids ?? Float64Array.from({ length: count }, (_, i) => range.start + i);
  const users = new Float64Array(count);
  const campaigns = new Int32Array(count);
  const ts = new BigInt64Array(count);
  const cost = new Float64Array(count);
  const country = new Uint8Array(count);
  const device = new Uint8Array(count);
  const payloadOffsets = new Int32Array(count + 1);
  const payload = new Uint8Array(count * PAYLOAD_BYTES);
  for (let i = 0; i < count; i++) {
    const n = ids[i];
    users[i] = userOf(n, rand);
    campaigns[i] = Math.floor(rand() * 1000);
    ts[i] = BASE_TS_MICROS + BigInt(n) * 10_000n + BigInt(range.seed & 0xffff);
    cost[i] = Math.round(rand() * 500) / 1000;
    country[i] = Math.floor(rand() * COUNTRIES.length);
    device[i] = Math.floor(rand() * DEVICES.length);
    payloadOffsets[i + 1] = (i + 1) * PAYLOAD_BYTES;
  }
  // Random lowercase letters: payloads compress about as well as opaque ids or encoded blobs.
  let x = (range.seed * 7919 + range.start) >>> 0 || 1;
  for (let j = 0; j < payload.length; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    payload[j] = 97 + (x & 15) + ((x >>> 8) & 7);
  }
  const children = [
    fixedWidthStrings('imp-', ids, 12),
    fixedWidthStrings('u', users, 9),
    makeData({ type: new Int32(), length: count, nullCount: 0, data: campaigns }),
    makeData({ type: new TimestampMicrosecond('UTC'), length: count, nullCount: 0, data: ts }),
    makeData({ type: new Float64(), length: count, nullCount: 0, data: cost }),
    pickStrings(COUNTRIES, country),
    pickStrings(DEVICES, device),
    utf8Data(payloadOffsets, payload),
  ];
  return new RecordBatch(adSchema, makeData({ type: new Struct(adSchema.fields), length: count, nullCount: 0, children }));
}

/** `count` events from `start`, in batches of at most `batchRows`. */
export function eventTable(start: number, count: number, seed = 1, batchRows = 262_144): Table {
  const batches: RecordBatch[] = [];
  for (let at = 0; at < count; at += batchRows) {
    batches.push(eventBatch({ start: start + at, count: Math.min(batchRows, count - at), seed }));
  }
  return new Table(adSchema, batches);
}

/**
 * An upsert batch over a table of `existing` events: `count` rows, half of them new versions of
 * random existing events, half new events numbered from `existing`.
 */
export function upsertTable(existing: number, count: number, seed = 2): Table {
  const rand = random(seed);
  const updates = Math.floor(count / 2);
  const ids = new Float64Array(count);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(updates, existing)) chosen.add(Math.floor(rand() * existing));
  let i = 0;
  for (const n of chosen) ids[i++] = n;
  for (let k = 0; i < count; k++) ids[i++] = existing + k;
  return new Table(adSchema, [eventBatch({ start: 0, count, seed, ids })]);
}

/** `count` distinct existing impression ids, chosen at random. */
export function randomKeys(existing: number, count: number, seed = 3): string[] {
  const rand = random(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, existing)) chosen.add(Math.floor(rand() * existing));
  return [...chosen].map(impressionId);
}

// Hudi instant times: 17-digit yyyyMMddHHmmssSSS stamps (14-digit yyyyMMddHHmmss from old tables)
// in the table's timeline timezone: one strict parser for the whole library (with Hudi's 999 ms for
// 14-digit instants), lenient conversions for the timeline reader, and a generator that never
// repeats or goes backwards.

import { InvalidInstantTimeError } from '../errors.js';

import type { TimelineTimezone } from '../config/table-config.js';

export type { TimelineTimezone };

/** The property that records which timezone a table's instants are written in (default LOCAL). */
export const TIMELINE_TIMEZONE_PROPERTY = 'hoodie.table.timeline.timezone';

const MILLIS_LENGTH = 17;
const SECONDS_LENGTH = 14;
/** Hudi pads second-granularity instants with 999 ms so they sort after every ms in that second. */
const SECONDS_PADDING = '999';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Formats a moment as a 17-digit instant time in the given timeline timezone. */
export function formatInstantTime(moment: Date | number, timezone: TimelineTimezone = 'UTC'): string {
  const d = typeof moment === 'number' ? new Date(moment) : moment;
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new InvalidInstantTimeError(String(moment), 'the date is invalid');
  const utc = timezone === 'UTC';
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  if (year < 0 || year > 9999) throw new InvalidInstantTimeError(String(moment), `year ${year} does not fit in four digits`);
  return (
    pad(year, 4) +
    pad((utc ? d.getUTCMonth() : d.getMonth()) + 1, 2) +
    pad(utc ? d.getUTCDate() : d.getDate(), 2) +
    pad(utc ? d.getUTCHours() : d.getHours(), 2) +
    pad(utc ? d.getUTCMinutes() : d.getMinutes(), 2) +
    pad(utc ? d.getUTCSeconds() : d.getSeconds(), 2) +
    pad(utc ? d.getUTCMilliseconds() : d.getMilliseconds(), 3)
  );
}

/**
 * The moment an instant time stands for. 14-digit instants get 999 ms as Hudi does; longer ones
 * (metadata-table instants with a 3-digit suffix) are read by their first 17 digits.
 */
export function parseInstantTime(instant: string, timezone: TimelineTimezone = 'UTC'): Date {
  if (typeof instant !== 'string' || !/^\d+$/.test(instant)) {
    throw new InvalidInstantTimeError(String(instant), 'it must consist of digits only');
  }
  let digits: string;
  if (instant.length === SECONDS_LENGTH) digits = instant + SECONDS_PADDING;
  else if (instant.length >= MILLIS_LENGTH) digits = instant.slice(0, MILLIS_LENGTH);
  else throw new InvalidInstantTimeError(instant, `it has ${instant.length} digits`);
  const [year, month, day, hour, minute, second, milli] = [
    digits.slice(0, 4), digits.slice(4, 6), digits.slice(6, 8), digits.slice(8, 10),
    digits.slice(10, 12), digits.slice(12, 14), digits.slice(14, 17),
  ].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new InvalidInstantTimeError(instant, 'a date or time field is out of range');
  }
  const d =
    timezone === 'UTC'
      ? new Date(Date.UTC(year, month - 1, day, hour, minute, second, milli))
      : new Date(year, month - 1, day, hour, minute, second, milli);
  if (year < 100) d[timezone === 'UTC' ? 'setUTCFullYear' : 'setFullYear'](year);
  // Reject dates that rolled over (e.g. Feb 30), which Hudi's strict parser also refuses.
  const check = timezone === 'UTC' ? d.getUTCDate() : d.getDate();
  if (check !== day) throw new InvalidInstantTimeError(instant, `day ${day} does not exist in that month`);
  return d;
}

export function isInstantTime(text: string): boolean {
  try {
    parseInstantTime(text);
    return true;
  } catch {
    return false;
  }
}

/** The moment an instant time denotes; undefined when the text is not an instant time. */
export function instantTimeToDate(time: string, tz: TimelineTimezone): Date | undefined {
  try {
    return parseInstantTime(time, tz);
  } catch {
    return undefined;
  }
}

/** The 17-digit instant time of a moment. */
export function dateToInstantTime(date: Date, tz: TimelineTimezone): string {
  return formatInstantTime(date, tz);
}

/** Instant `instant` plus `ms` milliseconds, in the same timezone. */
export function instantTimePlusMillis(instant: string, ms: number, timezone: TimelineTimezone = 'UTC'): string {
  return formatInstantTime(parseInstantTime(instant, timezone).getTime() + ms, timezone);
}

/**
 * Orders instants as Hudi's timeline does: by their digits as text (so a 14-digit instant sorts
 * before every 17-digit instant of the same second).
 */
export function compareInstants(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface InstantTimeGenerator {
  /**
   * A new instant time later than every one this generator returned and than `latestOnTimeline`
   * (the newest instant already on the table's timeline, if any).
   */
  next(latestOnTimeline?: string): string;
}

export interface InstantTimeGeneratorOptions {
  /** Milliseconds since the epoch; injected so tests are deterministic. */
  clock?: () => number;
  timezone?: TimelineTimezone;
}

export function createInstantTimeGenerator(options: InstantTimeGeneratorOptions = {}): InstantTimeGenerator {
  const clock = options.clock ?? Date.now;
  const timezone = options.timezone ?? 'UTC';
  let last: string | undefined;
  return {
    next(latestOnTimeline?: string): string {
      let floor = last;
      if (latestOnTimeline !== undefined) {
        parseInstantTime(latestOnTimeline, timezone);
        if (floor === undefined || compareInstants(latestOnTimeline, floor) > 0) floor = latestOnTimeline;
      }
      let candidate = formatInstantTime(clock(), timezone);
      if (floor !== undefined && compareInstants(candidate, floor) <= 0) {
        // The clock is behind (or equal): step 1 ms past the newest instant instead of waiting.
        let ms = parseInstantTime(floor, timezone).getTime() + 1;
        candidate = formatInstantTime(ms, timezone);
        // LOCAL time can repeat across a DST fall-back; step (growing) until the text is larger.
        for (let step = 1; compareInstants(candidate, floor) <= 0; step = Math.min(step * 2, 60_000)) {
          ms += step;
          candidate = formatInstantTime(ms, timezone);
        }
      }
      last = candidate;
      return candidate;
    },
  };
}

// Instant times as the timeline reader uses them: lenient conversions over the strict ones in
// instant/instant-time.ts (one parser for the whole library, with Hudi's 999 ms for 14-digit
// instants).

import type { TimelineTimezone } from '../config/table-config.js';
import { formatInstantTime, isInstantTime, parseInstantTime } from '../instant/instant-time.js';

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

export { isInstantTime };

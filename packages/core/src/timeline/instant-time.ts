// Instant times (`yyyyMMddHHmmss[SSS]`) to and from Dates. Hudi writes them in the writer's local
// time zone unless the table sets `hoodie.table.timeline.timezone=UTC`; for LOCAL tables this
// library uses the process's local zone, which is what Hudi's own readers do.

import type { TimelineTimezone } from '../config/table-config.js';

const PATTERN = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?/;

/** The moment an instant time denotes; undefined when the text is not an instant time. */
export function instantTimeToDate(time: string, tz: TimelineTimezone): Date | undefined {
  const m = PATTERN.exec(time);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(m[7]) : 0;
  const date = tz === 'UTC' ? new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms)) : new Date(y, mo - 1, d, h, mi, s, ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The 17-digit instant time of a moment. */
export function dateToInstantTime(date: Date, tz: TimelineTimezone): string {
  const utc = tz === 'UTC';
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const y = utc ? date.getUTCFullYear() : date.getFullYear();
  const mo = (utc ? date.getUTCMonth() : date.getMonth()) + 1;
  const d = utc ? date.getUTCDate() : date.getDate();
  const h = utc ? date.getUTCHours() : date.getHours();
  const mi = utc ? date.getUTCMinutes() : date.getMinutes();
  const s = utc ? date.getUTCSeconds() : date.getSeconds();
  const ms = utc ? date.getUTCMilliseconds() : date.getMilliseconds();
  return `${p(y, 4)}${p(mo)}${p(d)}${p(h)}${p(mi)}${p(s)}${p(ms, 3)}`;
}

/** Whether text looks like an instant time. */
export function isInstantTime(text: string): boolean {
  return /^\d{14,20}$/.test(text);
}

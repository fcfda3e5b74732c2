// Joda-style date patterns (yyyy/MM/dd, yyyy-MM-dd'T'HH:mm:ss.SSSZ, ...) for the timestamp key
// generator: format an epoch millisecond in a timezone, and parse strings back to epoch ms.

import { KeyGeneratorConfigError } from '../errors.js';

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SUPPORTED = 'yYMdDHkhKmsSaEZ';

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      if (end < 0) throw new KeyGeneratorConfigError(`Date pattern "${pattern}" has an unclosed quote.`);
      tokens.push({ kind: 'literal', text: pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      if (!SUPPORTED.includes(ch)) {
        throw new KeyGeneratorConfigError(`Date pattern "${pattern}" uses "${ch}", which is not supported; use y M d D H k h K m s S a E Z and quoted text.`);
      }
      let n = 1;
      while (pattern[i + n] === ch) n++;
      tokens.push({ kind: 'field', letter: ch, count: n });
      i += n;
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i++;
    }
  }
  return tokens;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  milli: number;
  weekday: number;
  dayOfYear: number;
}

/** A timezone: UTC, a fixed offset (GMT+08:00, +05:30) or an IANA name. */
export interface Zone {
  readonly id: string;
  /** Offset from UTC in minutes at the given instant. */
  offsetAt(epochMs: number): number;
}

const FIXED = /^(?:GMT|UTC|Z)?(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/;

export function zoneOf(id: string): Zone {
  const trimmed = id.trim();
  const m = FIXED.exec(trimmed);
  if (m && (m[1] !== undefined || /^(GMT|UTC|Z)$/.test(trimmed))) {
    const minutes = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
    return { id: trimmed, offsetAt: () => minutes };
  }
  let dtf: Intl.DateTimeFormat;
  try {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: trimmed,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  } catch {
    throw new KeyGeneratorConfigError(`Unknown timezone "${id}"; use UTC, an offset like GMT+08:00, or an IANA name like Asia/Shanghai.`);
  }
  return {
    id: trimmed,
    offsetAt(epochMs: number): number {
      const parts = Object.fromEntries(dtf.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const local = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
      const d = new Date(local);
      if (year >= 0 && year < 100) d.setUTCFullYear(year);
      const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
      return Math.round((d.getTime() - wholeSeconds) / 60_000);
    },
  };
}

function fieldsAt(epochMs: number, zone: Zone): Fields {
  const local = new Date(epochMs + zone.offsetAt(epochMs) * 60_000);
  const startOfYear = Date.UTC(local.getUTCFullYear(), 0, 1);
  const y0 = new Date(startOfYear);
  y0.setUTCFullYear(local.getUTCFullYear());
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    milli: local.getUTCMilliseconds(),
    weekday: local.getUTCDay(),
    dayOfYear: Math.floor((local.getTime() - y0.getTime()) / 86_400_000) + 1,
  };
}

function num(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function offsetText(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${num(Math.floor(a / 60), 2)}${colon ? ':' : ''}${num(a % 60, 2)}`;
}

export interface DateFormatter {
  format(epochMs: number, zone: Zone): string;
  /** Epoch ms of `text`; a zone in the text wins over `zone`. Undefined when it does not match. */
  parse(text: string, zone: Zone): number | undefined;
}

export function dateFormatter(pattern: string): DateFormatter {
  const tokens = tokenize(pattern);
  return {
    format(epochMs, zone) {
      const f = fieldsAt(epochMs, zone);
      let out = '';
      for (const t of tokens) {
        if (t.kind === 'literal') {
          out += t.text;
          continue;
        }
        const n = t.count;
        switch (t.letter) {
          case 'y':
          case 'Y':
            out += n === 2 ? num(((f.year % 100) + 100) % 100, 2) : num(f.year, n);
            break;
          case 'M':
            out += n >= 4 ? MONTHS[f.month - 1] : n === 3 ? MONTHS[f.month - 1].slice(0, 3) : num(f.month, n);
            break;
          case 'd':
            out += num(f.day, n);
            break;
          case 'D':
            out += num(f.dayOfYear, n);
            break;
          case 'H':
            out += num(f.hour, n);
            break;
          case 'k':
            out += num(f.hour === 0 ? 24 : f.hour, n);
            break;
          case 'K':
            out += num(f.hour % 12, n);
            break;
          case 'h':
            out += num(f.hour % 12 === 0 ? 12 : f.hour % 12, n);
            break;
          case 'm':
            out += num(f.minute, n);
            break;
          case 's':
            out += num(f.second, n);
            break;
          case 'S':
            // Fraction of second, truncated to n digits.
            out += num(f.milli, 3).padEnd(n, '0').slice(0, n);
            break;
          case 'a':
            out += f.hour < 12 ? 'AM' : 'PM';
            break;
          case 'E':
            out += n >= 4 ? DAYS[f.weekday] : DAYS[f.weekday].slice(0, 3);
            break;
          case 'Z': {
            const off = zone.offsetAt(epochMs);
            out += n === 1 ? offsetText(off, false) : n === 2 ? offsetText(off, true) : zone.id;
            break;
          }
        }
      }
      return out;
    },
    parse(text, zone) {
      let pos = 0;
      let year = 1970;
      let month = 1;
      let day = 1;
      let hour = 0;
      let minute = 0;
      let second = 0;
      let milli = 0;
      let pm: boolean | undefined;
      let halfHour: number | undefined;
      let offset: number | undefined;
      for (let k = 0; k < tokens.length; k++) {
        const t = tokens[k];
        if (t.kind === 'literal') {
          if (!text.startsWith(t.text, pos)) return undefined;
          pos += t.text.length;
          continue;
        }
        const next = tokens[k + 1];
        // Joda reads a number followed directly by another number with its pattern width.
        const adjacentNumber = next?.kind === 'field' && ('yYdDHkhKmsS'.includes(next.letter) || (next.letter === 'M' && next.count <= 2));
        const readInt = (maxWidth: number): number | undefined => {
          const width = adjacentNumber ? t.count : maxWidth;
          const m = /^[+-]?\d+/.exec(text.slice(pos, pos + Math.max(width, 1) + (text[pos] === '-' || text[pos] === '+' ? 1 : 0)));
          if (!m) return undefined;
          pos += m[0].length;
          return Number(m[0]);
        };
        switch (t.letter) {
          case 'y':
          case 'Y': {
            const v = readInt(9);
            if (v === undefined) return undefined;
            year = t.count === 2 && v < 100 ? 2000 + v - (v >= 70 ? 100 : 0) : v;
            break;
          }
          case 'M': {
            if (t.count >= 3) {
              const idx = MONTHS.findIndex((mn) => text.slice(pos).toLowerCase().startsWith((t.count === 3 ? mn.slice(0, 3) : mn).toLowerCase()));
              if (idx < 0) return undefined;
              month = idx + 1;
              pos += t.count === 3 ? 3 : MONTHS[idx].length;
            } else {
              const v = readInt(2);
              if (v === undefined) return undefined;
              month = v;
            }
            break;
          }
          case 'd': {
            const v = readInt(2);
            if (v === undefined) return undefined;
            day = v;
            break;
          }
          case 'H':
          case 'k': {
            const v = readInt(2);
            if (v === undefined) return undefined;
            hour = t.letter === 'k' && v === 24 ? 0 : v;
            break;
          }
          case 'h':
          case 'K': {
            const v = readInt(2);
            if (v === undefined) return undefined;
            halfHour = v % 12;
            break;
          }
          case 'm': {
            const v = readInt(2);
            if (v === undefined) return undefined;
            minute = v;
            break;
          }
          case 's': {
            const v = readInt(2);
            if (v === undefined) return undefined;
            second = v;
            break;
          }
          case 'S': {
            const m = /^\d+/.exec(text.slice(pos, pos + (adjacentNumber ? t.count : 9)));
            if (!m) return undefined;
            pos += m[0].length;
            milli = Math.floor(Number(`0.${m[0]}`) * 1000 + 1e-9);
            break;
          }
          case 'a': {
            const s = text.slice(pos, pos + 2).toUpperCase();
            if (s !== 'AM' && s !== 'PM') return undefined;
            pm = s === 'PM';
            pos += 2;
            break;
          }
          case 'E': {
            const idx = DAYS.findIndex((dn) => text.slice(pos).toLowerCase().startsWith(dn.slice(0, 3).toLowerCase()));
            if (idx < 0) return undefined;
            pos += text.slice(pos).toLowerCase().startsWith(DAYS[idx].toLowerCase()) ? DAYS[idx].length : 3;
            break;
          }
          case 'D': {
            if (readInt(3) === undefined) return undefined;
            break;
          }
          case 'Z': {
            const rest = text.slice(pos);
            if (rest.startsWith('Z')) {
              offset = 0;
              pos += 1;
              break;
            }
            const m = /^([+-])(\d{2}):?(\d{2})/.exec(rest);
            if (!m) return undefined;
            offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
            pos += m[0].length;
            break;
          }
        }
      }
      if (pos !== text.length) return undefined;
      if (halfHour !== undefined) hour = halfHour + (pm ? 12 : 0);
      if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
      const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second, milli));
      if (year >= 0 && year < 100) d.setUTCFullYear(year);
      if (d.getUTCDate() !== day) return undefined;
      const local = d.getTime();
      if (offset !== undefined) return local - offset * 60_000;
      // Local wall time in `zone`: refine the offset twice to settle across DST changes.
      let guess = local - zone.offsetAt(local) * 60_000;
      guess = local - zone.offsetAt(guess) * 60_000;
      return guess;
    },
  };
}

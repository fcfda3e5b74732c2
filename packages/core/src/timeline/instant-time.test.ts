import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LakeError } from '@lake/storage';
import {
  compareInstants,
  createInstantTimeGenerator,
  formatInstantTime,
  instantTimePlusMillis,
  isInstantTime,
  parseInstantTime,
} from './instant-time.js';

describe('instant time format', () => {
  it('formats UTC moments as 17 digits', () => {
    expect(formatInstantTime(Date.UTC(2024, 3, 18, 17, 35, 51, 906))).toBe('20240418173551906');
    expect(formatInstantTime(new Date(Date.UTC(1999, 0, 2, 3, 4, 5, 6)))).toBe('19990102030405006');
  });

  it('parses 17-digit, 14-digit and suffixed instants', () => {
    expect(parseInstantTime('20240418173551906').getTime()).toBe(Date.UTC(2024, 3, 18, 17, 35, 51, 906));
    // Second-granularity instants stand for the last millisecond of their second.
    expect(parseInstantTime('20240418173551').getTime()).toBe(Date.UTC(2024, 3, 18, 17, 35, 51, 999));
    expect(parseInstantTime('20240418173551906001').getTime()).toBe(Date.UTC(2024, 3, 18, 17, 35, 51, 906));
  });

  it('round-trips any moment in four-digit years', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        const text = formatInstantTime(ms);
        expect(text).toMatch(/^\d{17}$/);
        expect(parseInstantTime(text).getTime()).toBe(ms);
      }),
    );
  });

  it('formats and parses LOCAL instants with the process timezone', () => {
    const d = new Date(2024, 6, 15, 9, 30, 15, 250);
    expect(formatInstantTime(d, 'LOCAL')).toBe('20240715093015250');
    expect(parseInstantTime('20240715093015250', 'LOCAL').getTime()).toBe(d.getTime());
  });

  it('orders text the same way as time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 0, max: 2 ** 42 }), (a, b) => {
        expect(Math.sign(compareInstants(formatInstantTime(a), formatInstantTime(b)))).toBe(Math.sign(a - b));
      }),
    );
  });

  it('rejects malformed instants with a typed error', () => {
    for (const bad of ['', '2024', '2024041817355190x', '20241318173551906', '20240230000000000', '2024041817355']) {
      expect(() => parseInstantTime(bad), bad).toThrow(LakeError);
      expect(isInstantTime(bad)).toBe(false);
    }
    expect(isInstantTime('20240418173551906')).toBe(true);
  });

  it('adds milliseconds across second and day boundaries', () => {
    expect(instantTimePlusMillis('20231231235959999', 1)).toBe('20240101000000000');
  });
});

describe('instant time generator', () => {
  it('uses the clock when it moves forward', () => {
    let now = Date.UTC(2025, 0, 1, 0, 0, 0, 0);
    const gen = createInstantTimeGenerator({ clock: () => now });
    expect(gen.next()).toBe('20250101000000000');
    now += 5;
    expect(gen.next()).toBe('20250101000000005');
  });

  it('bumps by one millisecond when the clock stalls or runs behind the timeline', () => {
    const now = Date.UTC(2025, 0, 1);
    const gen = createInstantTimeGenerator({ clock: () => now });
    expect(gen.next()).toBe('20250101000000000');
    expect(gen.next()).toBe('20250101000000001');
    expect(gen.next('20250102000000000')).toBe('20250102000000001');
    expect(gen.next('20250101120000')).toBe('20250102000000002');
  });

  it('is strictly increasing whatever the clock does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ clock: fc.integer({ min: 0, max: 10_000 }), timeline: fc.option(fc.integer({ min: 0, max: 10_000 })) }), {
          minLength: 1,
          maxLength: 50,
        }),
        (steps) => {
          const base = Date.UTC(2024, 5, 1);
          let now = base;
          const gen = createInstantTimeGenerator({ clock: () => now });
          let prev = '';
          for (const s of steps) {
            now = base + s.clock;
            const latest = s.timeline === null ? undefined : formatInstantTime(base + s.timeline);
            const next = gen.next(latest);
            expect(compareInstants(next, prev)).toBe(1);
            if (latest !== undefined) expect(compareInstants(next, latest)).toBe(1);
            prev = next;
          }
        },
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';

import { measure, repeat, sampleOf } from './measure.js';

/** Work that keeps the calling thread busy for a while, whatever the machine. */
function busy(): number {
  let x = 0;
  for (let i = 0; i < 20_000_000; i++) x = (x + i * 31) % 1_000_003;
  return x;
}

describe('measure', () => {
  it('records the process CPU time of the operation beside its wall time', async () => {
    const m = await measure(async () => busy());
    expect(Number.isFinite(m.cpuMs)).toBe(true);
    expect(m.cpuMs).toBeGreaterThan(0);
    expect(sampleOf(m)).toEqual({ ms: m.ms, cpuMs: m.cpuMs, peakRssDeltaMb: m.peakRssDeltaMb, peakHeapDeltaMb: m.peakHeapDeltaMb });
  });

  it('gives the CPU time of repeated runs', async () => {
    const m = await repeat(3, async () => undefined, async () => busy());
    expect(m.cpuMs).toBeGreaterThan(0);
  });
});

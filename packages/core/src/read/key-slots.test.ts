import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { KeySlots } from './key-slots.js';

const enc = new TextEncoder();

type Op = { kind: 'intern' | 'internString' | 'find' | 'get'; key: string };

const keyArb = fc.oneof(fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constantFrom('', 'a', 'imp-000000000001', 'ü'));

describe('KeySlots', () => {
  it('gives keys slots in first-seen order and finds them by bytes or text, as a Map would (model)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ kind: fc.constantFrom<Op['kind']>('intern', 'internString', 'find', 'get'), key: keyArb }), { maxLength: 400 }), (ops) => {
        const slots = new KeySlots();
        const model = new Map<string, number>();
        for (const op of ops) {
          // the key sits inside a larger buffer, as a row's bytes sit inside a column
          const bytes = enc.encode(`<<${op.key}>>`);
          if (op.kind === 'intern' || op.kind === 'internString') {
            if (!model.has(op.key)) model.set(op.key, model.size);
            const slot = op.kind === 'intern' ? slots.intern(bytes, 2, bytes.length - 2) : slots.internString(op.key);
            expect(slot).toBe(model.get(op.key));
          } else if (op.kind === 'find') {
            expect(slots.find(bytes, 2, bytes.length - 2)).toBe(model.get(op.key) ?? -1);
          } else {
            expect(slots.get(op.key)).toBe(model.get(op.key));
          }
          expect(slots.size).toBe(model.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every key through many growths of its table', () => {
    const slots = new KeySlots();
    for (let i = 0; i < 20_000; i++) expect(slots.internString(`key-${i}`)).toBe(i);
    for (let i = 0; i < 20_000; i++) {
      const bytes = enc.encode(`key-${i}`);
      expect(slots.find(bytes, 0, bytes.length)).toBe(i);
    }
    expect(slots.get('key-19999')).toBe(19_999);
    expect(slots.find(enc.encode('key-20000'), 0, 9)).toBe(-1);
  });
});

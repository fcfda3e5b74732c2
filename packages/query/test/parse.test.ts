// The filter text syntax: what parses to what, and errors that point at the offending token.

import { describe, expect, it } from 'vitest';
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { createTable } from '@lake/core';
import { LakeError, MemoryStore } from '@lake/storage';
import { ExpressionSyntaxError, ExpressionTypeError, UnknownColumnError, formatExpr, parseExpr, scan } from '../src/index.js';

describe('parseExpr', () => {
  it('parses comparisons, and/or/not with SQL precedence, in, between, is null and typed literals', () => {
    expect(parseExpr("country = 'US' and cost > 0.5")).toEqual({
      type: 'and',
      children: [
        { type: 'compare', op: '=', column: 'country', value: 'US' },
        { type: 'compare', op: '>', column: 'cost', value: { kind: 'decimal', text: '0.5' } },
      ],
    });
    expect(parseExpr("a = 1 or b = 2 and c = 3")).toEqual({
      type: 'or',
      children: [
        { type: 'compare', op: '=', column: 'a', value: 1 },
        { type: 'and', children: [{ type: 'compare', op: '=', column: 'b', value: 2 }, { type: 'compare', op: '=', column: 'c', value: 3 }] },
      ],
    });
    expect(parseExpr("dt between '2024-01-01' and '2024-01-02'")).toEqual({ type: 'between', column: 'dt', low: '2024-01-01', high: '2024-01-02' });
    expect(parseExpr("campaign_id in ('c-01','c-02')")).toEqual({ type: 'in', column: 'campaign_id', values: ['c-01', 'c-02'], negated: false });
    expect(parseExpr("campaign_id NOT IN ('c-01')")).toEqual({ type: 'in', column: 'campaign_id', values: ['c-01'], negated: true });
    expect(parseExpr('x is null')).toEqual({ type: 'null', column: 'x', negated: false });
    expect(parseExpr('x is not null')).toEqual({ type: 'null', column: 'x', negated: true });
    expect(parseExpr("ts >= timestamp '2024-01-01T00:00:00Z'")).toEqual({ type: 'compare', op: '>=', column: 'ts', value: { kind: 'timestamp', text: '2024-01-01T00:00:00Z' } });
    expect(parseExpr("d < date '2024-02-01' and amount <= decimal '12.345'")).toMatchObject({ type: 'and' });
    expect(parseExpr('not (a = -1) and flag = true')).toEqual({
      type: 'and',
      children: [{ type: 'not', child: { type: 'compare', op: '=', column: 'a', value: -1 } }, { type: 'compare', op: '=', column: 'flag', value: true }],
    });
    expect(parseExpr("name = 'O''Brien'")).toEqual({ type: 'compare', op: '=', column: 'name', value: "O'Brien" });
    expect(parseExpr('"odd col" <> 3')).toEqual({ type: 'compare', op: '!=', column: 'odd col', value: 3 });
    expect(parseExpr('big = 123456789012345678901')).toEqual({ type: 'compare', op: '=', column: 'big', value: 123456789012345678901n });
  });

  it('formats expressions back into text it parses to the same expression', () => {
    for (const text of ["a = 'x' and (b < 2 or c is not null)", "not (d between 1 and 5)", "e not in ('a', 'b')", "ts > timestamp '2024-01-01T00:00:00Z'"]) {
      const e = parseExpr(text);
      expect(parseExpr(formatExpr(e))).toEqual(e);
    }
  });

  const cases: [string, number, string][] = [
    ["country = 'US' and", 18, ''],
    ["country = 'US' and cost >", 25, ''],
    ["country == 'US' cost", 16, 'cost'],
    ['cost > > 1', 7, '>'],
    ["x in ('a' 'b')", 10, "'b'"],
    ["x = 'unterminated", 4, "'unterminated"],
    ['(a = 1', 6, ''],
    ['a = 1)', 5, ')'],
    ['x = null', 4, 'null'],
    ['x # 1', 2, '#'],
    ["ts > timestamp 5", 15, '5'],
    ['x between 1 or 2', 12, 'or'],
    ['', 0, ''],
  ];
  for (const [text, position, token] of cases) {
    it(`points at the offending token of ${JSON.stringify(text)}`, () => {
      let error: unknown;
      try {
        parseExpr(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ExpressionSyntaxError);
      expect(error).toBeInstanceOf(LakeError);
      const e = error as ExpressionSyntaxError;
      expect(e.code).toBe('QUERY_SYNTAX');
      expect(e.position).toBe(position);
      expect(e.token).toBe(token);
      const lines = e.message.split('\n');
      expect(lines[1]).toBe(`  ${text}`);
      expect(lines[2]).toBe(`  ${' '.repeat(position)}^`);
      expect(lines[0]).toContain(`position ${position + 1}`);
    });
  }
});

describe('binding filters to a table', () => {
  it('names an unknown column and lists the available ones; rejects literals of the wrong type', async () => {
    const schema = new Schema([new Field('id', new Utf8(), false), new Field('n', new Int32(), true)]);
    const table = await createTable(new MemoryStore(`bind-${process.pid}`), { recordKey: ['id'], schema });
    await table.insert([{ id: 'a', n: 1 }]);
    const unknown = await scan(table).where('nope = 1').toArrow().catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnknownColumnError);
    expect((unknown as Error).message).toContain('"nope"');
    expect((unknown as Error).message).toContain('id, n');
    const badSelect = await scan(table).select('id', 'missing').toArrow().catch((e: unknown) => e);
    expect(badSelect).toBeInstanceOf(UnknownColumnError);
    const badType = await scan(table).where("n > 'abc'").toArrow().catch((e: unknown) => e);
    expect(badType).toBeInstanceOf(ExpressionTypeError);
    expect((badType as Error).message).toContain('"n"');
  });
});

describe('malformed expression objects', () => {
  it('are typed errors, never raw TypeErrors', async () => {
    const schema = new Schema([new Field('id', new Utf8(), false), new Field('n', new Int32(), true)]);
    const table = await createTable(new MemoryStore(`bad-expr-${process.pid}`), { recordKey: ['id'], schema });
    await table.insert([{ id: 'a', n: 1 }]);
    const bad: unknown[] = [null, 42, { type: 'compare', op: '~', column: 'n', value: 1 }, { type: 'and', children: 'x' }, { type: 'nope' }, { type: 'not', child: null }];
    for (const b of bad) {
      const e = await (async () => scan(table).where(b as never).toArrow())().catch((x: unknown) => x);
      expect(e, JSON.stringify(b)).toBeInstanceOf(ExpressionTypeError);
    }
  });
});

// The text syntax of filters, for the command line and quick use:
//   country = 'US' and cost > 0.5
//   dt between '2024-01-01' and '2024-01-02' or not (campaign_id in ('c-01', 'c-02'))
//   ts >= timestamp '2024-01-01T00:00:00Z' and user_id is not null
// Syntax errors are ExpressionSyntaxError with the position of the offending token.

import { ExpressionSyntaxError } from './errors.js';
import type { CompareOp, Expr, Literal } from './expr.js';

type TokenType = 'ident' | 'string' | 'number' | 'op' | 'punct' | 'keyword' | 'end';

interface Token {
  type: TokenType;
  text: string;
  /** Value: identifier name, unquoted string, lower-cased keyword. */
  value: string;
  pos: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'between', 'true', 'false', 'timestamp', 'date', 'decimal']);
const OPS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ExpressionSyntaxError(text, start, text.slice(start), "a closing quote (')");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', text: text.slice(start, i), value, pos: start });
      continue;
    }
    if (c === '"' || c === '`') {
      const close = text.indexOf(c, i + 1);
      if (close === -1) throw new ExpressionSyntaxError(text, start, text.slice(start), `a closing ${c}`);
      i = close + 1;
      tokens.push({ type: 'ident', text: text.slice(start, i), value: text.slice(start + 1, close), pos: start });
      continue;
    }
    const num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (num && (c !== '-' || tokens.length === 0 || ['op', 'punct', 'keyword'].includes(tokens[tokens.length - 1].type))) {
      i += num[0].length;
      tokens.push({ type: 'number', text: num[0], value: num[0], pos: start });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.$]*/.exec(text.slice(i));
    if (word) {
      i += word[0].length;
      const lower = word[0].toLowerCase();
      tokens.push(KEYWORDS.has(lower) ? { type: 'keyword', text: word[0], value: lower, pos: start } : { type: 'ident', text: word[0], value: word[0], pos: start });
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({ type: 'op', text: op, value: op, pos: start });
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      i++;
      tokens.push({ type: 'punct', text: c, value: c, pos: start });
      continue;
    }
    throw new ExpressionSyntaxError(text, start, c, 'a column, a value, an operator or a parenthesis');
  }
  tokens.push({ type: 'end', text: '', value: '', pos: text.length });
  return tokens;
}

/** Parses filter text into an expression. */
export function parseExpr(text: string): Expr {
  if (typeof text !== 'string') throw new ExpressionSyntaxError(String(text), 0, String(text), 'filter text');
  const tokens = tokenize(text);
  let k = 0;
  const peek = (): Token => tokens[k];
  const fail = (expected: string): never => {
    const t = peek();
    throw new ExpressionSyntaxError(text, t.pos, t.text, expected);
  };
  const isKeyword = (word: string): boolean => peek().type === 'keyword' && peek().value === word;
  const accept = (word: string): boolean => {
    if (isKeyword(word)) {
      k++;
      return true;
    }
    return false;
  };
  const expectPunct = (p: string): void => {
    if (peek().type !== 'punct' || peek().value !== p) fail(`"${p}"`);
    k++;
  };

  const literal = (): Literal => {
    const t = peek();
    if (t.type === 'string') {
      k++;
      return t.value;
    }
    if (t.type === 'number') {
      k++;
      return /[.eE]/.test(t.value) ? { kind: 'decimal', text: t.value } : Number.isSafeInteger(Number(t.value)) ? Number(t.value) : BigInt(t.value);
    }
    if (t.type === 'keyword') {
      if (t.value === 'true' || t.value === 'false') {
        k++;
        return t.value === 'true';
      }
      if (t.value === 'timestamp' || t.value === 'date' || t.value === 'decimal') {
        k++;
        const s = peek();
        if (s.type !== 'string') fail(`a quoted ${t.value}, e.g. ${t.value} '${t.value === 'decimal' ? '12.50' : t.value === 'date' ? '2024-01-01' : '2024-01-01T00:00:00Z'}'`);
        k++;
        return { kind: t.value, text: s.value };
      }
      if (t.value === 'null') fail("a value (to test for null write 'is null')");
    }
    return fail('a value: a quoted string, a number, true/false, or timestamp/date/decimal followed by a quoted string');
  };

  const predicate = (): Expr => {
    const t = peek();
    if (t.type !== 'ident') fail('a column name');
    k++;
    const column = t.value;
    const next = peek();
    if (next.type === 'op') {
      k++;
      const op: CompareOp = next.value === '==' ? '=' : next.value === '<>' ? '!=' : (next.value as CompareOp);
      return { type: 'compare', op, column, value: literal() };
    }
    if (accept('is')) {
      const negated = accept('not');
      if (!accept('null')) fail('null');
      return { type: 'null', column, negated };
    }
    const negated = accept('not');
    if (accept('in')) {
      expectPunct('(');
      const values = [literal()];
      while (peek().type === 'punct' && peek().value === ',') {
        k++;
        values.push(literal());
      }
      expectPunct(')');
      return { type: 'in', column, values, negated };
    }
    if (accept('between')) {
      const low = literal();
      if (!accept('and')) fail('"and" between the two bounds');
      const high = literal();
      const e: Expr = { type: 'between', column, low, high };
      return negated ? { type: 'not', child: e } : e;
    }
    return fail(negated ? '"in" or "between"' : 'a comparison (= != < <= > >=), "in", "between" or "is"');
  };

  const primary = (): Expr => {
    if (peek().type === 'punct' && peek().value === '(') {
      k++;
      const e = orExpr();
      expectPunct(')');
      return e;
    }
    return predicate();
  };
  const notExpr = (): Expr => (accept('not') ? { type: 'not', child: notExpr() } : primary());
  const andExpr = (): Expr => {
    const children = [notExpr()];
    while (accept('and')) children.push(notExpr());
    return children.length === 1 ? children[0] : { type: 'and', children };
  };
  function orExpr(): Expr {
    const children = [andExpr()];
    while (accept('or')) children.push(andExpr());
    return children.length === 1 ? children[0] : { type: 'or', children };
  }

  if (peek().type === 'end') fail('a filter');
  const expr = orExpr();
  if (peek().type !== 'end') fail('"and", "or" or the end of the filter');
  return expr;
}

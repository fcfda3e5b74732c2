import { describe, expect, it } from 'vitest';
import { javaBigDecimalToString, javaDoubleToString, javaFloatToString, javaLocalDateToString } from './java-text.js';

describe('Java value rendering', () => {
  it('renders doubles like Double.toString', () => {
    const cases: [number, string][] = [
      [3.14159, '3.14159'], [1, '1.0'], [100, '100.0'], [-0, '-0.0'], [0, '0.0'], [0.001, '0.001'],
      [0.0001, '1.0E-4'], [1e7, '1.0E7'], [9999999.5, '9999999.5'], [12345678.9, '1.23456789E7'],
      [1.5e-10, '1.5E-10'], [NaN, 'NaN'], [-Infinity, '-Infinity'], [123.456, '123.456'], [1e21, '1.0E21'],
    ];
    for (const [x, s] of cases) expect(javaDoubleToString(x), String(x)).toBe(s);
  });

  it('renders floats like Float.toString', () => {
    const cases: [number, string][] = [[1, '1.0'], [3.14159, '3.14159'], [0.1, '0.1'], [1.1, '1.1'], [16777216, '1.6777216E7'], [1e-5, '1.0E-5']];
    for (const [x, s] of cases) expect(javaFloatToString(x), String(x)).toBe(s);
  });

  it('renders decimals like BigDecimal.toString', () => {
    expect(javaBigDecimalToString(1234567890n, 5)).toBe('12345.67890');
    expect(javaBigDecimalToString(-5n, 2)).toBe('-0.05');
    expect(javaBigDecimalToString(1n, 6)).toBe('0.000001');
    expect(javaBigDecimalToString(1n, 7)).toBe('1E-7');
    expect(javaBigDecimalToString(123n, 10)).toBe('1.23E-8');
    expect(javaBigDecimalToString(42n, 0)).toBe('42');
  });

  it('renders epoch days like LocalDate.toString', () => {
    expect(javaLocalDateToString(0)).toBe('1970-01-01');
    expect(javaLocalDateToString(19448)).toBe('2023-04-01');
    expect(javaLocalDateToString(-1)).toBe('1969-12-31');
    expect(javaLocalDateToString(2932897)).toBe('+10000-01-01');
  });
});

// Java's toString of the values Hudi's key generators see (Double, Float, BigDecimal, LocalDate),
// so record keys and partition paths come out as the Spark writer renders them.

/** Double.toString: plain for 1e-3 <= |x| < 1e7, else d.dddE±n; shortest round-trip digits. */
export function javaDoubleToString(x: number): string {
  return javaFloatingText(x, shortestDigits(x));
}

/** Float.toString of a float32 value: the same layout with the shortest float32 digits. */
export function javaFloatToString(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f) || f === 0) return javaFloatingText(f, { digits: '0', exp: 0 });
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return javaFloatingText(f, shortestDigits(candidate));
  }
  return javaFloatingText(f, shortestDigits(f));
}

interface Digits {
  /** Significant digits without sign or point, no trailing zeros (at least one digit). */
  digits: string;
  /** Decimal exponent of the first digit. */
  exp: number;
}

function shortestDigits(x: number): Digits {
  const [mantissa, e] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, exp: Number(e) };
}

function javaFloatingText(x: number, { digits, exp }: Digits): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1) || '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}

/** BigDecimal.toString for an unscaled value and scale (plain unless the exponent is small). */
export function javaBigDecimalToString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const coeff = (negative ? -unscaled : unscaled).toString();
  const adjusted = -scale + (coeff.length - 1);
  let body: string;
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) body = coeff;
    else if (coeff.length > scale) body = `${coeff.slice(0, coeff.length - scale)}.${coeff.slice(coeff.length - scale)}`;
    else body = `0.${'0'.repeat(scale - coeff.length)}${coeff}`;
  } else {
    const mantissa = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
    body = `${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }
  return negative ? `-${body}` : body;
}

const MS_PER_DAY = 86_400_000;

/** LocalDate.toString (ISO yyyy-MM-dd, with a sign for years outside 0..9999) of an epoch day. */
export function javaLocalDateToString(epochDay: number): string {
  const d = new Date(epochDay * MS_PER_DAY);
  const year = d.getUTCFullYear();
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  let y: string;
  if (Math.abs(year) < 1000) y = (year < 0 ? '-' : '') + String(Math.abs(year)).padStart(4, '0');
  else y = (year > 9999 ? '+' : '') + String(year);
  return `${y}-${month}-${day}`;
}

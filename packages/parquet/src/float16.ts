// IEEE 754 half precision (binary16) to a JS number: Parquet's FLOAT16 logical type and Arrow's
// Float16 columns both store the 16 bits little-endian, and neither Node 20 nor every browser
// has Float16Array yet.

/** The number the 16 bits of a half float denote (subnormals, infinities and NaN included). */
export function float16FromBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function entryAmount(a: number): number {
  return a;
}

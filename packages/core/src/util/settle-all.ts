// Requests issued together whose failure must not leave one of them still in flight: a caller
// that undoes its work after a failure has to know everything that may have landed first.

/** Waits for every promise; then returns their values, or throws the first failure. */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const values: unknown[] = [];
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    values.push(s.value);
  }
  return values as unknown as T;
}

// Bounded parallelism for batches of independent requests (parts, deletes), so a large batch
// neither runs one request at a time nor opens thousands of sockets or file handles at once.

/**
 * Runs `fn` over every item with at most `limit` calls in flight; results keep input order.
 * On the first failure no new calls start, and the returned promise settles only after the calls
 * already in flight have finished, so callers can clean up (abort an upload) without racing them.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

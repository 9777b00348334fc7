/**
 * Runs `task` on every item with at most `concurrency` at once; results in the items' order.
 * The first rejection rejects the whole (tasks already started run to their end).
 *
 * @example
 * ```ts
 * const sizes = await mapLimit(urls, 4, async (u) => (await COGReader.open(u)).width);
 * ```
 */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await task(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}

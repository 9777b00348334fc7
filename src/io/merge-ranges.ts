/**
 * A byte range to fetch, as `[offset, length]`.
 *
 * @example
 * ```ts
 * const r: ByteRange = [1024, 512];
 * ```
 */
export type ByteRange = readonly [number, number];

/**
 * One request that serves several ranges: `parts[i]` is where range `i` starts inside it.
 *
 * @example
 * ```ts
 * const [req] = mergeRanges([[0, 10], [12, 4]], { maxGap: 8 });
 * req; // { offset: 0, length: 16, members: [0, 1] }
 * ```
 */
export interface MergedRequest {
  offset: number;
  length: number;
  /** Indices (into the input) of the ranges this request covers. */
  members: number[];
}

/**
 * Plans requests for a set of ranges: ranges that overlap, touch, or are separated by at most
 * `maxGap` bytes are fetched together, as long as the merged request stays within `maxBytes`.
 * Pure: no I/O, no state. Requests come out sorted by offset.
 *
 * @example
 * ```ts
 * mergeRanges([[100, 50], [154, 10], [10_000, 5]], { maxGap: 16 }).length; // 2
 * ```
 */
export function mergeRanges(ranges: readonly ByteRange[], opts: { maxGap: number; maxBytes?: number }): MergedRequest[] {
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a][0] - ranges[b][0]);
  const out: MergedRequest[] = [];
  const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  for (const i of order) {
    const [offset, length] = ranges[i];
    const last = out[out.length - 1];
    const end = offset + length;
    if (last !== undefined && offset - (last.offset + last.length) <= opts.maxGap) {
      const mergedEnd = Math.max(last.offset + last.length, end);
      if (mergedEnd - last.offset <= maxBytes) {
        last.length = mergedEnd - last.offset;
        last.members.push(i);
        continue;
      }
    }
    out.push({ offset, length, members: [i] });
  }
  return out;
}

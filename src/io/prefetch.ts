import type { BlockCache } from "./block-cache.js";
import { mergeRanges, type MergedRequest } from "./merge-ranges.js";
import type { CountingSource } from "./stats.js";

/**
 * Fetches planned block ranges with as few requests as the layout allows: ranges closer than
 * `mergeGap` merge into one request of at most `maxMergedBytes`, and the requests left go as one
 * multipart/byteranges request where the source can. Each block's bytes land in the block cache
 * and in the returned map (`"offset|length"` → bytes). A block cut short by the file is left out,
 * so the tile read that needs it reports the error. Each request's debug line says how many
 * blocks it carries (`merged=N`).
 *
 * @example
 * ```ts
 * const blocks = await fetchMerged(source, plan.data, { cache, key, mergeGap: 16384, maxMergedBytes: 8 << 20 });
 * ```
 */
export async function fetchMerged(
  source: CountingSource,
  ranges: Array<[number, number]>,
  opts: { cache: BlockCache; key: string; mergeGap: number; maxMergedBytes: number; signal?: AbortSignal },
): Promise<Map<string, Uint8Array>> {
  const groups = mergeRequests(ranges, opts);
  const bodies = await source.readMany(
    groups.map((g) => [g.offset, g.length]),
    { signal: opts.signal, multiRange: groups.length > 1, merged: groups.map((g) => g.members.length) },
  );
  const out = new Map<string, Uint8Array>();
  groups.forEach((g, i) => {
    for (const m of g.members) {
      const [offset, length] = ranges[m];
      const bytes = bodies[i].subarray(offset - g.offset, offset - g.offset + length);
      if (bytes.byteLength < length) continue;
      out.set(`${offset}|${length}`, bytes);
      opts.cache.put(`${opts.key}|${offset}|${length}`, bytes);
    }
  });
  return out;
}

/**
 * How {@link fetchMerged} groups ranges into requests (pure).
 *
 * @example
 * ```ts
 * mergeRequests([[0, 10], [12, 10]], { mergeGap: 8, maxMergedBytes: 1 << 20 }).length; // 1
 * ```
 */
export function mergeRequests(ranges: Array<[number, number]>, opts: { mergeGap: number; maxMergedBytes: number }): MergedRequest[] {
  return mergeRanges(ranges, { maxGap: opts.mergeGap, maxBytes: opts.maxMergedBytes });
}

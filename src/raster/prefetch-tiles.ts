import type { BlockCache } from "../io/block-cache.js";
import type { FetchBytes } from "../io/header-reader.js";
import { fetchMerged } from "../io/prefetch.js";
import type { CountingSource } from "../io/stats.js";
import { planTiles, type PlanCaches } from "../locate/plan.js";
import { locateTileFetch } from "../locate/tile-fetch.js";
import type { TiffDataset } from "../tiff/dataset.js";

/**
 * Fetches the blocks of several tiles (a window's) ahead of decoding: locates the tiles that
 * are not decoded already (loading block-array pages once), plans their requests as
 * {@link planTiles} does, and fetches them merged ({@link fetchMerged}). Returns the blocks by
 * `"offset|length"`, or undefined when one request or none is needed (the tile reads then go
 * through the block cache as usual).
 *
 * @example
 * ```ts
 * const prefetched = await prefetchTiles(dataset, [[0, 0, 0], [1, 0, 0]], { source, cache, key, cached, fetchHeader, mergeGap: 16384, maxMergedBytes: 8 << 20 });
 * ```
 */
export async function prefetchTiles(
  dataset: TiffDataset,
  tiles: ReadonlyArray<readonly [number, number, number]>,
  deps: {
    source: CountingSource;
    cache: BlockCache;
    key: string;
    cached: PlanCaches;
    fetchHeader: FetchBytes;
    /** Image/mask merge gap of one tile (see tileFetchPlan); -1: none. */
    blockMergeGap?: number;
    mergeGap: number;
    maxMergedBytes: number;
    signal?: AbortSignal;
  },
): Promise<Map<string, Uint8Array> | undefined> {
  const { signal, blockMergeGap } = deps;
  const needed = tiles.filter(([x, y, z]) => !deps.cached.tile?.(x, y, z));
  await Promise.all(needed.map(([x, y, z]) => locateTileFetch(dataset, x, y, z, { signal, fetch: deps.fetchHeader, mergeGap: blockMergeGap })));
  const plan = await planTiles(dataset, needed, deps.cached, blockMergeGap);
  if (plan.data.length <= 1) return undefined;
  return fetchMerged(deps.source, plan.data, { cache: deps.cache, key: deps.key, mergeGap: deps.mergeGap, maxMergedBytes: deps.maxMergedBytes, signal });
}

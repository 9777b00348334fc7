import type { TiffDataset } from "../tiff/dataset.js";
import { BLOCK_MERGE_GAP, tileFetchPlan } from "./tile-fetch.js";

/**
 * What a read would fetch, without fetching: `header` are the block-array pages to load first
 * (4 KiB pages of TileOffsets/TileByteCounts not held yet), `data` the tile requests (image and
 * interleaved mask merged as the reader merges them), leaving out blocks already in the block
 * cache and sparse blocks. When array pages are missing, the tiles they locate cannot be planned
 * yet: `complete` is false and `unplanned` lists them.
 *
 * @example
 * ```ts
 * const plan = await cog.plan.getTile(3, 5, 0);
 * console.log(plan.data, plan.header);
 * ```
 */
export interface ReadPlan {
  tiles: Array<{ x: number; y: number; z: number }>;
  header: Array<[number, number]>;
  data: Array<[number, number]>;
  /** Tiles whose bytes are all cached or sparse: they cost nothing. */
  free: number;
  complete: boolean;
  unplanned: Array<{ x: number; y: number; z: number }>;
}

/**
 * What the caches hold, for a plan: a byte range in the block cache, a decoded tile in the tile
 * cache (which then costs nothing, whatever its blocks).
 *
 * @example
 * ```ts
 * const cached: PlanCaches = { block: (o, n) => blockCache.has(`${key}|${o}|${n}`), tile: (x, y, z) => false };
 * ```
 */
export interface PlanCaches {
  block: (offset: number, length: number) => boolean;
  tile?: (x: number, y: number, z: number) => boolean;
}

/**
 * Plans the requests for internal tiles `(x, y, z)`: no I/O (the block arrays' pages are only
 * read from what the header already holds). Each tile is fetched as {@link tileFetchPlan} says.
 *
 * @example
 * ```ts
 * const plan = await planTiles(cog.dataset, [[0, 0, 0]], { block: () => false });
 * ```
 */
export async function planTiles(
  dataset: TiffDataset,
  tiles: ReadonlyArray<readonly [number, number, number]>,
  cached: PlanCaches,
  mergeGap = BLOCK_MERGE_GAP,
): Promise<ReadPlan> {
  const plan: ReadPlan = { tiles: [], header: [], data: [], free: 0, complete: true, unplanned: [] };
  const headerSeen = new Set<string>();
  for (const [x, y, z] of tiles) {
    plan.tiles.push({ x, y, z });
    if (cached.tile?.(x, y, z)) {
      plan.free++;
      continue;
    }
    const how = tileFetchPlan(dataset, x, y, z, mergeGap);
    if (how.kind === "pages") {
      for (const r of dataset.header.plan(how.pages, false)) {
        const k = r.join(",");
        if (!headerSeen.has(k)) plan.header.push(r), headerSeen.add(k);
      }
      plan.complete = false;
      plan.unplanned.push({ x, y, z });
      continue;
    }
    const requests = how.requests.filter(([o, n]) => !cached.block(o, n));
    if (requests.length === 0) plan.free++;
    plan.data.push(...requests);
  }
  return plan;
}

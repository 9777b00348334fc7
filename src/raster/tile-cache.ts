import { LruCache } from "../io/lru-cache.js";
import type { Raster } from "./raster.js";

/**
 * A least-recently-used cache of decoded tiles, bounded by the bytes of their pixels and masks,
 * as GDAL's block cache keeps decoded blocks: a tile read again (a neighbouring map tile, a
 * window overlapping the last one) is neither fetched nor decoded again, and two concurrent
 * reads of one tile decode it once. `maxBytes` 0 only shares decodes in flight.
 *
 * @example
 * ```ts
 * const tileCache = new TileCache({ maxBytes: 256 * 1024 * 1024 });
 * const cog = await COGReader.open(url, { tileCache });
 * ```
 */
export class TileCache extends LruCache<Raster> {
  constructor(opts: { maxBytes: number }) {
    super({ maxBytes: opts.maxBytes, sizeOf: (r) => r.data.byteLength + (r.mask?.byteLength ?? 0) });
  }
}

/** Default budget of the shared decoded-tile cache: 32 MiB. */
export const DEFAULT_TILE_CACHE_BYTES = 32 * 1024 * 1024;

let shared: TileCache | undefined;

/**
 * The process-wide decoded-tile cache readers share unless given their own.
 *
 * @example
 * ```ts
 * sharedTileCache().stats.hits;
 * ```
 */
export function sharedTileCache(): TileCache {
  shared ??= new TileCache({ maxBytes: DEFAULT_TILE_CACHE_BYTES });
  return shared;
}

/**
 * A copy of a raster's pixel and mask arrays, so that a caller may change what it was given
 * without changing the cached tile.
 *
 * @example
 * ```ts
 * const mine = copyRaster(await cache.get(key, load));
 * ```
 */
export function copyRaster(r: Raster): Raster {
  const out: Raster = { ...r, data: r.data.slice() };
  if (r.mask) out.mask = r.mask.slice();
  if (r.colormap) out.colormap = r.colormap.slice();
  return out;
}

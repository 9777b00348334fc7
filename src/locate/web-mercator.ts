import { CogError } from "../errors.js";

// The OGC WebMercatorQuad tile matrix set (EPSG:3857), as morecantile and GDAL's
// GoogleMapsCompatible define it. Every function here is pure.

/** Half the extent of EPSG:3857: the top-left corner is (-ORIGIN, ORIGIN). */
export const WEB_MERCATOR_ORIGIN = 20037508.342789244;
/** Pixel size at zoom 0 for 256-pixel tiles, in metres (morecantile's z0 cellSize). */
export const WEB_MERCATOR_Z0_RESOLUTION = 156543.03392804097;
/** WGS84 semi-major axis, the sphere radius of EPSG:3857. */
const RADIUS = 6378137;
/** Latitude limit of the square: atan(sinh(π)) in degrees. */
const MAX_LAT = (Math.atan(Math.sinh(Math.PI)) * 180) / Math.PI;
/** morecantile's LL_EPSILON, so that a tile's own bounds select only that tile. */
const LL_EPSILON = 1e-11;
/** Most tiles {@link tilesForBounds} lists: the world at z10. Past it, `COG_LIMIT`. */
const MAX_TILES = 4 ** 10;

/** `[minX, minY, maxX, maxY]`. */
export type Bounds = [number, number, number, number];

/**
 * A tile of the matrix set.
 *
 * @example
 * ```ts
 * const t: TileIndex = { x: 486, y: 332, z: 10 };
 * ```
 */
export interface TileIndex { x: number; y: number; z: number }

/**
 * Pixel size in metres of zoom `z` for `tileSize`-pixel tiles. A tile covers the same ground
 * whatever its size (GDAL's COG driver scales the resolution by 256 / BLOCKSIZE).
 *
 * @example
 * ```ts
 * tileResolution(8);      // 611.49622628141
 * tileResolution(8, 512); // 305.748113140705
 * ```
 */
export function tileResolution(z: number, tileSize = 256): number {
  checkZoom(z);
  checkTileSize(tileSize);
  return (WEB_MERCATOR_Z0_RESOLUTION * 256) / tileSize / 2 ** z;
}

/**
 * Bounds of tile (x, y, z) in EPSG:3857 metres, computed as morecantile's `xy_bounds`.
 *
 * @example
 * ```ts
 * tileBounds(0, 0, 0); // [-20037508.342789244, -20037508.342789244, 20037508.342789244, 20037508.342789244]
 * ```
 */
export function tileBounds(x: number, y: number, z: number, tileSize = 256): Bounds {
  const span = tileResolution(z, tileSize) * tileSize;
  const n = 2 ** z;
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= n || y >= n) {
    throw new CogError("COG_USAGE", `tile ${x},${y} is outside the ${n}x${n} grid of zoom ${z}`, { x, y, z });
  }
  return [-WEB_MERCATOR_ORIGIN + x * span, WEB_MERCATOR_ORIGIN - (y + 1) * span, -WEB_MERCATOR_ORIGIN + (x + 1) * span, WEB_MERCATOR_ORIGIN - y * span];
}

/**
 * Bounds of tile (x, y, z) in longitude/latitude degrees (WGS84).
 *
 * @example
 * ```ts
 * tileBoundsLonLat(486, 332, 10); // ≈ [-9.140625, 53.12040528, -8.7890625, 53.33087298]
 * ```
 */
export function tileBoundsLonLat(x: number, y: number, z: number, tileSize = 256): Bounds {
  const [minX, minY, maxX, maxY] = tileBounds(x, y, z, tileSize);
  return [...metersToLonLat(minX, minY), ...metersToLonLat(maxX, maxY)];
}

/**
 * Spherical Mercator → longitude/latitude.
 *
 * @example
 * ```ts
 * metersToLonLat(0, 0); // [0, 0]
 * ```
 */
export function metersToLonLat(x: number, y: number): [number, number] {
  return [((x / RADIUS) * 180) / Math.PI, ((Math.PI / 2 - 2 * Math.atan(Math.exp(-y / RADIUS))) * 180) / Math.PI];
}

/**
 * Longitude/latitude → spherical Mercator metres (latitude clamped to the square's ±85.0511°).
 *
 * @example
 * ```ts
 * lonLatToMeters(180, 0); // ≈ [20037508.3428, 0]
 * ```
 */
export function lonLatToMeters(lon: number, lat: number): [number, number] {
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return [(RADIUS * lon * Math.PI) / 180, RADIUS * Math.log(Math.tan(Math.PI / 4 + phi / 2))];
}

/**
 * The tiles of zoom `z` that `bounds` touch, row by row, by morecantile's `tiles()` rule:
 * bounds clamped to the matrix set, corners nudged inward by 1e-11° so a tile's own bounds give
 * only that tile, indices clamped to the grid, and bounds with west > east split at the
 * antimeridian. `units` says whether `bounds` are `"degrees"` (lon/lat, the default) or
 * EPSG:3857 `"meters"`. More than 4^10 tiles throws `COG_LIMIT`.
 *
 * @example
 * ```ts
 * tilesForBounds([-105, 39.99, -104.99, 40], 14); // [{ x: 3413, y: 6202, z: 14 }, { x: 3413, y: 6203, z: 14 }]
 * ```
 */
export function tilesForBounds(bounds: Bounds, z: number, opts: { units?: "degrees" | "meters" } = {}): TileIndex[] {
  checkZoom(z);
  if (!bounds.every((v) => !Number.isNaN(v))) throw new CogError("COG_USAGE", `bounds must not be NaN, got [${bounds.join(", ")}]`);
  let [w, s, e, n] = bounds;
  if (opts.units === "meters") [[w, s], [e, n]] = [metersToLonLat(w, s), metersToLonLat(e, n)];
  const boxes: Bounds[] = w > e ? [[-180, s, e, n], [w, s, 180, n]] : [[w, s, e, n]];
  const out: TileIndex[] = [];
  for (const [bw, bs, be, bn] of boxes) {
    const [x0, y0] = tileOf(Math.max(-180, bw) + LL_EPSILON, Math.min(MAX_LAT, bn) - LL_EPSILON, z);
    const [x1, y1] = tileOf(Math.min(180, be) - LL_EPSILON, Math.max(-MAX_LAT, bs) + LL_EPSILON, z);
    const count = (Math.abs(x1 - x0) + 1) * (Math.abs(y1 - y0) + 1);
    if (out.length + count > MAX_TILES) throw new CogError("COG_LIMIT", `bounds cover over ${MAX_TILES} tiles at zoom ${z}`, { z, limit: "tiles" });
    for (let y = Math.min(y0, y1); y <= Math.max(y0, y1); y++) {
      for (let x = Math.min(x0, x1); x <= Math.max(x0, x1); x++) out.push({ x, y, z });
    }
  }
  return out;
}

/** morecantile `_tile`: floor of the offset from the origin in tile spans, clamped to the grid. */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const [mx, my] = lonLatToMeters(lon, lat);
  const span = (WEB_MERCATOR_Z0_RESOLUTION * 256) / 2 ** z;
  const last = 2 ** z - 1;
  const clamp = (v: number): number => (Number.isFinite(v) ? Math.max(0, Math.min(last, v)) : 0);
  return [clamp(Math.floor((mx + WEB_MERCATOR_ORIGIN) / span)), clamp(Math.floor((WEB_MERCATOR_ORIGIN - my) / span))];
}

/**
 * Options of {@link zoomForResolution} and {@link zoomRange}.
 *
 * @example
 * ```ts
 * const opts: ZoomOptions = { tileSize: 512, zoomLevelStrategy: "lower", maxZ: 22 };
 * ```
 */
export interface ZoomOptions {
  /** Tile size in pixels; default 256. */
  tileSize?: number;
  /** GDAL/morecantile ZOOM_LEVEL_STRATEGY; default `"auto"` (the closest zoom). */
  zoomLevelStrategy?: "auto" | "lower" | "upper";
  /** Zoom range searched; default 0…24 (morecantile's WebMercatorQuad). */
  minZ?: number;
  maxZ?: number;
}

/**
 * The zoom whose pixel size matches `res` metres, by morecantile's `zoom_for_res` (itself from
 * GDAL's COG driver): the first zoom from `minZ` up whose resolution is finer than or equal
 * (within 1e-8 relative) to `res` (`maxZ` if none); then, unless it matched exactly or is zoom 0,
 * `"lower"` steps one zoom down (not below `minZ`), `"upper"` keeps it, and `"auto"` steps down
 * when res(z-1) / res < res / res(z). morecantile quirk kept: a `res` finer than `maxZ`'s with
 * `"lower"` gives `maxZ - 1`.
 *
 * @example
 * ```ts
 * zoomForResolution(612);                                // 8
 * zoomForResolution(612, { zoomLevelStrategy: "lower" }); // 7
 * ```
 */
export function zoomForResolution(res: number, opts: ZoomOptions = {}): number {
  const { tileSize = 256, zoomLevelStrategy = "auto", minZ = 0, maxZ = 24 } = opts;
  if (!(res > 0) || !Number.isFinite(res)) throw new CogError("COG_USAGE", `resolution must be positive, got ${res}`);
  checkZoom(minZ);
  checkZoom(maxZ);
  if (maxZ < minZ) throw new CogError("COG_USAGE", `maxZ ${maxZ} is below minZ ${minZ}`);
  if (!["auto", "lower", "upper"].includes(zoomLevelStrategy)) {
    throw new CogError("COG_USAGE", `zoomLevelStrategy must be auto, lower or upper, got ${zoomLevelStrategy}`);
  }
  const close = (a: number, b: number): boolean => Math.abs(a - b) / b <= 1e-8;
  let z = minZ;
  let matrixRes = tileResolution(z, tileSize);
  while (!(res > matrixRes || close(res, matrixRes)) && z < maxZ) matrixRes = tileResolution(++z, tileSize);
  if (z > 0 && !close(res, matrixRes)) {
    const below = Math.max(z - 1, minZ);
    if (zoomLevelStrategy === "lower") z = below;
    else if (zoomLevelStrategy === "auto" && tileResolution(below, tileSize) / res < res / matrixRes) z = below;
  }
  return z;
}

/**
 * rio-tiler's `minzoom`/`maxzoom` of an image whose pixel size (max of |x|, |y|) is `resolution`
 * metres and whose size is `width` × `height` pixels, both in EPSG:3857 (reproject first, as
 * rio-tiler's `calculate_default_transform` does). `maxzoom` = zoomForResolution(resolution);
 * `minzoom` = zoomForResolution(resolution × 2^k, "auto") where k is rasterio's
 * `get_maximum_overview_level(width, height, minsize=tileSize)`: the number of halvings until
 * min(width // 2^k, height // 2^k) ≤ tileSize. That is the theoretical smallest overview, not
 * the file's own last overview (rio-tiler/io/rasterio.py get_minzoom/get_maxzoom).
 *
 * @example
 * ```ts
 * zoomRange({ resolution: 0.6, width: 10280, height: 12190 }); // { minzoom: 12, maxzoom: 18 }
 * ```
 */
export function zoomRange(
  image: { resolution: number; width: number; height: number },
  opts: ZoomOptions = {},
): { minzoom: number; maxzoom: number } {
  const tileSize = opts.tileSize ?? 256;
  checkTileSize(tileSize);
  if (!(image.width > 0 && image.height > 0)) throw new CogError("COG_USAGE", `image size must be positive, got ${image.width}x${image.height}`);
  let level = 0;
  while (Math.min(Math.floor(image.width / 2 ** level), Math.floor(image.height / 2 ** level)) > tileSize) level++;
  const maxzoom = zoomForResolution(image.resolution, opts);
  const minzoom = zoomForResolution(image.resolution * 2 ** level, { ...opts, zoomLevelStrategy: "auto" });
  // "lower" can step maxzoom below an image no larger than a tile: the range never inverts.
  return { minzoom: Math.min(minzoom, maxzoom), maxzoom };
}

function checkZoom(z: number): void {
  if (!Number.isInteger(z) || z < 0 || z > 30) throw new CogError("COG_USAGE", `zoom must be an integer 0-30, got ${z}`, { z });
}

function checkTileSize(tileSize: number): void {
  if (!Number.isInteger(tileSize) || tileSize <= 0) throw new CogError("COG_USAGE", `tileSize must be a positive integer, got ${tileSize}`);
}

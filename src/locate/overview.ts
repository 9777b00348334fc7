import { CogError } from "../errors.js";
import type { GeoTransform } from "../tiff/georef.js";
import { boundsToWindow } from "./window.js";

/**
 * How {@link chooseOverview} picks a level.
 * - `"AUTO"` (= 50), `"LOWER"` (= 100), `"UPPER"` (= 0) or a percentage 0–100: aiocogeo's
 *   ZOOM_LEVEL_STRATEGY. Between the two levels that bracket the requested resolution, the finer
 *   one is kept unless the request is more than `percentage` % of the way from the coarser one
 *   toward it. `LOWER` reads the coarser level unless the finer one matches exactly, `UPPER` the
 *   finer one unless the coarser one matches exactly, `AUTO` the nearer one.
 * - `"GDAL"`: GDAL's RasterIO rule (GDALBandGetBestOverviewLevel2), so reads match what GDAL,
 *   rasterio and rio-tiler would read.
 *
 * @example
 * ```ts
 * const strategy: OverviewStrategy = 25; // switch to the coarser level only past 25 % of the way
 * ```
 */
export type OverviewStrategy = "AUTO" | "LOWER" | "UPPER" | "GDAL" | number;

/**
 * A read request for {@link chooseOverview}.
 *
 * @example
 * ```ts
 * const req: OverviewRequest = { bounds: cog.bounds!, width: 256, height: 256, transform: cog.geoTransform! };
 * ```
 */
export interface OverviewRequest {
  /** `[minX, minY, maxX, maxY]` in the file's CRS. */
  bounds: readonly [number, number, number, number];
  /** Output size in pixels. */
  width: number;
  height: number;
  /** Full-resolution geotransform (GDAL order). */
  transform: GeoTransform;
  /** Default `"AUTO"`, aiocogeo's default. */
  strategy?: OverviewStrategy;
  /** Resampling of the read (`"nearest"`, `"bilinear"`…); only `"GDAL"` looks at it. Default nearest. */
  resampling?: string;
  /** `"GDAL"` only: overrides the oversampling threshold, like GDAL_OVERVIEW_OVERSAMPLING_THRESHOLD. */
  oversamplingThreshold?: number;
}

const PERCENTAGES: Record<string, number> = { AUTO: 50, LOWER: 100, UPPER: 0 };

/**
 * The image level (0 = full resolution) to read for an output of `req.width` × `req.height`
 * pixels covering `req.bounds`. `levels` are the image levels, full resolution first then
 * overviews by decreasing size (never masks). Throws `COG_USAGE` for empty levels, a
 * non-positive size or an unknown strategy, `COG_UNSUPPORTED` for a rotated transform. Pure.
 *
 * @example
 * ```ts
 * const req = { bounds: cog.bounds!, width: 512, height: 512, transform: cog.geoTransform! };
 * const z = chooseOverview(cog.ifds, req); // aiocogeo AUTO
 * const zGdal = chooseOverview(cog.ifds, { ...req, strategy: "GDAL", resampling: "bilinear" });
 * ```
 */
export function chooseOverview(levels: ReadonlyArray<{ width: number; height: number }>, req: OverviewRequest): number {
  if (levels.length === 0) throw new CogError("COG_USAGE", "chooseOverview needs at least one image level");
  for (const [z, l] of levels.entries()) {
    if (!(l.width > 0 && l.height > 0)) throw new CogError("COG_USAGE", `level ${z} size is ${l.width}x${l.height}`, { z });
  }
  if (!(req.width > 0 && req.height > 0 && Number.isFinite(req.width) && Number.isFinite(req.height))) {
    throw new CogError("COG_USAGE", `output size must be positive, got ${req.width}x${req.height}`);
  }
  const strategy = req.strategy ?? "AUTO";
  if (typeof strategy === "string" && strategy.toUpperCase() === "GDAL") return gdalLevel(levels, req);
  const percentage = typeof strategy === "number" ? strategy : PERCENTAGES[strategy.toUpperCase()];
  if (percentage === undefined || !Number.isFinite(percentage) || percentage < 0 || percentage > 100) {
    throw new CogError("COG_USAGE", `overview strategy must be AUTO, LOWER, UPPER, GDAL or a percentage 0-100, got ${strategy}`);
  }
  // Rotation is as unsupported here as in the window maths; reject it the same way.
  boundsToWindow(req.bounds, req.transform, levels[0], levels[0]);
  return aiocogeoLevel(levels, req, percentage);
}

/**
 * aiocogeo's rule (partial_reads.py `_get_overview_level`, the version with
 * ZOOM_LEVEL_STRATEGY, as ported with its comment by rio-tiler's async reader): resolutions are
 * x pixel sizes, target = (maxX - minX) / width, level z's = |transform x size| × decimation(z).
 * Walking from the coarsest level to the finest, level z is chosen when
 * target > res(z) - (res(z) - res(z-1)) × percentage / 100, or target == res(z) exactly;
 * otherwise 0. The exact equality is what makes a request at a level's own resolution choose
 * that level under every strategy.
 *
 * Ambiguity: aiocogeo's `overviews` property assumes decimation 2^z by position; its own test
 * asserts that list equals rasterio's `overviews()`, i.e. round(full width / level width). We use
 * the rounded width ratio, which is 2^z for every GDAL-made halving pyramid and stays right for
 * other factors (3, 9, 27…). Heights are ignored, as in aiocogeo.
 */
function aiocogeoLevel(levels: ReadonlyArray<{ width: number; height: number }>, req: OverviewRequest, percentage: number): number {
  const srcRes = Math.abs(req.transform[1]);
  const fullWidth = levels[0].width;
  const res = levels.map((l, z) => (z === 0 ? srcRes : srcRes * Math.round(fullWidth / l.width)));
  const target = (req.bounds[2] - req.bounds[0]) / req.width;
  for (let z = res.length - 1; z >= 1; z--) {
    const threshold = res[z] - (res[z] - res[z - 1]) * (percentage / 100);
    if (target > threshold || target === res[z]) return z;
  }
  return 0;
}

/**
 * GDAL's rule (gcore/rasterio.cpp GDALBandGetBestOverviewLevel2):
 * - desired factor = full-resolution window size / output size on the least reduced axis
 *   (the smaller of the x and y ratios; the x ratio when the output is one row high);
 * - an overview's factor = min(full width / its width, full height / its height); overviews
 *   larger than the full image are skipped;
 * - the overview with the largest factor below desired × threshold + 0.1 wins, the walk stopping
 *   early at one within 0.1 of the desired factor; none → full resolution.
 * The threshold is 1.2 for nearest-neighbour reads and 1.0 for any other resampling (GDAL ≥ 3.9,
 * OSGeo/gdal#9040; before that 1.2 always), unless GDAL_OVERVIEW_OVERSAMPLING_THRESHOLD
 * (`oversamplingThreshold` here) is set.
 *
 * Ambiguity: GDAL sees integer source windows (rasterio rounds them); we use the fractional
 * window the bounds cover. GDAL also skips overviews tagged RESAMPLING=AVERAGE_BIT2GRAYSCALE,
 * which this size-only planner cannot see.
 */
function gdalLevel(levels: ReadonlyArray<{ width: number; height: number }>, req: OverviewRequest): number {
  const full = levels[0];
  const win = boundsToWindow(req.bounds, req.transform, full, full);
  const rx = win.width / req.width;
  const ry = win.height / req.height;
  const desired = rx < ry || req.height === 1 ? rx : ry;
  const threshold = req.oversamplingThreshold ?? (isNearest(req.resampling) ? 1.2 : 1.0);
  if (!(threshold > 0)) throw new CogError("COG_USAGE", `oversamplingThreshold must be positive, got ${threshold}`);
  const EPSILON = 0.1;
  let best = 0;
  let bestFactor = 0;
  for (let z = 1; z < levels.length; z++) {
    const ovr = levels[z];
    if (ovr.width > full.width || ovr.height > full.height) continue;
    const factor = Math.min(full.width / ovr.width, full.height / ovr.height);
    if (factor >= desired * threshold + EPSILON || factor <= bestFactor) continue;
    best = z;
    bestFactor = factor;
    if (Math.abs(desired - factor) < EPSILON) break;
  }
  return best;
}

/** GDAL's GRIORA_NearestNeighbour; GDAL also uses 1.2 when no resampling is given. */
function isNearest(resampling: string | undefined): boolean {
  return resampling === undefined || ["nearest", "near"].includes(resampling.toLowerCase());
}

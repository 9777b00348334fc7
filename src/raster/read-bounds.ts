import { CogError } from "../errors.js";
import { checkRasterSize } from "../limits.js";
import type { CogLimits } from "../options.js";
import { chooseOverview, type OverviewStrategy } from "../locate/overview.js";
import { boundsToWindow } from "../locate/window.js";
import type { GeoTransform } from "../tiff/georef.js";
import type { ImageInfo } from "../tiff/image.js";
import type { PixelWindow } from "./assemble-window.js";
import type { Raster } from "./raster.js";
import { RESAMPLINGS, copiesWindow, resample, resampleWindow, type Resampling } from "./resample.js";
import { selectBands } from "./select-bands.js";

/**
 * Options of `cog.read(bounds, shape, options)`.
 *
 * @example
 * ```ts
 * const opts: ReadOptions = { resampling: "bilinear", overviewStrategy: "GDAL", bands: [1, 2, 3] };
 * ```
 */
export interface ReadBoundsOptions {
  /** Default `nearest`. */
  resampling?: Resampling;
  /** Which level serves the read: aiocogeo's `AUTO` (default), `LOWER`, `UPPER`, a percentage, or `GDAL`. */
  overviewStrategy?: OverviewStrategy;
  /** Read this level (0 = full resolution) instead of choosing one. */
  overviewLevel?: number;
  /** 1-based band numbers to return, in that order. Default: all. */
  bands?: number[];
  /** Value of pixels outside the image. Default: nodata, else 0. */
  fillValue?: number;
  /** Allow windows that reach outside the image (default true). */
  boundless?: boolean;
  signal?: AbortSignal;
}

/** What `readBounds` needs from the reader. */
export interface BoundsReaderContext {
  levels: ImageInfo[];
  transform: GeoTransform | undefined;
  nodata?: number;
  url: string;
  readWindow(win: PixelWindow, z: number, opts: { signal?: AbortSignal }): Promise<Raster>;
  /** Size limits: the output and the source window are checked before any fetch. */
  limits: Pick<CogLimits, "maxTileBytes" | "maxWindowBytes">;
}

/**
 * Reads `bounds` (in the image's CRS) into a `shape.width × shape.height` raster: picks the level
 * (overview strategy), reads the pixels the resampling kernel needs from the tiles of that level,
 * and resamples as GDAL does. Pixels outside the image get `fillValue` and mask 0.
 *
 * @example
 * ```ts
 * const r = await readBounds(ctx, [399960, 5892360, 410200, 5900040], { width: 256, height: 192 }, {});
 * ```
 */
export async function readBounds(
  ctx: BoundsReaderContext,
  bounds: readonly [number, number, number, number],
  shape: { width: number; height: number },
  opts: ReadBoundsOptions,
): Promise<Raster> {
  const gt = ctx.transform;
  if (gt === undefined) throw new CogError("COG_UNSUPPORTED", "the file has no geotransform: use readWindow with pixel windows", { url: ctx.url });
  if (!(bounds[2] > bounds[0] && bounds[3] > bounds[1])) {
    throw new CogError("COG_USAGE", `bounds must be [minx, miny, maxx, maxy] with max > min, got ${bounds.join(", ")}`, { url: ctx.url });
  }
  if (!Number.isInteger(shape.width) || !Number.isInteger(shape.height) || shape.width <= 0 || shape.height <= 0) {
    throw new CogError("COG_USAGE", `shape must be positive integers, got ${shape.width}x${shape.height}`, { url: ctx.url });
  }
  const method = opts.resampling ?? "nearest";
  if (!RESAMPLINGS.includes(method)) {
    throw new CogError("COG_USAGE", `unknown resampling ${JSON.stringify(method)} for read(): one of ${RESAMPLINGS.join(", ")}`, { url: ctx.url });
  }
  const z = opts.overviewLevel ?? chooseOverview(ctx.levels, { bounds, width: shape.width, height: shape.height, transform: gt, strategy: opts.overviewStrategy, resampling: method });
  const level = ctx.levels[z];
  if (level === undefined) throw new CogError("COG_USAGE", `overviewLevel ${z} does not exist (0–${ctx.levels.length - 1})`, { url: ctx.url });
  checkRasterSize({ ...shape, bands: level.bands, dtype: level.dtype }, ctx.limits, "maxWindowBytes", "read output", { url: ctx.url, z });
  const win = boundsToWindow(bounds, gt, level, ctx.levels[0]);
  const inside = win.x >= 0 && win.y >= 0 && win.x + win.width <= level.width && win.y + win.height <= level.height;
  const overlaps = win.x < level.width && win.y < level.height && win.x + win.width > 0 && win.y + win.height > 0;
  if (!overlaps || (!inside && opts.boundless === false)) {
    throw new CogError("COG_TILE_OUTSIDE", `bounds ${bounds.join(", ")} are ${overlaps ? "partly" : "wholly"} outside the image`, { url: ctx.url, z });
  }
  if (method !== "nearest" && level.photometric === "palette") {
    throw new CogError("COG_UNSUPPORTED", `${method} resampling of palette indices would invent colours: use nearest`, { url: ctx.url });
  }
  const need = resampleWindow(win, shape, method, level);
  const src = await ctx.readWindow(need, z, { signal: opts.signal });
  // One level pixel per output pixel is a copy for every method, as in GDAL: the window is the
  // answer (readWindow's raster is ours, not the tile cache's).
  if (copiesWindow(win, shape, method, level)) return opts.bands ? selectBands(src, opts.bands, ctx.url) : src;
  const out = resample(src, { x: win.x - need.x, y: win.y - need.y, width: win.width, height: win.height }, shape, {
    method,
    fill: opts.fillValue ?? ctx.nodata ?? 0,
    levelBounds: { x: -need.x, y: -need.y, width: level.width, height: level.height },
    alphaBand: alphaBandOf(level),
  });
  return opts.bands ? selectBands(out, opts.bands, ctx.url) : out;
}

/** The 0-based index of the level's alpha band (an ExtraSamples entry of 1 or 2), if any. */
function alphaBandOf(level: ImageInfo): number | undefined {
  const k = level.extraSamples.findIndex((e) => e === 1 || e === 2);
  return k < 0 ? undefined : level.bands - level.extraSamples.length + k;
}

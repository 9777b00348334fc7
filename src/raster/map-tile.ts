import { CogError } from "../errors.js";
import { checkRasterSize } from "../limits.js";
import type { CogLimits } from "../options.js";
import { chooseOverview, type OverviewStrategy } from "../locate/overview.js";
import { tileBounds } from "../locate/web-mercator.js";
import type { GeoTransform } from "../tiff/georef.js";
import type { ImageInfo } from "../tiff/image.js";
import type { PixelWindow } from "./mosaic.js";
import type { PointTransform } from "./projection.js";
import type { Raster } from "./raster.js";
import { allocateFilled } from "../decode/samples.js";
import { approxRow } from "./approx-transform.js";
import { selectBands } from "./select-bands.js";
import { WARP_METHODS, warpKernel, type WarpMethod } from "./warp-kernels.js";
import { WARP_RADIUS, warpWindow } from "./warp-window.js";

/** gdalwarp's default error threshold of its approximate transformer, in source pixels. */
const APPROX_ERROR = 0.125;

/**
 * Options of `cog.tile(x, y, z, options)`.
 *
 * @example
 * ```ts
 * const opts: MapTileOptions = { tileSize: 512, resampling: "bilinear" };
 * ```
 */
export interface MapTileOptions {
  /** Output size in pixels (default 256). */
  tileSize?: number;
  /**
   * gdalwarp's `-r`: `nearest` (default, GDAL's `near`), `bilinear`, `cubic`, `cubicspline`,
   * `lanczos`, `average`, `rms`, `mode`, `min`, `max`, `med`, `q1` or `q3`.
   */
  resampling?: WarpMethod;
  /**
   * Level choice (aiocogeo's `AUTO`, `LOWER`, `UPPER`, a percentage, or `GDAL`). Default `UPPER`:
   * the most reduced level still at least as fine as the tile, which is what gdalwarp reads.
   */
  overviewStrategy?: OverviewStrategy;
  /** 1-based bands to return. Default: all. */
  bands?: number[];
  /** Value outside the image. Default: nodata, else 0. */
  fillValue?: number;
  signal?: AbortSignal;
}

/** What {@link readMapTile} needs from the reader. */
export interface MapTileContext {
  levels: ImageInfo[];
  transform: GeoTransform;
  /** Image bounds in EPSG:3857, to tell tiles outside the image without reading. */
  mercatorBounds: [number, number, number, number];
  /** EPSG:3857 → the image's CRS (identity for images in EPSG:3857). */
  fromMercator: PointTransform;
  nodata?: number;
  url: string;
  readWindow(win: PixelWindow, z: number, opts: { signal?: AbortSignal }): Promise<Raster>;
  /** Size limits: the output tile is checked before any fetch. */
  limits: Pick<CogLimits, "maxTileBytes" | "maxWindowBytes">;
}

/**
 * The XYZ tile (x, y, z) of the WebMercatorQuad grid, warped from the image like gdalwarp
 * `-t_srs EPSG:3857 -te <tile bounds> -ts N N`: every output pixel centre is projected into the
 * image (exactly, per pixel) and sampled from the level the overview strategy picks for the
 * tile's footprint. Pixels outside the image get the fill value and mask 0.
 *
 * @example
 * ```ts
 * const tile = await readMapTile(ctx, 4402, 2686, 13, { tileSize: 256 });
 * ```
 */
export async function readMapTile(ctx: MapTileContext, x: number, y: number, z: number, opts: MapTileOptions = {}): Promise<Raster> {
  const size = opts.tileSize ?? 256;
  if (!Number.isSafeInteger(size) || size <= 0) throw new CogError("COG_USAGE", `tileSize must be a positive integer, got ${size}`, { url: ctx.url });
  const method = opts.resampling ?? "nearest";
  if (!WARP_METHODS.includes(method)) {
    throw new CogError("COG_USAGE", `unknown resampling ${JSON.stringify(method)}: one of ${WARP_METHODS.join(", ")}`, { url: ctx.url });
  }
  checkRasterSize({ width: size, height: size, bands: ctx.levels[0].bands, dtype: ctx.levels[0].dtype }, ctx.limits, "maxWindowBytes", "map tile", { url: ctx.url, x, y, z });
  const tb = tileBounds(x, y, z, size);
  const mb = ctx.mercatorBounds;
  if (tb[0] >= mb[2] || tb[2] <= mb[0] || tb[1] >= mb[3] || tb[3] <= mb[1]) {
    throw new CogError("COG_TILE_OUTSIDE", `map tile ${z}/${x}/${y} does not overlap the image`, { url: ctx.url, x, y, z });
  }
  const res = (tb[2] - tb[0]) / size;
  const [gx0, gxres, , gy0, , gyres] = ctx.transform;
  // Full-resolution pixel coordinates of every output pixel centre, one row at a time through
  // GDAL's approximate transformer (0.125 px, as gdalwarp), which also saves most proj4 calls.
  const px = new Float64Array(size * size);
  const py = new Float64Array(size * size);
  const rowX = new Float64Array(size);
  const rowY = new Float64Array(size);
  for (let row = 0; row < size; row++) {
    const my = tb[3] - (row + 0.5) * res;
    approxRow(
      (col) => {
        const [ix, iy] = ctx.fromMercator(tb[0] + col * res, my);
        return Number.isFinite(ix) && Number.isFinite(iy) ? [(ix - gx0) / gxres, (iy - gy0) / gyres] : undefined;
      },
      size,
      APPROX_ERROR,
      rowX,
      rowY,
    );
    px.set(rowX, row * size);
    py.set(rowY, row * size);
  }
  let [minc, minr, maxc, maxr] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < px.length; i++) {
    if (!Number.isFinite(px[i]) || !Number.isFinite(py[i])) continue;
    minc = Math.min(minc, px[i]);
    maxc = Math.max(maxc, px[i]);
    minr = Math.min(minr, py[i]);
    maxr = Math.max(maxr, py[i]);
  }
  if (!(maxc > minc && maxr > minr)) throw new CogError("COG_TILE_OUTSIDE", `map tile ${z}/${x}/${y} does not project into the image`, { url: ctx.url, x, y, z });
  const footprint: [number, number, number, number] = [gx0 + minc * gxres, gy0 + maxr * gyres, gx0 + maxc * gxres, gy0 + minr * gyres];
  const level = chooseOverview(ctx.levels, { bounds: footprint, width: size, height: size, transform: ctx.transform, strategy: opts.overviewStrategy ?? "UPPER", resampling: method });
  const info = ctx.levels[level];
  const sx = info.width / ctx.levels[0].width;
  const sy = info.height / ctx.levels[0].height;
  // The level pixel under a destination position (col, row), transformed exactly.
  const exact = (col: number, row: number): [number, number] | undefined => {
    const [ix, iy] = ctx.fromMercator(tb[0] + col * res, tb[3] - row * res);
    return Number.isFinite(ix) && Number.isFinite(iy) ? [((ix - gx0) / gxres) * sx, ((iy - gy0) / gyres) * sy] : undefined;
  };
  const win = warpWindow(exact, { width: size, height: size }, info, WARP_RADIUS[method] ?? 0);
  if (win === null) throw new CogError("COG_TILE_OUTSIDE", `map tile ${z}/${x}/${y} does not overlap the image`, { url: ctx.url, x, y, z });
  const src = await ctx.readWindow({ x: win.x, y: win.y, width: win.width, height: win.height }, level, { signal: opts.signal });
  // Pixel centres in the window's pixels.
  for (let k = 0; k < px.length; k++) [px[k], py[k]] = [px[k] * sx - win.x, py[k] * sy - win.y];
  const fill = opts.fillValue ?? ctx.nodata ?? 0;
  const dst: Raster = { width: size, height: size, bands: src.bands, dtype: src.dtype, data: allocateFilled(src.dtype, size * size * src.bands, fill), mask: new Uint8Array(size * size) };
  if (src.nodata !== undefined) dst.nodata = src.nodata;
  const corners = WARP_RADIUS[method] === undefined && method !== "nearest" ? footprints(ctx, tb, res, size, { sx, sy, x: win.x, y: win.y }) : undefined;
  warpKernel({ src, dst, xs: px, ys: py, corners, xScale: win.xScale, yScale: win.yScale, method });
  return opts.bands ? selectBands(dst, opts.bands, ctx.url) : dst;
}

/**
 * The area methods' footprints: each destination pixel's top-left corner (col, row) and
 * bottom-right corner (col + 1, row + 1) in window pixels, transformed row by row through the
 * approximate transformer as GWKAverageOrMode does.
 */
function footprints(ctx: MapTileContext, tb: [number, number, number, number], res: number, size: number, to: { sx: number; sy: number; x: number; y: number }) {
  const [gx0, gxres, , gy0, , gyres] = ctx.transform;
  const n = size * size;
  const out = { x0: new Float64Array(n), y0: new Float64Array(n), x1: new Float64Array(n), y1: new Float64Array(n) };
  const rowX = new Float64Array(size);
  const rowY = new Float64Array(size);
  for (const [ox, oy, xs, ys] of [[0, 0, out.x0, out.y0], [1, 1, out.x1, out.y1]] as const) {
    for (let row = 0; row < size; row++) {
      const my = tb[3] - (row + oy) * res;
      const exact = (col: number): [number, number] | undefined => {
        const [ix, iy] = ctx.fromMercator(tb[0] + col * res, my);
        return Number.isFinite(ix) && Number.isFinite(iy) ? [((ix - gx0) / gxres) * to.sx - to.x, ((iy - gy0) / gyres) * to.sy - to.y] : undefined;
      };
      approxRow(exact, size, APPROX_ERROR, rowX, rowY, ox);
      xs.set(rowX, row * size);
      ys.set(rowY, row * size);
    }
  }
  return out;
}

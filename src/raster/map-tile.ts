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
import { approxRow } from "./approx-transform.js";
import { warp } from "./reproject.js";

/** gdalwarp's default error threshold of its approximate transformer, in source pixels. */
const APPROX_ERROR = 0.125;
import { selectBands } from "./select-bands.js";

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
  /** `nearest` (default) or `bilinear`, as gdalwarp `-r near` / `-r bilinear`. */
  resampling?: "nearest" | "bilinear";
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
  const level = chooseOverview(ctx.levels, { bounds: footprint, width: size, height: size, transform: ctx.transform, strategy: opts.overviewStrategy ?? "UPPER", resampling: opts.resampling });
  const info = ctx.levels[level];
  const sx = info.width / ctx.levels[0].width;
  const sy = info.height / ctx.levels[0].height;
  const x0 = Math.max(0, Math.floor(minc * sx) - 1);
  const y0 = Math.max(0, Math.floor(minr * sy) - 1);
  const x1 = Math.min(info.width, Math.ceil(maxc * sx) + 1);
  const y1 = Math.min(info.height, Math.ceil(maxr * sy) + 1);
  if (x1 <= x0 || y1 <= y0) throw new CogError("COG_TILE_OUTSIDE", `map tile ${z}/${x}/${y} does not overlap the image`, { url: ctx.url, x, y, z });
  const src = await ctx.readWindow({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, level, { signal: opts.signal });
  const toSource = (col: number, row: number): [number, number] | undefined => {
    const k = Math.floor(row) * size + Math.floor(col);
    return Number.isFinite(px[k]) && Number.isFinite(py[k]) ? [px[k] * sx, py[k] * sy] : undefined;
  };
  const out = warp(src, { x: x0, y: y0 }, { width: size, height: size }, toSource, {
    method: opts.resampling ?? "nearest",
    fill: opts.fillValue ?? ctx.nodata ?? 0,
    levelWidth: info.width,
    levelHeight: info.height,
  });
  return opts.bands ? selectBands(out, opts.bands, ctx.url) : out;
}

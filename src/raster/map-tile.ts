import { CogError } from "../errors.js";
import { checkRasterSize } from "../limits.js";
import type { CogLimits } from "../options.js";
import { chooseOverview, type OverviewStrategy } from "../locate/overview.js";
import type { tileBounds } from "../locate/web-mercator.js";
import type { GeoTransform } from "../tiff/georef.js";
import type { ImageInfo } from "../tiff/image.js";
import type { WindowTarget, PixelWindow } from "./assemble-window.js";
import type { PointTransform } from "./projection.js";
import type { Raster } from "./raster.js";
import { allocate, allocateFilled, componentsOf, type TypedArray } from "../decode/samples.js";
import type { DType } from "../tiff/dtype.js";
import { approxRow } from "./approx-transform.js";
import { selectBands } from "./select-bands.js";
import { WARP_METHODS, warpKernel, type WarpMethod } from "./warp-kernels.js";
import { FILTERS } from "./warp-convolve.js";
import { warpChunks, type ExactTransform, type WarpChunk } from "./warp-window.js";

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
  /**
   * `tileBounds` of locate/web-mercator.ts, handed over by the reader: imported here, that
   * root-exported module would become a chunk of its own in the core bundle (README, "Bundle sizes").
   */
  tileBounds: typeof tileBounds;
  /** EPSG:3857 → the image's CRS (identity for images in EPSG:3857). */
  fromMercator: PointTransform;
  nodata?: number;
  url: string;
  /** Fetches a window's tiles; the function it resolves to assembles them (into scratch, if given). */
  fetchWindow(win: PixelWindow, z: number, opts: { signal?: AbortSignal }): Promise<(into?: WindowTarget) => Raster>;
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
  const tb = ctx.tileBounds(x, y, z, size);
  const mb = ctx.mercatorBounds;
  if (tb[0] >= mb[2] || tb[2] <= mb[0] || tb[1] >= mb[3] || tb[3] <= mb[1]) {
    throw new CogError("COG_TILE_OUTSIDE", `map tile ${z}/${x}/${y} does not overlap the image`, { url: ctx.url, x, y, z });
  }
  const res = (tb[2] - tb[0]) / size;
  const [gx0, gxres, , gy0, , gyres] = ctx.transform;
  // The footprint of the output pixel centres in full-resolution pixels, for the overview choice:
  // the top and bottom rows through GDAL's approximate transformer, the side columns every
  // 16 pixels (a projection bends a tile's edges only slightly over 256 pixels).
  const toImage = (col: number, row: number): [number, number] | undefined => {
    const [ix, iy] = ctx.fromMercator(tb[0] + col * res, tb[3] - row * res);
    return Number.isFinite(ix) && Number.isFinite(iy) ? [(ix - gx0) / gxres, (iy - gy0) / gyres] : undefined;
  };
  let [minc, minr, maxc, maxr] = [Infinity, Infinity, -Infinity, -Infinity];
  const include = (c: number, r: number) => {
    if (!Number.isFinite(c) || !Number.isFinite(r)) return;
    minc = Math.min(minc, c);
    maxc = Math.max(maxc, c);
    minr = Math.min(minr, r);
    maxr = Math.max(maxr, r);
  };
  const rowX = new Float64Array(size);
  const rowY = new Float64Array(size);
  for (const row of [0.5, size - 0.5]) {
    approxRow((col) => toImage(col, row), size, APPROX_ERROR, rowX, rowY);
    for (let i = 0; i < size; i++) include(rowX[i], rowY[i]);
  }
  for (let row = 0.5; row < size; row += Math.min(16, Math.max(1, size - 1 - row))) {
    for (const col of [0.5, size - 0.5]) {
      const p = toImage(col, row);
      if (p) include(p[0], p[1]);
    }
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
  const chunks = warpChunks(exact, { width: size, height: size }, info, FILTERS[method]?.radius ?? 0);
  if (chunks.length === 0) throw new CogError("COG_TILE_OUTSIDE", `map tile ${z}/${x}/${y} does not overlap the image`, { url: ctx.url, x, y, z });
  if (method !== "nearest" && (componentsOf(info.dtype) !== 1 || info.dtype === "int64" || info.dtype === "uint64")) {
    throw new CogError("COG_UNSUPPORTED", `${method} resampling of ${info.dtype} data is not supported (use nearest)`, { url: ctx.url, x, y, z });
  }
  if (method !== "nearest" && info.photometric === "palette") {
    throw new CogError("COG_UNSUPPORTED", `${method} resampling of palette indices would invent colours: use nearest`, { url: ctx.url, x, y, z });
  }
  // One read covers every chunk's source window.
  const win = { x: Math.min(...chunks.map((c) => c.x)), y: Math.min(...chunks.map((c) => c.y)), width: 0, height: 0 };
  win.width = Math.max(...chunks.map((c) => c.x + c.width)) - win.x;
  win.height = Math.max(...chunks.map((c) => c.y + c.height)) - win.y;
  const assemble = await ctx.fetchWindow(win, level, { signal: opts.signal });
  // From here to the end the tile is computed synchronously: the window goes into scratch.
  const src = assemble(scratchTarget(info.dtype, win.width * win.height * info.bands, win.width * win.height));
  const fill = opts.fillValue ?? ctx.nodata ?? 0;
  const dst: Raster = { width: size, height: size, bands: src.bands, dtype: src.dtype, data: allocateFilled(src.dtype, size * size * src.bands, fill), mask: new Uint8Array(size * size) };
  if (src.nodata !== undefined) dst.nodata = src.nodata;
  // As GDAL, each chunk transforms its own rows (so the approximation spans the chunk's width),
  // in the level's pixels: centres for the kernels, corners for the area methods.
  const area = FILTERS[method] === undefined && method !== "nearest";
  const alphaIndex = info.extraSamples.findIndex((e) => e === 1 || e === 2);
  const alphaBand = alphaIndex < 0 ? undefined : info.bands - info.extraSamples.length + alphaIndex;
  const n = size * size;
  const [xs, ys, x0s, y0s, x1s, y1s] = coordinates(n);
  // Points no chunk writes stay NaN (no source); chunks never overlap.
  if (chunks.reduce((sum, c) => sum + c.dstWidth * c.dstHeight, 0) < n) {
    for (const a of area ? [x0s, y0s, x1s, y1s] : [xs, ys]) a.fill(NaN);
  }
  const corners = area ? { x0: x0s, y0: y0s, x1: x1s, y1: y1s } : undefined;
  const separable = ctx.fromMercator.separable === true;
  const points = separable ? gridPoints : chunkPoints;
  for (const c of chunks) {
    if (corners) {
      points(exact, c, size, 0, corners.x0, corners.y0);
      points(exact, c, size, 1, corners.x1, corners.y1);
    } else points(exact, c, size, 0.5, xs, ys);
    const whole = c.x === win.x && c.y === win.y && c.width === win.width && c.height === win.height;
    const part = whole ? src : subRaster(src, { x: c.x - win.x, y: c.y - win.y, width: c.width, height: c.height });
    const region = { x: c.dstX, y: c.dstY, width: c.dstWidth, height: c.dstHeight };
    // The points are level pixels; the kernels subtract the chunk's window offset (GDAL's nSrcXOff).
    warpKernel({ src: part, dst, xs, ys, corners, xScale: c.xScale, yScale: c.yScale, method, region, shift: { x: c.x, y: c.y }, alphaBand, separable });
  }
  return opts.bands ? selectBands(dst, opts.bands, ctx.url) : dst;
}

/**
 * The level pixels under the points (col + at, row + at) of one chunk's rows, through the
 * approximate transformer row by row (GDAL's GWK loops, with gdalwarp's 0.125-pixel error
 * threshold), written in place into the tile's coordinate arrays: at 0.5 the pixel centres, at 0
 * and 1 the corners.
 */
function chunkPoints(exact: ExactTransform, c: WarpChunk, size: number, at: number, xs: Float64Array, ys: Float64Array): void {
  for (let j = 0; j < c.dstHeight; j++) {
    const row = c.dstY + j + at;
    const o = (c.dstY + j) * size + c.dstX;
    approxRow((col) => exact(col, row), c.dstWidth, APPROX_ERROR, xs.subarray(o, o + c.dstWidth), ys.subarray(o, o + c.dstWidth), c.dstX + at);
  }
}

/**
 * {@link chunkPoints} for a separable transform (PointTransform.separable: a file in EPSG:3857
 * or EPSG:4326), with the same numbers from far fewer transforms. Along a row y is constant, so
 * the approximate transformer's choices depend on x alone: every row gets the x of the first
 * (run with y set to 0), and each row one y, its first point's.
 */
function gridPoints(exact: ExactTransform, c: WarpChunk, size: number, at: number, xs: Float64Array, ys: Float64Array): void {
  const first = c.dstY * size + c.dstX;
  const xOnly = (col: number): [number, number] | undefined => {
    const p = exact(col, c.dstY + at);
    return p && [p[0], 0];
  };
  approxRow(xOnly, c.dstWidth, APPROX_ERROR, xs.subarray(first, first + c.dstWidth), ys.subarray(first, first + c.dstWidth), c.dstX + at);
  for (let j = 0; j < c.dstHeight; j++) {
    const o = (c.dstY + j) * size + c.dstX;
    if (j > 0) xs.copyWithin(o, first, first + c.dstWidth);
    const p = exact(c.dstX + at, c.dstY + j + at);
    ys.fill(p ? p[1] : NaN, o, o + c.dstWidth);
  }
}

// The source window's scratch, reused from tile to tile (up to 8 MiB; larger windows get their
// own buffers). Fresh buffers cost page faults on every tile.
const SCRATCH_MAX_BYTES = 8 * 1024 * 1024;
let windowScratch: ArrayBuffer | undefined;
let maskScratch: Uint8Array | undefined;
function scratchTarget(dtype: DType, values: number, pixels: number): WindowTarget | undefined {
  const Ctor = allocate(dtype, 0).constructor as new (buffer: ArrayBuffer, offset: number, length: number) => TypedArray;
  const bytes = values * (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes > SCRATCH_MAX_BYTES || componentsOf(dtype) !== 1) return undefined;
  if (windowScratch === undefined || windowScratch.byteLength < bytes) windowScratch = new ArrayBuffer(Math.max(bytes, 1 << 20));
  if (maskScratch === undefined || maskScratch.length < pixels) maskScratch = new Uint8Array(Math.max(pixels, 1 << 18));
  return { data: new Ctor(windowScratch, 0, values), mask: maskScratch.subarray(0, pixels) };
}

// Scratch coordinate arrays, reused from tile to tile: from here on a tile is computed
// synchronously, so no two tiles use them at once, and fresh 512 KiB arrays per tile keep the GC busy.
let coordinateScratch: Float64Array[] = [];
function coordinates(n: number): Float64Array[] {
  if (coordinateScratch.length === 0 || coordinateScratch[0].length !== n) coordinateScratch = Array.from({ length: 6 }, () => new Float64Array(n));
  return coordinateScratch;
}

/** A copy of part of a raster (a gdalwarp chunk's own source window). */
function subRaster(src: Raster, w: { x: number; y: number; width: number; height: number }): Raster {
  const data = allocateFilled(src.dtype, w.width * w.height * src.bands, 0);
  const mask = new Uint8Array(w.width * w.height);
  for (let b = 0; b < src.bands; b++) {
    for (let row = 0; row < w.height; row++) {
      const from = b * src.width * src.height + (w.y + row) * src.width + w.x;
      (data as Uint8Array).set((src.data as Uint8Array).subarray(from, from + w.width), b * w.width * w.height + row * w.width);
    }
  }
  for (let row = 0; row < w.height; row++) mask.set(src.mask!.subarray((w.y + row) * src.width + w.x, (w.y + row) * src.width + w.x + w.width), row * w.width);
  const out: Raster = { width: w.width, height: w.height, bands: src.bands, dtype: src.dtype, data, mask };
  if (src.nodata !== undefined) out.nodata = src.nodata;
  return out;
}

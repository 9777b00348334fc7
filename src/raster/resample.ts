import { CogError } from "../errors.js";
import { allocateFilled, componentsOf } from "../decode/samples.js";
import { convolve, FILTERS, type Axis, type KernelArgs, type KernelOut } from "./kernels.js";
import { average, mode } from "./kernels-area.js";
import type { PixelWindow } from "./mosaic.js";
import type { Raster } from "./raster.js";
import { vrtAxis, type Request } from "./vrt-axis.js";

/**
 * Resampling methods, named as `gdal_translate -r` names them.
 *
 * @example
 * ```ts
 * const method: Resampling = "bilinear";
 * ```
 */
export type Resampling = "nearest" | "bilinear" | "cubic" | "average" | "mode";

/**
 * A window in pixel coordinates whose edges may fall anywhere (pixel `k` covers `[k, k + 1)`).
 *
 * @example
 * ```ts
 * const win: FractionalWindow = { x: 100.25, y: 40.5, width: 72.4, height: 60.1 };
 * ```
 */
export interface FractionalWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Options of {@link resample}.
 *
 * @example
 * ```ts
 * const opts: ResampleOptions = { method: "cubic", fill: -9999, levelBounds: { x: -40, y: -8, width: 600, height: 450 } };
 * ```
 */
export interface ResampleOptions {
  method: Resampling;
  /** Value of output pixels without a valid source (mask 0). Default: `src.nodata`, else 0. */
  fill?: number;
  /**
   * The whole image level in `src`'s pixel coordinates: `{ x: -win.x, y: -win.y, width:
   * level.width, height: level.height }` for `src = readWindow(win, z)`. GDAL never reads past
   * the level's edge: kernels are cut there and output beyond it is `fill`. Default: all of `src`.
   */
  levelBounds?: PixelWindow;
}

/**
 * The integer window (in `srcWindow`'s coordinates) that {@link resample} may read for this
 * request: the covering window plus the kernel's reach, GDAL's chunk slack and its edge
 * corrections. Read it boundless and pass the level's position as `levelBounds`.
 *
 * @example
 * ```ts
 * const need = resampleWindow({ x: 10.3, y: 5.7, width: 72.4, height: 60.1 }, { width: 24, height: 20 }, "cubic");
 * const src = await cog.readWindow(need, 1);
 * ```
 */
export function resampleWindow(srcWindow: FractionalWindow, out: { width: number; height: number }, method: Resampling): PixelWindow {
  const radius = method === "bilinear" || method === "cubic" ? FILTERS[method].radius : 0;
  const ratio = Math.max(1, Math.ceil(srcWindow.width / out.width), Math.ceil(srcWindow.height / out.height));
  const margin = (radius + 1) * (ratio + 1) + 3;
  const x = Math.floor(srcWindow.x) - margin;
  const y = Math.floor(srcWindow.y) - margin;
  return { x, y, width: Math.ceil(srcWindow.x + srcWindow.width) + margin - x, height: Math.ceil(srcWindow.y + srcWindow.height) + margin - y };
}

/**
 * Resamples the fractional window `srcWindow` of `src` to `out.width × out.height` pixels as GDAL
 * 3.6 does for `gdal_translate -projwin … -outsize W H -r <method>` reading the same level.
 *
 * Pixel-centre convention: source pixel `k` covers `[k, k + 1)` (centre `k + 0.5`); output pixel
 * `i` covers `srcWindow.x + [i, i + 1) × srcWindow.width / out.width`, so its centre is at
 * `srcWindow.x + (i + 0.5) × srcWindow.width / out.width` (rows alike). Like gdal_translate,
 * `nearest` first snaps the window to whole pixels (`floor(x + 0.001)`, `floor(width + 0.5)`)
 * and takes the pixel under each centre; the other methods use the window as given, except that
 * edges within 0.001 of a whole pixel snap to it (GDAL's VRT does that). `bilinear` and `cubic`
 * are separable convolutions whose radius (1, 2) grows with the downsampling ratio; `average`
 * weights each pixel by its area inside the output pixel; `mode` takes the most frequent value.
 *
 * Invalid pixels (mask 0) are left out and the weights renormalised; an output pixel without a
 * valid source gets `fill` and mask 0, as do pixels outside the level. Integer results are
 * rounded half away from zero and clamped, and a valid result equal to nodata is nudged as GDAL
 * does (-9999 → -9998). `nearest` copies the value and mask of the pixel it picks. (For files
 * with an internal mask, GDAL's own output mask is a separate nearest resample of the mask band;
 * ours says whether valid pixels contributed.)
 *
 * @example
 * ```ts
 * const need = resampleWindow(win, { width: 24, height: 20 }, "bilinear");
 * const src = await cog.readWindow(need, 1);
 * const level = { x: -need.x, y: -need.y, width: cog.ifds[1].width, height: cog.ifds[1].height };
 * const r = resample(src, { ...win, x: win.x - need.x, y: win.y - need.y }, { width: 24, height: 20 }, { method: "bilinear", levelBounds: level });
 * ```
 */
export function resample(src: Raster, srcWindow: FractionalWindow, out: { width: number; height: number }, opts: ResampleOptions): Raster {
  if (![out.width, out.height].every((v) => Number.isInteger(v) && v > 0) || !(srcWindow.width > 0 && srcWindow.height > 0)) {
    throw new CogError("COG_USAGE", `resample needs a positive window and an integer output size, got ${JSON.stringify({ srcWindow, out })}`);
  }
  const level = opts.levelBounds ?? { x: 0, y: 0, width: src.width, height: src.height };
  const fill = opts.fill ?? src.nodata ?? 0;
  const pixels = out.width * out.height;
  const data = allocateFilled(src.dtype, pixels * src.bands * componentsOf(src.dtype), fill);
  const result: Raster = { width: out.width, height: out.height, bands: src.bands, dtype: src.dtype, data, mask: new Uint8Array(pixels) };
  if (src.nodata !== undefined) result.nodata = src.nodata;
  let [x, y, w, h] = [srcWindow.x - level.x, srcWindow.y - level.y, srcWindow.width, srcWindow.height];
  if (opts.method === "nearest") {
    [x, y, w, h] = [Math.floor(x + 0.001), Math.floor(y + 0.001), Math.floor(w + 0.5), Math.floor(h + 0.5)];
    if (w <= 0 || h <= 0) throw new CogError("COG_USAGE", `nearest window ${JSON.stringify(srcWindow)} rounds to no whole pixel (GDAL refuses it too)`);
  }
  const rx = vrtAxis(x, w, out.width, level.width);
  const ry = vrtAxis(y, h, out.height, level.height);
  if (rx === null || ry === null) return result;
  if (opts.method === "nearest") nearest(src, level, rx, ry, result);
  else if (componentsOf(src.dtype) !== 1 || typeof src.data[0] === "bigint") {
    throw new CogError("COG_UNSUPPORTED", `${opts.method} resampling of ${src.dtype} data is not supported (use nearest)`);
  } else resampled(src, level, rx, ry, { method: opts.method, fill }, result);
  return result;
}

function need(src: Raster, x0: number, y0: number, x1: number, y1: number): void {
  if (x0 < 0 || y0 < 0 || x1 > src.width || y1 > src.height) {
    const win = JSON.stringify({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    throw new CogError("COG_USAGE", `src (${src.width}x${src.height}) does not cover the pixels GDAL reads (${win}): read resampleWindow()`);
  }
}

/** GDALRasterBand::IRasterIO's nearest path: centres + 1e-10, x accumulated, clamped to the level. */
function nearest(src: Raster, level: PixelWindow, rx: Request, ry: Request, dst: Raster): void {
  const comps = componentsOf(src.dtype);
  const [incX, incY] = [rx.dfSize / rx.outSize, ry.dfSize / ry.outSize];
  const cols = new Int32Array(rx.outSize);
  for (let i = 0, x = 0.5 * incX + rx.df + 1e-10; i < rx.outSize; i++, x += incX) {
    cols[i] = Math.trunc(Math.min(Math.max(0, x), level.width - 1)) + level.x;
  }
  const [sData, dData] = [src.data as unknown as number[], dst.data as unknown as number[]];
  const [sPixels, dPixels] = [src.width * src.height, dst.width * dst.height];
  for (let j = 0; j < ry.outSize; j++) {
    const row = Math.trunc(Math.min(Math.max(0, (j + 0.5) * incY + ry.df + 1e-10), level.height - 1)) + level.y;
    need(src, cols[0], row, cols[rx.outSize - 1] + 1, row + 1);
    for (let i = 0; i < rx.outSize; i++) {
      const [s, d] = [row * src.width + cols[i], (ry.out + j) * dst.width + rx.out + i];
      for (let b = 0; b < src.bands; b++) {
        for (let c = 0; c < comps; c++) dData[(b * dPixels + d) * comps + c] = sData[(b * sPixels + s) * comps + c];
      }
      dst.mask![d] = src.mask ? src.mask[s] : 255;
    }
  }
}

/**
 * GDALRasterBand::RasterIOResampled (gcore/rasterio.cpp): cut the output into blocks whose chunk
 * stays under 1 Mpixel, read each chunk with a margin of radius × round(ratio) pixels (clipped to
 * the level), skip it if its mask is all 0, drop the mask if all valid, run the kernel.
 */
function resampled(src: Raster, level: PixelWindow, rx: Request, ry: Request, opts: { method: Exclude<Resampling, "nearest">; fill: number }, dst: Raster): void {
  const radius = opts.method === "bilinear" || opts.method === "cubic" ? FILTERS[opts.method].radius : 0;
  const [ratioX, ratioY] = [rx.dfSize / rx.outSize, ry.dfSize / ry.outSize];
  let [blockW, blockH] = [rx.outSize, ry.outSize];
  for (;;) {
    const cw = Math.min(level.width, 3 + Math.trunc(blockW * ratioX));
    const ch = Math.min(level.height, 3 + Math.trunc(blockH * ratioY));
    if ((blockW === 1 && blockH === 1) || cw * ch <= 1024 * 1024) break;
    if (blockW > 1 && (cw > ch || blockH === 1)) blockW = Math.trunc(blockW / 2);
    else blockH = Math.trunc(blockH / 2);
  }
  let [fx, fy] = [Math.trunc(0.5 + ratioX) || 1, Math.trunc(0.5 + ratioY) || 1];
  if (src.bands > 1) fx = fy = Math.max(fx, fy); // GDALDataset::RasterIOResampled: one factor
  const work: KernelArgs["work"] = opts.method !== "mode" && src.dtype === "uint8" ? "byte" : opts.method !== "mode" && src.dtype === "uint16" ? "uint16" : "float32";
  const nodata = src.nodata === undefined ? undefined : Math.fround(src.nodata);
  for (let by = 0; by < ry.outSize; by += blockH) {
    const y = axis(ry, by, Math.min(blockH, ry.outSize - by), radius * fy, level.height);
    for (let bx = 0; bx < rx.outSize; bx += blockW) {
      const x = axis(rx, bx, Math.min(blockW, rx.outSize - bx), radius * fx, level.width);
      const [x0, y0] = [x.chunk0 + x.base, y.chunk0 + y.base];
      need(src, x0 + level.x, y0 + level.y, x0 + x.chunkN + level.x, y0 + y.chunkN + level.y);
      const mask = chunkOf(src.mask, src.width, x0 + level.x, y0 + level.y, x.chunkN, y.chunkN);
      const empty = mask !== null && mask.every((v) => v === 0);
      const opaque = mask === null || mask.every((v) => v === mask[0]);
      for (let b = 0; b < src.bands; b++) {
        let block: KernelOut;
        if (empty) block = { values: new Float64Array(x.dstN * y.dstN).fill(opts.fill), valid: new Uint8Array(x.dstN * y.dstN) };
        else {
          const band = src.data.subarray(b * src.width * src.height) as ArrayLike<number>;
          const values = chunkOf(band, src.width, x0 + level.x, y0 + level.y, x.chunkN, y.chunkN)!;
          if (work === "float32") values.forEach((v, k) => (values[k] = Math.fround(v)));
          // GDAL's nodata mask is per band: a pixel nodata in this band only is left out of this
          // band only (the raster's mask says "valid in any band").
          const bandMask = nodata !== undefined && mask !== null && src.bands > 1 ? perBandMask(mask, values, nodata) : mask;
          const bandOpaque = bandMask === null || bandMask.every((v) => v === bandMask[0]);
          const args = { chunk: values, mask: bandOpaque && bandMask === mask ? (opaque ? null : mask) : bandOpaque && bandMask?.[0] ? null : bandMask, x, y, nodata, fill: opts.fill, dtype: src.dtype, work };
          if (opts.method === "average") block = average(args);
          else if (opts.method === "mode") block = mode(args, { byteSource: src.dtype === "uint8" });
          else block = convolve(args, opts.method);
        }
        write(dst, b, rx.out + bx, ry.out + by, x.dstN, block);
      }
    }
  }
}

/**
 * One axis of a RasterIOResampled block. When the window start is a whole number of output
 * pixels GDAL works in level coordinates ("virtual" offset), else relative to the integer start.
 */
function axis(r: Request, dst0: number, count: number, margin: number, extent: number): Axis & { base: number } {
  const ratio = r.dfSize / r.outSize;
  const v = r.df / ratio;
  const virtual = Math.abs(v - Math.trunc(v + 0.5)) < 1e-8;
  const end = Math.min(extent, r.n + 1 + Math.trunc(Math.ceil((dst0 + count) * ratio)) + margin);
  const start = Math.max(0, r.n + Math.trunc(dst0 * ratio) - margin);
  const base = virtual ? 0 : r.n;
  return { chunk0: start - base, chunkN: end - start, dst0: dst0 + (virtual ? Math.trunc(v + 0.5) : 0), dstN: count, ratio, delta: virtual ? 0 : r.df - r.n, base };
}

/** The mask AND "this band's value is not nodata" (NaN matches NaN). */
function perBandMask(mask: ArrayLike<number>, values: ArrayLike<number>, nodata: number): Float64Array {
  const out = new Float64Array(mask.length);
  const nan = Number.isNaN(nodata);
  for (let k = 0; k < out.length; k++) {
    const v = values[k];
    out[k] = mask[k] && !(nan ? Number.isNaN(v) : v === nodata) ? mask[k] : 0;
  }
  return out;
}

/** A w × h block of a row-major plane of width `stride` (null for a missing mask). */
function chunkOf<T extends ArrayLike<number>>(plane: T | undefined, stride: number, x0: number, y0: number, w: number, h: number): Float64Array | null {
  if (plane === undefined) return null;
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = plane[(y0 + y) * stride + x0 + x];
  return out;
}

function write(dst: Raster, b: number, x0: number, y0: number, w: number, block: KernelOut): void {
  const data = dst.data as unknown as number[];
  const nanNodata = Number.isNaN(dst.nodata);
  for (let k = 0; k < block.values.length; k++) {
    const d = (y0 + Math.trunc(k / w)) * dst.width + x0 + (k % w);
    data[b * dst.width * dst.height + d] = block.values[k];
    if (block.valid[k] && !(nanNodata && Number.isNaN(block.values[k]))) dst.mask![d] = 255;
  }
}

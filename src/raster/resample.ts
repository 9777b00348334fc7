import { CogError } from "../errors.js";
import { allocateFilled, componentsOf } from "../decode/samples.js";
import { Convolution, FILTERS, type Axis, type ChunkView, type KernelArgs, type KernelOut } from "./kernels.js";
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

/** Every {@link Resampling} method. */
export const RESAMPLINGS: readonly Resampling[] = ["nearest", "bilinear", "cubic", "average", "mode"];

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
  /**
   * The 0-based index of an alpha band (ExtraSamples), if any. As in GDAL, the alpha band is
   * resampled as plain data (all of it valid), the other bands leave out pixels whose alpha is 0,
   * and the output's mask is the resampled alpha.
   */
  alphaBand?: number;
}

/**
 * The integer window (in `srcWindow`'s coordinates) that {@link resample} reads for this request.
 * Given the level's size (`srcWindow` then in level pixels), it is exactly the pixels GDAL reads:
 * for `nearest` the pixels picked, for the kernels their chunks (the window, the kernel's reach
 * and GDAL's slack), clipped to the level. Without it, a window wide enough for any level. Read
 * it boundless and pass the level's position as `levelBounds`.
 *
 * @example
 * ```ts
 * const win = { x: 10.3, y: 5.7, width: 72.4, height: 60.1 };
 * const need = resampleWindow(win, { width: 24, height: 20 }, "cubic", cog.ifds[1]);
 * const src = await cog.readWindow(need, 1);
 * ```
 */
export function resampleWindow(srcWindow: FractionalWindow, out: { width: number; height: number }, method: Resampling, level?: { width: number; height: number }): PixelWindow {
  const axes = level && requestAxes(srcWindow, out, method, level);
  if (axes) {
    const [rx, ry] = axes;
    if (isCopy(rx, ry)) return { x: rx.n, y: ry.n, width: rx.outSize, height: ry.outSize };
    if (method === "nearest") {
      const [cols, rows] = [nearestIndex(rx, level!.width, "x"), nearestIndex(ry, level!.height, "y")];
      return { x: cols[0], y: rows[0], width: cols[cols.length - 1] + 1 - cols[0], height: rows[rows.length - 1] + 1 - rows[0] };
    }
    const radius = method === "bilinear" || method === "cubic" ? FILTERS[method].radius : 0;
    const factor = Math.max(Math.trunc(0.5 + rx.dfSize / rx.outSize) || 1, Math.trunc(0.5 + ry.dfSize / ry.outSize) || 1);
    const x = axis(rx, 0, rx.outSize, radius * factor, level!.width);
    const y = axis(ry, 0, ry.outSize, radius * factor, level!.height);
    return { x: x.chunk0 + x.base, y: y.chunk0 + y.base, width: x.chunkN, height: y.chunkN };
  }
  const radius = method === "bilinear" || method === "cubic" ? FILTERS[method].radius : 0;
  const ratio = Math.max(1, Math.ceil(srcWindow.width / out.width), Math.ceil(srcWindow.height / out.height));
  const margin = (radius + 1) * (ratio + 1) + 3;
  const x = Math.floor(srcWindow.x) - margin;
  const y = Math.floor(srcWindow.y) - margin;
  return { x, y, width: Math.ceil(srcWindow.x + srcWindow.width) + margin - x, height: Math.ceil(srcWindow.y + srcWindow.height) + margin - y };
}

/**
 * Whether GDAL reads this request as a plain copy, whatever the method: `GDALRasterBand::IRasterIO`
 * copies when the integer source window is as large as the output (one level pixel per output
 * pixel), starting at the window's integer offset.
 */
function isCopy(rx: Request, ry: Request): boolean {
  return Math.floor(rx.dfSize + 0.5) === rx.outSize && Math.floor(ry.dfSize + 0.5) === ry.outSize;
}

/**
 * Whether {@link resample} returns exactly the pixels of {@link resampleWindow}'s window for this
 * request (a copy covering the whole output): then that window is the answer.
 *
 * @example
 * ```ts
 * copiesWindow({ x: 256, y: 0, width: 256, height: 256 }, { width: 256, height: 256 }, "cubic", cog.ifds[0]); // true
 * ```
 */
export function copiesWindow(srcWindow: FractionalWindow, out: { width: number; height: number }, method: Resampling, level: { width: number; height: number }): boolean {
  const axes = requestAxes(srcWindow, out, method, level);
  if (axes === null || !isCopy(axes[0], axes[1])) return false;
  return axes[0].out === 0 && axes[1].out === 0 && axes[0].outSize === out.width && axes[1].outSize === out.height;
}

/**
 * What GDAL reads of the level on each axis for a window in level pixels (nearest first snaps it
 * to whole pixels, as gdal_translate does), or null when it reads nothing.
 */
function requestAxes(win: FractionalWindow, out: { width: number; height: number }, method: Resampling, level: { width: number; height: number }): [Request, Request] | null {
  let [x, y, w, h] = [win.x, win.y, win.width, win.height];
  if (method === "nearest") {
    [x, y, w, h] = [Math.floor(x + 0.001), Math.floor(y + 0.001), Math.floor(w + 0.5), Math.floor(h + 0.5)];
    if (w <= 0 || h <= 0) throw new CogError("COG_USAGE", `nearest window ${JSON.stringify(win)} rounds to no whole pixel (GDAL refuses it too)`);
  }
  const rx = vrtAxis(x, w, out.width, level.width);
  const ry = vrtAxis(y, h, out.height, level.height);
  return rx === null || ry === null ? null : [rx, ry];
}

/**
 * GDALRasterBand::IRasterIO's nearest pick on one axis: pixel centres + 1e-10, clamped to the
 * level. GDAL accumulates the x coordinate (`dfSrcX += dfSrcXInc`) but multiplies for y, and the
 * two round differently, so the axis says which.
 */
function nearestIndex(r: Request, extent: number, axis: "x" | "y"): Int32Array {
  const inc = r.dfSize / r.outSize;
  const index = new Int32Array(r.outSize);
  const clamp = (v: number) => Math.trunc(Math.min(Math.max(0, v), extent - 1));
  if (axis === "x") for (let i = 0, v = 0.5 * inc + r.df + 1e-10; i < r.outSize; i++, v += inc) index[i] = clamp(v);
  else for (let i = 0; i < r.outSize; i++) index[i] = clamp((i + 0.5) * inc + r.df + 1e-10);
  return index;
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
  if (!RESAMPLINGS.includes(opts.method)) throw new CogError("COG_USAGE", `unknown resampling ${JSON.stringify(opts.method)}: one of ${RESAMPLINGS.join(", ")}`);
  if (![out.width, out.height].every((v) => Number.isInteger(v) && v > 0) || !(srcWindow.width > 0 && srcWindow.height > 0)) {
    throw new CogError("COG_USAGE", `resample needs a positive window and an integer output size, got ${JSON.stringify({ srcWindow, out })}`);
  }
  const level = opts.levelBounds ?? { x: 0, y: 0, width: src.width, height: src.height };
  const fill = opts.fill ?? src.nodata ?? 0;
  const pixels = out.width * out.height;
  const data = allocateFilled(src.dtype, pixels * src.bands * componentsOf(src.dtype), fill);
  const result: Raster = { width: out.width, height: out.height, bands: src.bands, dtype: src.dtype, data, mask: new Uint8Array(pixels) };
  if (src.nodata !== undefined) result.nodata = src.nodata;
  const axes = requestAxes({ ...srcWindow, x: srcWindow.x - level.x, y: srcWindow.y - level.y }, out, opts.method, level);
  if (axes === null) return result;
  const [rx, ry] = axes;
  if (isCopy(rx, ry)) nearest(src, level, rx, ry, result, true);
  else if (opts.method === "nearest") nearest(src, level, rx, ry, result);
  else if (componentsOf(src.dtype) !== 1 || typeof src.data[0] === "bigint") {
    throw new CogError("COG_UNSUPPORTED", `${opts.method} resampling of ${src.dtype} data is not supported (use nearest)`);
  } else resampled(src, level, rx, ry, { method: opts.method, fill, alphaBand: opts.alphaBand }, result);
  if (opts.alphaBand !== undefined && opts.method !== "nearest") alphaAsMask(result, opts.alphaBand);
  return result;
}

function need(src: Raster, x0: number, y0: number, x1: number, y1: number): void {
  if (x0 < 0 || y0 < 0 || x1 > src.width || y1 > src.height) {
    const win = JSON.stringify({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    throw new CogError("COG_USAGE", `src (${src.width}x${src.height}) does not cover the pixels GDAL reads (${win}): read resampleWindow()`);
  }
}

/**
 * GDALRasterBand::IRasterIO's nearest path ({@link nearestIndex}), or its plain copy (`copy`). The source column of every output column and the source row of every output row are computed
 * once; then each band is copied row by row (a plain copy where the columns are consecutive).
 */
function nearest(src: Raster, level: PixelWindow, rx: Request, ry: Request, dst: Raster, copy = false): void {
  const comps = componentsOf(src.dtype);
  const [W, H] = [rx.outSize, ry.outSize];
  const [cols, rows] = copy ? [Int32Array.from({ length: W }, (_, i) => rx.n + i), Int32Array.from({ length: H }, (_, j) => ry.n + j)] : [nearestIndex(rx, level.width, "x"), nearestIndex(ry, level.height, "y")];
  for (let i = 0; i < W; i++) cols[i] += level.x;
  for (let j = 0; j < H; j++) rows[j] += level.y;
  need(src, cols[0], rows[0], cols[W - 1] + 1, rows[H - 1] + 1);
  const consecutive = cols[W - 1] - cols[0] === W - 1;
  // Complex samples have `comps` numbers per pixel: gather them through sample offsets.
  const samples = comps === 1 ? cols : Int32Array.from({ length: W * comps }, (_, k) => cols[Math.trunc(k / comps)] * comps + (k % comps));
  const [sPlane, dPlane] = [src.width * src.height * comps, dst.width * dst.height * comps];
  for (let b = 0; b < src.bands; b++) {
    const s = src.data.subarray(b * sPlane, (b + 1) * sPlane);
    const d = dst.data.subarray(b * dPlane, (b + 1) * dPlane);
    for (let j = 0; j < H; j++) {
      const [from, to] = [rows[j] * src.width * comps, ((ry.out + j) * dst.width + rx.out) * comps];
      if (consecutive) (d as Uint8Array).set((s as Uint8Array).subarray(from + samples[0], from + samples[0] + W * comps), to);
      else gather(s as unknown as number[], d as unknown as number[], from, to, samples);
    }
  }
  const mask = dst.mask!;
  for (let j = 0; j < H; j++) {
    const [from, to] = [rows[j] * src.width, (ry.out + j) * dst.width + rx.out];
    if (!src.mask) mask.fill(255, to, to + W);
    else if (consecutive) mask.set(src.mask.subarray(from + cols[0], from + cols[0] + W), to);
    else gather(src.mask as unknown as number[], mask as unknown as number[], from, to, cols);
  }
}

/** `d[to + k] = s[from + cols[k]]` for every k: one output row of one band. */
function gather(s: number[], d: number[], from: number, to: number, cols: Int32Array): void {
  for (let k = 0; k < cols.length; k++) d[to + k] = s[from + cols[k]];
}

/**
 * GDALRasterBand::RasterIOResampled (gcore/rasterio.cpp): cut the output into blocks whose chunk
 * stays under 1 Mpixel, read each chunk with a margin of radius × round(ratio) pixels (clipped to
 * the level), skip it if its mask is all 0, drop the mask if all valid, run the kernel.
 */
function resampled(src: Raster, level: PixelWindow, rx: Request, ry: Request, opts: { method: Exclude<Resampling, "nearest">; fill: number; alphaBand?: number }, dst: Raster): void {
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
      const [x0, y0] = [x.chunk0 + x.base + level.x, y.chunk0 + y.base + level.y];
      need(src, x0, y0, x0 + x.chunkN, y0 + y.chunkN);
      const mask = src.mask ? chunkOf(src.mask, src.width, y0 * src.width + x0, x.chunkN, y.chunkN, new Float64Array(x.chunkN * y.chunkN)) : null;
      // An all-invalid chunk leaves its block as allocated: fill, mask 0.
      if (mask !== null && uniform(mask) && mask[0] === 0) continue;
      const opaque = mask === null || uniform(mask);
      const kernel = opts.method === "bilinear" || opts.method === "cubic" ? new Convolution(x, y, opts.method, { dtype: src.dtype, nodata, fill: opts.fill }) : null;
      // Byte and UInt16 chunks are read in place; float32 work needs its own rounded copy.
      const copy = kernel === null || work === "float32" ? new Float64Array(x.chunkN * y.chunkN) : null;
      const [sPlane, dPlane] = [src.width * src.height, dst.width * dst.height];
      const at = (ry.out + by) * dst.width + rx.out + bx;
      for (let b = 0; b < src.bands; b++) {
        const runBand = (kernelMask: ArrayLike<number> | null) => {
          if (kernel) {
            kernel.run(view, kernelMask, { data: dst.data as unknown as number[], offset: b * dPlane + at, stride: dst.width, mask: dst.mask!, maskOffset: at, nanNodata: Number.isNaN(dst.nodata) });
            return;
          }
          const args = { chunk: view.plane as Float64Array, mask: kernelMask, x, y, nodata, fill: opts.fill, dtype: src.dtype, work };
          write(dst, b, rx.out + bx, ry.out + by, x.dstN, opts.method === "average" ? average(args) : mode(args, { byteSource: src.dtype === "uint8" }));
        };
        let view: ChunkView = { plane: src.data as unknown as ArrayLike<number>, offset: b * sPlane + y0 * src.width + x0, stride: src.width };
        if (copy) {
          chunkOf(view.plane, view.stride, view.offset, x.chunkN, y.chunkN, copy);
          if (work === "float32") for (let k = 0; k < copy.length; k++) copy[k] = Math.fround(copy[k]);
          view = { plane: copy, offset: 0, stride: x.chunkN };
        }
        // GDAL's nodata mask is per band: a pixel nodata in this band only is left out of this
        // band only (the raster's mask says "valid in any band").
        // An alpha band is data: all of it valid, whatever the dataset mask (its own alpha) says.
        if (b === opts.alphaBand) {
          runBand(null);
          continue;
        }
        const bandMask = nodata !== undefined && mask !== null && src.bands > 1 ? perBandMask(mask, view, x.chunkN, nodata) : mask;
        const bandOpaque = bandMask === null || uniform(bandMask);
        runBand(bandOpaque && bandMask === mask ? (opaque ? null : mask) : bandOpaque && bandMask?.[0] ? null : bandMask);
      }
    }
  }
}

/** GDAL's mask of a dataset with an alpha band is the alpha itself (16-bit alpha scaled to 0–255). */
function alphaAsMask(dst: Raster, alphaBand: number): void {
  const pixels = dst.width * dst.height;
  const alpha = dst.data.subarray(alphaBand * pixels, (alphaBand + 1) * pixels) as ArrayLike<number>;
  const shift = dst.dtype === "uint16" ? 8 : 0;
  for (let k = 0; k < pixels; k++) if (dst.mask![k]) dst.mask![k] = Math.min(255, alpha[k] >> shift);
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
function perBandMask(mask: ArrayLike<number>, view: ChunkView, width: number, nodata: number): Float64Array {
  const out = new Float64Array(mask.length);
  const nan = Number.isNaN(nodata);
  for (let k = 0; k < out.length; k++) {
    const v = view.plane[view.offset + Math.trunc(k / width) * view.stride + (k % width)];
    out[k] = mask[k] && !(nan ? Number.isNaN(v) : v === nodata) ? mask[k] : 0;
  }
  return out;
}

/** Whether every entry equals the first. */
function uniform(a: ArrayLike<number>): boolean {
  for (let k = 1; k < a.length; k++) if (a[k] !== a[0]) return false;
  return true;
}

/** Copies a w × h block starting at `offset` of a row-major plane of width `stride` into `into`. */
function chunkOf(plane: ArrayLike<number>, stride: number, offset: number, w: number, h: number, into: Float64Array): Float64Array {
  for (let y = 0; y < h; y++) for (let x = 0, from = offset + y * stride, to = y * w; x < w; x++) into[to + x] = plane[from + x];
  return into;
}

function write(dst: Raster, b: number, x0: number, y0: number, w: number, block: KernelOut): void {
  const data = dst.data as unknown as number[];
  const mask = dst.mask!;
  const nanNodata = Number.isNaN(dst.nodata);
  const plane = b * dst.width * dst.height;
  for (let j = 0, k = 0; k < block.values.length; j++) {
    for (let i = 0, d = (y0 + j) * dst.width + x0; i < w; i++, k++, d++) {
      const v = block.values[k];
      data[plane + d] = v;
      if (block.valid[k] && !(nanNodata && v !== v)) mask[d] = 255;
    }
  }
}

import { CogError } from "../errors.js";
import { allocateFilled, componentsOf } from "../decode/samples.js";
import { FILTERS } from "./kernels.js";
import { axis, need, resampled } from "./resample-blocks.js";
import type { PixelWindow } from "./assemble-window.js";
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

/** GDAL's mask of a dataset with an alpha band is the alpha itself (16-bit alpha scaled to 0–255). */
function alphaAsMask(dst: Raster, alphaBand: number): void {
  const pixels = dst.width * dst.height;
  const alpha = dst.data.subarray(alphaBand * pixels, (alphaBand + 1) * pixels) as ArrayLike<number>;
  const shift = dst.dtype === "uint16" ? 8 : 0;
  for (let k = 0; k < pixels; k++) if (dst.mask![k]) dst.mask![k] = Math.min(255, alpha[k] >> shift);
}

import { CogError } from "../errors.js";
import { allocateFilled, componentsOf } from "../decode/samples.js";
import type { Raster } from "./raster.js";

/**
 * Maps an output pixel centre to FRACTIONAL pixel coordinates of the source level (x right,
 * y down; pixel (i, j) covers [i, i+1) × [j, j+1)), or undefined where it has no source.
 */
export type PixelMapper = (col: number, row: number) => [number, number] | undefined;

/**
 * Warps `src` (a raster covering the level's pixels from `origin`) into a `width × height`
 * output, like gdalwarp: each output pixel centre is mapped through `toSource`; `nearest` takes
 * the source pixel it falls in, `bilinear` interpolates the four nearest pixel centres, leaving
 * out masked ones and renormalising the weights. Pixels that map outside the level, or only onto
 * masked pixels, get `fill` and mask 0.
 *
 * @example
 * ```ts
 * const out = warp(src, { x: 120, y: 40 }, { width: 256, height: 256 }, (c, r) => [c / 2 + 120, r / 2 + 40], {
 *   method: "nearest", fill: 0, levelWidth: 1024, levelHeight: 768,
 * });
 * ```
 */
export function warp(
  src: Raster,
  origin: { x: number; y: number },
  out: { width: number; height: number },
  toSource: PixelMapper,
  opts: { method: "nearest" | "bilinear"; fill: number; levelWidth: number; levelHeight: number },
): Raster {
  if (opts.method !== "nearest" && (componentsOf(src.dtype) !== 1 || src.data instanceof BigInt64Array || src.data instanceof BigUint64Array)) {
    throw new CogError("COG_UNSUPPORTED", `${opts.method} resampling of ${src.dtype} data is not supported (use nearest)`);
  }
  const pixels = out.width * out.height;
  const srcPixels = src.width * src.height;
  const data = allocateFilled(src.dtype, pixels * src.bands, opts.fill);
  const mask = new Uint8Array(pixels);
  const values = src.data as unknown as ArrayLike<number>;
  const srcMask = src.mask;
  const integer = !src.dtype.startsWith("float");
  const valid = (sx: number, sy: number) =>
    sx >= 0 && sy >= 0 && sx < src.width && sy < src.height && sx + origin.x < opts.levelWidth && sy + origin.y < opts.levelHeight && (srcMask === undefined || srcMask[sy * src.width + sx] !== 0);
  for (let row = 0; row < out.height; row++) {
    for (let col = 0; col < out.width; col++) {
      const p = toSource(col + 0.5, row + 0.5);
      if (p === undefined) continue;
      const o = row * out.width + col;
      const fx = p[0] - origin.x;
      const fy = p[1] - origin.y;
      if (opts.method === "nearest") {
        const sx = Math.floor(fx);
        const sy = Math.floor(fy);
        if (!valid(sx, sy)) continue;
        const s = sy * src.width + sx;
        for (let b = 0; b < src.bands; b++) data[b * pixels + o] = values[b * srcPixels + s];
        mask[o] = srcMask ? srcMask[s] : 255;
        continue;
      }
      // Bilinear between the four pixel centres around (fx, fy).
      const x0 = Math.floor(fx - 0.5);
      const y0 = Math.floor(fy - 0.5);
      const ax = fx - 0.5 - x0;
      const ay = fy - 0.5 - y0;
      let weight = 0;
      const acc = new Float64Array(src.bands);
      for (const [dx, dy, w] of [[0, 0, (1 - ax) * (1 - ay)], [1, 0, ax * (1 - ay)], [0, 1, (1 - ax) * ay], [1, 1, ax * ay]] as const) {
        const sx = x0 + dx;
        const sy = y0 + dy;
        if (w === 0 || !valid(sx, sy)) continue;
        const s = sy * src.width + sx;
        for (let b = 0; b < src.bands; b++) acc[b] += w * values[b * srcPixels + s];
        weight += w;
      }
      if (weight === 0) continue;
      for (let b = 0; b < src.bands; b++) {
        const v = acc[b] / weight;
        data[b * pixels + o] = integer ? Math.round(v) : v;
      }
      mask[o] = 255;
    }
  }
  const raster: Raster = { width: out.width, height: out.height, bands: src.bands, dtype: src.dtype, data, mask };
  if (src.nodata !== undefined) raster.nodata = src.nodata;
  return raster;
}

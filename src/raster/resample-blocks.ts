// GDAL 3.6's resampled RasterIO (GDALRasterBand::RasterIOResampled): the output cut into blocks,
// each block's chunk read with the kernel's margin, the kernel run band by band.
import { CogError } from "../errors.js";
import { average, mode } from "./kernels-area.js";
import { Convolution, type ChunkView } from "./kernels-convolve.js";
import { FILTERS, type Axis, type KernelArgs } from "./kernels.js";
import type { PixelWindow } from "./assemble-window.js";
import type { Raster } from "./raster.js";
import type { Resampling } from "./resample.js";
import type { Request } from "./vrt-axis.js";

/**
 * GDALRasterBand::RasterIOResampled (gcore/rasterio.cpp): cut the output into blocks whose chunk
 * stays under 1 Mpixel, read each chunk with a margin of radius × round(ratio) pixels (clipped to
 * the level), skip it if its mask is all 0, drop the mask if all valid, run the kernel.
 */
export function resampled(src: Raster, level: PixelWindow, rx: Request, ry: Request, opts: { method: Exclude<Resampling, "nearest">; fill: number; alphaBand?: number }, dst: Raster): void {
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
      // A chunk whose pixels are all valid (the usual case) needs no copy of its mask, unless
      // per-band nodata (below) is to be combined with it.
      const perBand = nodata !== undefined && src.bands > 1;
      const allValid = !perBand && (src.mask === undefined || regionIs(src.mask, 255, src.width, y0 * src.width + x0, x.chunkN, y.chunkN));
      const mask = allValid ? null : chunkOf(src.mask!, src.width, y0 * src.width + x0, x.chunkN, y.chunkN, new Float64Array(x.chunkN * y.chunkN));
      // An all-invalid chunk leaves its block as allocated: fill, mask 0.
      if (mask !== null && uniform(mask) && mask[0] === 0) continue;
      const opaque = mask === null || uniform(mask);
      const kernel = opts.method === "bilinear" || opts.method === "cubic" ? new Convolution(x, y, opts.method, { dtype: src.dtype, nodata, fill: opts.fill }) : null;
      // Byte and UInt16 chunks are read in place; float32 work (and mode's) needs its own rounded copy.
      const copy = work === "float32" ? new Float64Array(x.chunkN * y.chunkN) : null;
      const [sPlane, dPlane] = [src.width * src.height, dst.width * dst.height];
      const at = (ry.out + by) * dst.width + rx.out + bx;
      for (let b = 0; b < src.bands; b++) {
        const runBand = (kernelMask: ArrayLike<number> | null) => {
          const to = { data: dst.data as unknown as number[], offset: b * dPlane + at, stride: dst.width, mask: dst.mask!, maskOffset: at, nanNodata: Number.isNaN(dst.nodata) };
          if (kernel) {
            kernel.run(view, kernelMask, to);
            return;
          }
          const args = { chunk: view.plane, offset: view.offset, stride: view.stride, mask: kernelMask, x, y, nodata, fill: opts.fill, dtype: src.dtype, work };
          if (opts.method === "average") average(args, to);
          else mode(args, { byteSource: src.dtype === "uint8" }, to);
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

/**
 * One axis of a RasterIOResampled block. When the window start is a whole number of output
 * pixels GDAL works in level coordinates ("virtual" offset), else relative to the integer start.
 */
export function axis(r: Request, dst0: number, count: number, margin: number, extent: number): Axis & { base: number } {
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

/** Whether every value of a w × h block of a row-major plane of width `stride` is `value`. */
function regionIs(plane: Uint8Array, value: number, stride: number, offset: number, w: number, h: number): boolean {
  for (let y = 0; y < h; y++) for (let x = 0, at = offset + y * stride; x < w; x++, at++) if (plane[at] !== value) return false;
  return true;
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

/** Throws unless `src` holds the pixels [x0, x1) × [y0, y1) that GDAL reads. */
export function need(src: Raster, x0: number, y0: number, x1: number, y1: number): void {
  if (x0 < 0 || y0 < 0 || x1 > src.width || y1 > src.height) {
    const win = JSON.stringify({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    throw new CogError("COG_USAGE", `src (${src.width}x${src.height}) does not cover the pixels GDAL reads (${win}): read resampleWindow()`);
  }
}

// gdalwarp's resampling kernels (GDALWarpKernel, alg/gdalwarpkernel.cpp of GDAL 3.6), run on a
// source window already in memory: the convolution kernels sample around each destination
// pixel's centre, the area kernels (average, mode, min, …) take every source pixel under its
// footprint. Hot loops use plain locals and typed arrays; nothing is allocated per pixel.
import { area } from "./warp-area.js";
import { convolve, FILTERS } from "./warp-convolve.js";
import { regionOffsets, scratchInts, sourceIndex, Validity, type WarpJob } from "./warp-job.js";

export { WARP_METHODS, type WarpJob, type WarpMethod } from "./warp-job.js";

/**
 * Runs one warp: every destination pixel with a source gets each band's value and mask 255.
 *
 * @example
 * ```ts
 * warpKernel({ src, dst, xs, ys, xScale: 1, yScale: 1, method: "cubic" });
 * ```
 */
export function warpKernel(job: WarpJob): void {
  const m = job.method;
  if (m === "nearest") nearest(job);
  else if (FILTERS[m]) convolve(job, FILTERS[m]!);
  else area(job);
  if (job.alphaBand !== undefined) alphaAsDensity(job, job.alphaBand);
}

/**
 * Nearest for a separable job over a fully valid source: each column's source column once (as
 * {@link sourceIndex} rounds), then each row one source row, gathered band by band; a row with
 * the source row of the row before is a copy of it. False, with nothing written, when the
 * columns inside the source are not one run (the table path handles that).
 */
function nearestGrid(job: WarpJob, r: { x: number; y: number; width: number; height: number }, dx: number, dy: number): boolean {
  const { src, dst, xs, ys } = job;
  const [sw, sh, dw] = [src.width, src.height, dst.width];
  const cols = scratchInts(r.width, 0);
  let [i0, i1] = [-1, -1];
  for (let i = 0, o = r.y * dw + r.x; i < r.width; i++, o++) {
    const x = xs[o] - dx;
    const inside = x >= 0 && x + 1e-10 <= sw;
    cols[i] = inside ? Math.min((x + 1e-10) | 0, sw - 1) : -1;
    if (!inside) continue;
    if (i0 < 0) i0 = i;
    else if (i1 !== i) return false;
    i1 = i + 1;
  }
  if (i0 < 0) return true;
  const [sp, dp] = [sw * sh, dw * dst.height];
  const [s, d] = [src.data as unknown as number[], dst.data as unknown as number[]];
  let last = -1;
  let lastRow = 0;
  for (let j = 0; j < r.height; j++) {
    const row = (r.y + j) * dw + r.x;
    const y = ys[row] - dy;
    if (!(y >= 0 && y + 1e-10 <= sh)) continue;
    const iy = Math.min((y + 1e-10) | 0, sh - 1);
    for (let b = 0, so = iy * sw, o = row; b < src.bands; b++, so += sp, o += dp) {
      if (iy === last) (dst.data as Uint8Array).copyWithin(o + i0, lastRow + b * dp + i0, lastRow + b * dp + i1);
      else for (let i = i0; i < i1; i++) d[o + i] = s[so + cols[i]];
    }
    dst.mask!.fill(255, row + i0, row + i1);
    [last, lastRow] = [iy, row];
  }
  return true;
}

/** The output alpha as gdalwarp writes it from the source alpha (see {@link WarpJob.alphaBand}). */
function alphaAsDensity(job: WarpJob, band: number): void {
  const { src, dst } = job;
  const [dx, dy] = [job.shift?.x ?? 0, job.shift?.y ?? 0];
  const plane = dst.width * dst.height;
  const alpha = src.data.subarray(band * src.width * src.height) as unknown as number[];
  const out = dst.data as unknown as number[];
  const full = dst.dtype === "uint16" ? 65535 : 255;
  const areaMethod = !(job.method === "nearest" || FILTERS[job.method]);
  for (const o of regionOffsets(job)) {
    if (!dst.mask![o]) continue;
    const at = areaMethod ? -1 : sourceIndex(src, job.xs[o] - dx, job.ys[o] - dy);
    const a = areaMethod ? full : at < 0 ? 0 : alpha[at];
    out[band * plane + o] = a;
    dst.mask![o] = full === 255 ? a : a >> 8;
  }
}

/**
 * Nearest: row by row, the source index of each pixel of the row once (GDAL's rounding, as
 * {@link sourceIndex}), then one gather per band while that row's table is in L1. Written out for
 * speed: this is the whole of a warm nearest `tile()` after the transform.
 */
function nearest(job: WarpJob): void {
  const { src, dst, xs, ys } = job;
  const [dx, dy] = [job.shift?.x ?? 0, job.shift?.y ?? 0];
  const r = job.region ?? { x: 0, y: 0, width: dst.width, height: dst.height };
  const valid = new Validity(src);
  if (job.separable && valid.all && nearestGrid(job, r, dx, dy)) return;
  const table = scratchInts(r.width, 1);
  const [sw, sh, dw] = [src.width, src.height, dst.width];
  const [sp, dp] = [sw * sh, dw * dst.height];
  const [s, d] = [src.data as unknown as number[], dst.data as unknown as number[]];
  const mask = dst.mask!;
  const all = valid.all;
  for (let j = 0; j < r.height; j++) {
    const row = (r.y + j) * dw + r.x;
    let inside = 0;
    for (let i = 0; i < r.width; i++) {
      const x = xs[row + i] - dx;
      const y = ys[row + i] - dy;
      if (x >= 0 && y >= 0 && x + 1e-10 <= sw && y + 1e-10 <= sh) {
        // `| 0` is Math.trunc here: 0 <= v <= the level's size, far below 2^31.
        const ix = (x + 1e-10) | 0;
        const iy = (y + 1e-10) | 0;
        table[i] = (iy < sh ? iy : sh - 1) * sw + (ix < sw ? ix : sw - 1);
        if (all) mask[row + i] = 255;
        inside++;
      } else table[i] = -1;
    }
    if (inside === 0) continue;
    // RGB gathers its three bands together, one table read per pixel (13% of a warm RGB tile).
    if (all && src.bands === 3) {
      for (let i = 0, o = row; i < r.width; i++, o++) {
        const at = table[i];
        if (at < 0) continue;
        d[o] = s[at];
        d[dp + o] = s[sp + at];
        d[2 * dp + o] = s[2 * sp + at];
      }
      continue;
    }
    if (all) {
      for (let b = 0, so = 0, o = row; b < src.bands; b++, so += sp, o += dp) {
        for (let i = 0; i < r.width; i++) {
          const at = table[i];
          if (at >= 0) d[o + i] = s[so + at];
        }
      }
      continue;
    }
    for (let b = 0, so = 0, o = row; b < src.bands; b++, so += sp, o += dp) {
      for (let i = 0; i < r.width; i++) {
        const at = table[i];
        if (at < 0 || !valid.at(b, at)) continue;
        d[o + i] = s[so + at];
        mask[row + i] = 255;
      }
    }
  }
}

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

/** Nearest: an index table once, then one gather per band. */
function nearest(job: WarpJob): void {
  const { src, dst, xs, ys } = job;
  const [dx, dy] = [job.shift?.x ?? 0, job.shift?.y ?? 0];
  const offsets = regionOffsets(job);
  const valid = new Validity(src);
  const table = scratchInts(offsets.length, 1);
  for (let k = 0; k < offsets.length; k++) table[k] = sourceIndex(src, xs[offsets[k]] - dx, ys[offsets[k]] - dy);
  const [sp, dp] = [src.width * src.height, dst.width * dst.height];
  const [s, d, mask] = [src.data as unknown as number[], dst.data as unknown as number[], dst.mask!];
  for (let b = 0; b < src.bands; b++) {
    for (let k = 0; k < offsets.length; k++) {
      const at = table[k];
      if (at < 0 || (!valid.all && !valid.at(b, at))) continue;
      d[b * dp + offsets[k]] = s[b * sp + at];
      mask[offsets[k]] = 255;
    }
  }
}

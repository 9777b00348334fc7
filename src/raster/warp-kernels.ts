// gdalwarp's resampling kernels (GDALWarpKernel, alg/gdalwarpkernel.cpp of GDAL 3.6), run on a
// source window already in memory: the convolution kernels sample around each destination
// pixel's centre, the area kernels (average, mode, min, …) take every source pixel under its
// footprint. Hot loops use plain locals and typed arrays; nothing is allocated per pixel.
import type { DType } from "../tiff/dtype.js";
import type { Raster } from "./raster.js";

/**
 * A gdalwarp resampling method (`gdalwarp -r`, with `nearest` for GDAL's `near`).
 *
 * @example
 * ```ts
 * const m: WarpMethod = "lanczos";
 * ```
 */
export type WarpMethod = "nearest" | "bilinear" | "cubic" | "cubicspline" | "lanczos" | "average" | "rms" | "mode" | "min" | "max" | "med" | "q1" | "q3";

/** Every {@link WarpMethod}, in gdalwarp's order. */
export const WARP_METHODS: readonly WarpMethod[] = ["nearest", "bilinear", "cubic", "cubicspline", "lanczos", "average", "rms", "mode", "min", "max", "med", "q1", "q3"];

/**
 * What a warp kernel reads and writes. Coordinates are in `src` pixels (pixel k covers [k, k+1)),
 * NaN where the destination pixel has no source. `src` is GDAL's source window; `dst` is filled
 * with the fill value and mask 0 beforehand, and valid outputs set mask 255.
 *
 * @example
 * ```ts
 * const job: WarpJob = { src, dst, xs, ys, xScale: 1, yScale: 1, method: "bilinear" };
 * ```
 */
export interface WarpJob {
  src: Raster;
  dst: Raster;
  /** Source coordinates of each destination pixel's centre (row-major, dst.width × dst.height). */
  xs: Float64Array;
  ys: Float64Array;
  /** The area methods' footprints: each destination pixel's top-left and bottom-right corners. */
  corners?: { x0: Float64Array; y0: Float64Array; x1: Float64Array; y1: Float64Array };
  /** Destination pixels per source pixel on each axis (GDAL's dfXScale, dfYScale). */
  xScale: number;
  yScale: number;
  method: WarpMethod;
  /** The destination pixels this job warps (a gdalwarp chunk). Default: all of `dst`. */
  region?: { x: number; y: number; width: number; height: number };
  /** Subtracted from `xs`/`ys`/`corners` to get `src` pixels (where `src` starts in their frame). */
  shift?: { x: number; y: number };
  /**
   * The 0-based alpha band, if any. gdalwarp uses a source alpha as the pixels' density, not as
   * data: colour bands leave out alpha-0 pixels, and the output alpha is the alpha of the pixel
   * under each centre (255 wherever a footprint has any visible pixel, for the area methods).
   * The output mask is that alpha.
   */
  alphaBand?: number;
}

// Scratch index arrays, reused from call to call: a warp runs synchronously from start to end,
// so no two warps ever share them at once, and big typed arrays per tile would keep the GC busy.
let scratch = new Int32Array(0);
function scratchInts(n: number, part: 0 | 1): Int32Array {
  if (scratch.length < 2 * n) scratch = new Int32Array(2 * n);
  return scratch.subarray(part * n, (part + 1) * n);
}

/** The destination pixel offsets of a job's region, row by row (scratch: valid until the next call). */
function regionOffsets(job: WarpJob): Int32Array {
  const r = job.region ?? { x: 0, y: 0, width: job.dst.width, height: job.dst.height };
  const out = scratchInts(r.width * r.height, 0);
  for (let j = 0, k = 0; j < r.height; j++) for (let i = 0; i < r.width; i++) out[k++] = (r.y + j) * job.dst.width + r.x + i;
  return out;
}

type Weight = (x: number) => number;

const bilinearWeight: Weight = (x) => (Math.abs(x) <= 1 ? 1 - Math.abs(x) : 0);
const cubicWeight: Weight = (x) => {
  const a = Math.abs(x);
  if (a <= 1) return x * x * (1.5 * a - 2.5) + 1;
  return a <= 2 ? x * x * (-0.5 * a + 2.5) - 4 * a + 2 : 0;
};
/** GWKBSpline: the cubic B-spline, unnormalised (GDAL divides by the weights' sum). */
const bsplineWeight: Weight = (x) => {
  const [p2, p1, m1] = [x + 2, x + 1, x - 1];
  if (!(p2 > 0)) return 0;
  let v = p2 * p2 * p2;
  if (p1 > 0) {
    v += -4 * p1 * p1 * p1;
    if (x > 0) v += 6 * x * x * x + (m1 > 0 ? -4 * m1 * m1 * m1 : 0);
  }
  return v;
};
const lanczosWeight: Weight = (x) => {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return (Math.sin(px) * Math.sin(px / 3)) / ((px * px) / 3);
};
const FILTERS: Partial<Record<WarpMethod, { radius: number; weight: Weight }>> = {
  bilinear: { radius: 1, weight: bilinearWeight },
  cubic: { radius: 2, weight: cubicWeight },
  cubicspline: { radius: 2, weight: bsplineWeight },
  lanczos: { radius: 3, weight: lanczosWeight },
};

/** Reads pixel validity: the window's mask and, per band, "not nodata" (GDAL's band masks). */
class Validity {
  private readonly mask: Uint8Array | null;
  private readonly nodata: number | undefined;
  private readonly plane: number;
  readonly all: boolean;

  constructor(private readonly src: Raster) {
    const m = src.mask;
    this.mask = m && !allOpaque(m) ? m : null;
    this.nodata = src.nodata;
    this.plane = src.width * src.height;
    this.all = this.mask === null && this.nodata === undefined;
  }

  at(b: number, s: number): boolean {
    if (this.mask !== null && this.mask[s] === 0) return false;
    const nd = this.nodata;
    if (nd === undefined) return true;
    const v = this.src.data[b * this.plane + s] as number;
    return nd !== nd ? v === v : v !== nd;
  }
}

function allOpaque(m: Uint8Array): boolean {
  for (let k = 0; k < m.length; k++) if (m[k] !== 255) return false;
  return m.length > 0;
}

/** Writes a band value as GDAL stores it: integers clamped and rounded, float32 rounded. */
function storer(dtype: DType, nodata: number | undefined): (v: number) => number {
  const range: Partial<Record<DType, [number, number]>> = {
    uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1],
  };
  const r = range[dtype];
  if (r === undefined) return dtype === "float32" ? Math.fround : (v) => v;
  const [lo, hi] = r;
  // GDAL avoids writing the destination nodata value by chance (ClampRoundAndAvoidNoData).
  const dodge = nodata === undefined || !Number.isInteger(nodata) ? undefined : nodata === hi ? nodata - 1 : nodata + 1;
  return (v) => {
    const out = v < lo ? lo : v > hi ? hi : Math.floor(v + 0.5);
    return out === nodata ? dodge! : out;
  };
}

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

/** In GWKCheckAndComputeSrcOffsets' terms: the pixel whose source centre is (x, y), or -1. */
function sourceIndex(src: Raster, x: number, y: number): number {
  if (!(x >= 0 && y >= 0 && x + 1e-10 <= src.width && y + 1e-10 <= src.height)) return -1;
  const ix = Math.min(Math.trunc(x + 1e-10), src.width - 1);
  const iy = Math.min(Math.trunc(y + 1e-10), src.height - 1);
  return iy * src.width + ix;
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

/**
 * The convolution kernels. Upsampling (scale ≥ 0.95 on both axes) bilinear and cubic use GDAL's
 * 4-sample formulas; otherwise GWKResampleNoMasksT: separable weights, the kernel widened by the
 * downsampling ratio, taps cut at the window's edges, the sum divided by the weights' sum. With
 * invalid pixels, taps on them are left out and the weights renormalised (GWKResample).
 */
function convolve(job: WarpJob, filter: { radius: number; weight: Weight }): void {
  const { src, dst } = job;
  const n = dst.width * dst.height;
  const [dx, dy] = [job.shift?.x ?? 0, job.shift?.y ?? 0];
  const valid = new Validity(src);
  const store = storer(dst.dtype, dst.nodata);
  const four = job.xScale >= 0.95 && job.yScale >= 0.95 && (job.method === "bilinear" || job.method === "cubic");
  const xr = job.xScale < 1 ? Math.ceil(filter.radius / job.xScale) : filter.radius;
  const yr = job.yScale < 1 ? Math.ceil(filter.radius / job.yScale) : filter.radius;
  const k = new Kernel(src, valid, filter.weight, Math.min(job.xScale, 1), Math.min(job.yScale, 1), xr, yr);
  const values = new Float64Array(src.bands);
  for (const o of regionOffsets(job)) {
    const x = job.xs[o] - dx;
    const y = job.ys[o] - dy;
    if (sourceIndex(src, x, y) < 0) continue;
    const ok = four
      ? job.method === "bilinear" ? k.bilinear4(x, y, values) : k.cubic4(x, y, values)
      : job.method === "lanczos" ? k.lanczos(x, y, values) : k.general(x, y, values);
    if (!ok) continue;
    let any = false;
    for (let b = 0; b < src.bands; b++) {
      if (!valid.all && values[b] !== values[b]) continue; // no valid tap in this band
      (dst.data as unknown as number[])[b * n + o] = store(values[b]);
      any = true;
    }
    if (any) dst.mask![o] = 255;
  }
}

/** One pixel's worth of a convolution kernel, over every band; scratch weights are reused. */
class Kernel {
  private readonly wx: Float64Array;
  private readonly wy: Float64Array;
  private readonly plane: number;
  private readonly integer: boolean;

  constructor(
    private readonly src: Raster,
    private readonly valid: Validity,
    private readonly weight: Weight,
    private readonly xScale: number,
    private readonly yScale: number,
    private readonly xr: number,
    private readonly yr: number,
  ) {
    [this.wx, this.wy] = [new Float64Array(2 * xr + 2), new Float64Array(2 * yr + 2)];
    this.plane = src.width * src.height;
    this.integer = !src.dtype.startsWith("float");
  }

  /** GWKBilinearResampleNoMasks4SampleT: the four pixels around the centre, cut at the edges. */
  bilinear4(x: number, y: number, out: Float64Array): boolean {
    const { src, valid, plane } = this;
    const ix = Math.floor(x - 0.5);
    const iy = Math.floor(y - 0.5);
    const rx = 1.5 - (x - ix);
    const ry = 1.5 - (y - iy);
    const W = src.width;
    const data = src.data as unknown as number[];
    if (valid.all && ix >= 0 && iy >= 0 && ix + 1 < W && iy + 1 < src.height) {
      for (let b = 0, at = iy * W + ix; b < src.bands; b++, at += plane) {
        out[b] = (data[at] * rx + data[at + 1] * (1 - rx)) * ry + (data[at + W] * rx + data[at + W + 1] * (1 - rx)) * (1 - ry);
      }
      return true;
    }
    let any = false;
    for (let b = 0; b < src.bands; b++) {
      let acc = 0;
      let div = 0;
      for (let t = 0; t < 4; t++) {
        const cx = ix + (t & 1);
        const cy = iy + (t >> 1);
        if (cx < 0 || cy < 0 || cx >= W || cy >= src.height || (!valid.all && !valid.at(b, cy * W + cx))) continue;
        const w = (t & 1 ? 1 - rx : rx) * (t >> 1 ? 1 - ry : ry);
        acc += data[b * plane + cy * W + cx] * w;
        div += w;
      }
      out[b] = div < 0.00001 ? (valid.all ? 0 : NaN) : div === 1 ? acc : acc / div;
      any ||= div >= 0.00001 || valid.all;
    }
    return any;
  }

  /** GWKCubicResampleNoMasks4SampleT: Keys' cubic on the 4 × 4 pixels around the centre. */
  cubic4(x: number, y: number, out: Float64Array): boolean {
    const { src, valid, plane } = this;
    const ix = Math.trunc(x - 0.5);
    const iy = Math.trunc(y - 0.5);
    const W = src.width;
    if (ix - 1 < 0 || ix + 2 >= W || iy - 1 < 0 || iy + 2 >= src.height) return this.bilinear4(x, y, out);
    if (!valid.all) {
      for (let b = 0; b < src.bands; b++) for (let j = -1; j < 3; j++) for (let i = -1; i < 3; i++) if (!valid.at(b, (iy + j) * W + ix + i)) return this.general(x, y, out);
    }
    const dx = x - 0.5 - ix;
    const dy = y - 0.5 - iy;
    const hx = 0.5 * dx;
    const tx = 3 * dx;
    const hx2 = 0.5 * dx * dx;
    const c0 = hx * (-1 + dx * (2 - dx));
    const c1 = 1 + hx2 * (-5 + tx);
    const c2 = hx * (1 + dx * (4 - tx));
    const c3 = hx2 * (-1 + dx);
    const dy2 = dy * dy;
    const dy3 = dy * dy * dy;
    const data = src.data as unknown as number[];
    for (let b = 0; b < src.bands; b++) {
      const at = b * plane + (iy - 1) * W + ix - 1;
      const f0 = c0 * data[at] + c1 * data[at + 1] + c2 * data[at + 2] + c3 * data[at + 3];
      const f1 = c0 * data[at + W] + c1 * data[at + W + 1] + c2 * data[at + W + 2] + c3 * data[at + W + 3];
      const f2 = c0 * data[at + 2 * W] + c1 * data[at + 2 * W + 1] + c2 * data[at + 2 * W + 2] + c3 * data[at + 2 * W + 3];
      const f3 = c0 * data[at + 3 * W] + c1 * data[at + 3 * W + 1] + c2 * data[at + 3 * W + 2] + c3 * data[at + 3 * W + 3];
      out[b] = f1 + 0.5 * (dy * (f2 - f0) + dy2 * (2 * f0 - 5 * f1 + 4 * f2 - f3) + dy3 * (3 * (f1 - f2) + f3 - f0));
    }
    return true;
  }

  /**
   * GWKResampleOptimizedLanczos: taps from -radius to radius kept within 3 (scaled) pixels; when
   * downsampling, GDAL weighs tap i by sinc(i × scale), without the centre's fractional offset.
   */
  lanczos(x: number, y: number, out: Float64Array): boolean {
    const { src, valid, plane, wx, wy } = this;
    const W = src.width;
    const ix = Math.floor(x - 0.5);
    const iy = Math.floor(y - 0.5);
    const dx = x - 0.5 - ix;
    const dy = y - 0.5 - iy;
    const [i0, i1, sx] = lanczosTaps(-this.xr, this.xr, ix, W, this.xScale, dx, wx);
    const [j0, j1, sy] = lanczosTaps(-this.yr, this.yr, iy, src.height, this.yScale, dy, wy);
    const data = src.data as unknown as number[];
    let any = false;
    for (let b = 0; b < src.bands; b++) {
      let acc = 0;
      let wsum = valid.all ? sx * sy : 0;
      let count = 0;
      for (let j = j0; j <= j1; j++) {
        const row = (iy + j) * W + ix;
        let line = 0;
        for (let i = i0; i <= i1; i++) {
          if (!valid.all) {
            if (!valid.at(b, row + i)) continue;
            count++;
            wsum += wx[i - i0] * wy[j - j0];
          }
          line += data[b * plane + row + i] * wx[i - i0];
        }
        acc += line * wy[j - j0];
      }
      const ok = wsum >= 0.000001 && (valid.all || count >= Math.trunc(((j1 - j0 + 1) * (i1 - i0 + 1)) / 2));
      out[b] = !ok ? NaN : wsum < 0.99999 || wsum > 1.00001 ? acc * (1 / wsum) : acc;
      any ||= ok;
    }
    return any;
  }

  /** GWKResampleNoMasksT (GWKResample with invalid pixels): separable, scaled, renormalised. */
  general(x: number, y: number, out: Float64Array): boolean {
    const { src, valid, plane, wx, wy } = this;
    const W = src.width;
    const ix = Math.floor(x - 0.5);
    const iy = Math.floor(y - 0.5);
    if (ix >= W || iy >= src.height) return this.bilinear4(x, y, out);
    const dx = x - 0.5 - ix;
    const dy = y - 0.5 - iy;
    let i0 = 1 - this.xr;
    let i1 = this.xr;
    let j0 = 1 - this.yr;
    let j1 = this.yr;
    i0 = Math.max(i0, -ix);
    i1 = Math.min(i1, W - 1 - ix);
    j0 = Math.max(j0, -iy);
    j1 = Math.min(j1, src.height - 1 - iy);
    // Taps of weight 0 add nothing, except NaN × 0 = NaN in float data (GDAL keeps those).
    if (this.integer) {
      while (i0 < i1 && this.weight((i0 - dx) * this.xScale) === 0) i0++;
      while (i1 > i0 && this.weight((i1 - dx) * this.xScale) === 0) i1--;
      while (j0 < j1 && this.weight((j0 - dy) * this.yScale) === 0) j0++;
      while (j1 > j0 && this.weight((j1 - dy) * this.yScale) === 0) j1--;
    }
    let sx = 0;
    let sy = 0;
    for (let i = i0; i <= i1; i++) sx += wx[i - i0] = this.weight((i - dx) * this.xScale);
    for (let j = j0; j <= j1; j++) sy += wy[j - j0] = this.weight((j - dy) * this.yScale);
    const data = src.data as unknown as number[];
    let any = false;
    for (let b = 0; b < src.bands; b++) {
      let acc = 0;
      let wsum = 0;
      for (let j = j0; j <= j1; j++) {
        const row = b * plane + (iy + j) * W + ix;
        let line = 0;
        for (let i = i0; i <= i1; i++) {
          if (!valid.all && !valid.at(b, row - b * plane + i)) continue;
          line += data[row + i] * wx[i - i0];
          if (!valid.all) wsum += wx[i - i0] * wy[j - j0];
        }
        acc += wy[j - j0] * line;
      }
      if (valid.all) out[b] = acc / (sx * sy);
      else if (wsum < 0.000001) out[b] = NaN;
      else out[b] = wsum < 0.99999 || wsum > 1.00001 ? acc / wsum : acc;
      any ||= valid.all || wsum >= 0.000001;
    }
    return any;
  }
}

/** Lanczos taps on one axis: first and last offset (cut at the edges and at ±3) and the weights' sum. */
function lanczosTaps(lo: number, hi: number, at: number, size: number, scale: number, delta: number, w: Float64Array): [number, number, number] {
  if (at + lo < 0) lo = -at;
  if (at + hi >= size) hi = size - at - 1;
  const down = scale < 1;
  while ((down ? lo * scale : lo - delta) < -3) lo++;
  while ((down ? hi * scale : hi - delta) > 3) hi--;
  let sum = 0;
  for (let i = lo; i <= hi; i++) sum += w[i - lo] = lanczosWeight(down ? i * scale : i - delta);
  return [lo, hi, sum];
}

/**
 * GWKAverageOrMode: each destination pixel's footprint (its corners mapped to the source, sorted)
 * covers source pixels; edge pixels count by the part inside (average, rms); mode counts values
 * (a histogram for 8/16-bit integers, first to lead wins); min, max; med/q1/q3 sort the values.
 */
function area(job: WarpJob): void {
  const { src, dst, corners } = job;
  const c = corners!;
  const n = dst.width * dst.height;
  const [W, H] = [src.width, src.height];
  const valid = new Validity(src);
  const store = storer(dst.dtype, dst.nodata);
  const plane = W * H;
  const data = src.data as unknown as number[];
  const marginX = 2 * Math.max(1, Math.ceil(1 / job.xScale));
  const marginY = 2 * Math.max(1, Math.ceil(1 / job.yScale));
  const pick = picker(job.method, src.dtype);
  const [dx, dy] = [job.shift?.x ?? 0, job.shift?.y ?? 0];
  for (const o of regionOffsets(job)) {
    let xa = c.x0[o] - dx;
    let xb = c.x1[o] - dx;
    let ya = c.y0[o] - dy;
    let yb = c.y1[o] - dy;
    if (!(Number.isFinite(xa) && Number.isFinite(xb) && Number.isFinite(ya) && Number.isFinite(yb))) continue;
    if (!(xa >= -marginX && xb >= -marginX && ya >= -marginY && yb >= -marginY && xa - W <= marginX && xb - W <= marginX && ya - H <= marginY && yb - H <= marginY)) continue;
    if (xa > xb) {
      const t = xa;
      xa = xb;
      xb = t;
    }
    if (ya > yb) {
      const t = ya;
      ya = yb;
      yb = t;
    }
    const x0 = Math.trunc(Math.min(Math.max(Math.floor(xa + 1e-10), 0), W));
    let x1 = Math.min(Math.ceil(xb - 1e-10), W);
    if (x0 === x1 && x1 < W) x1++;
    const y0 = Math.trunc(Math.min(Math.max(Math.floor(ya + 1e-10), 0), H));
    let y1 = Math.min(Math.ceil(yb - 1e-10), H);
    if (y0 === y1 && y1 < H) y1++;
    let any = false;
    for (let b = 0; b < src.bands; b++) {
      pick.reset();
      for (let y = y0; y < y1; y++) {
        const wy = y === y0 ? (y0 + 1 === y1 ? 1 : 1 - (ya - y0)) : y + 1 === y1 ? 1 - (y1 - yb) : 1;
        for (let x = x0; x < x1; x++) {
          const s = y * W + x;
          if (!valid.all && !valid.at(b, s)) continue;
          const w = x === x0 ? (x0 + 1 === x1 ? wy : wy * (1 - (xa - x0))) : x + 1 === x1 ? wy * (1 - (x1 - xb)) : wy;
          pick.add(data[b * plane + s], w);
        }
      }
      const v = pick.result();
      if (v === undefined) continue;
      (dst.data as unknown as number[])[b * n + o] = store(v);
      any = true;
    }
    if (any) dst.mask![o] = 255;
  }
}

/** One area method's accumulator over the pixels of a footprint. */
interface Picker {
  reset(): void;
  add(value: number, weight: number): void;
  result(): number | undefined;
}

function picker(method: WarpMethod, dtype: DType): Picker {
  let [total, weight, count, best] = [0, 0, 0, 0];
  let found: number | undefined;
  const values: number[] = [];
  const histogram = dtype === "uint8" || dtype === "uint16" || dtype === "int16" ? new Int32Array(dtype === "uint8" ? 256 : 65536) : null;
  const offset = dtype === "int16" ? 32768 : 0;
  const sums: number[] = [];
  const quantile = method === "med" ? 0.5 : method === "q1" ? 0.25 : 0.75;
  return {
    reset() {
      [total, weight, count, best, found] = [0, 0, 0, 0, undefined];
      values.length = sums.length = 0;
      histogram?.fill(0);
    },
    add(v, w) {
      count++;
      if (method === "average" || method === "rms") {
        total += method === "rms" ? v * v * w : v * w;
        weight += w;
      }
      else if (method === "min") found = found === undefined || v < found ? v : found;
      else if (method === "max") found = found === undefined || v > found ? v : found;
      else if (method === "mode" && histogram) {
        const k = Math.trunc(v) + offset;
        if (++histogram[k] > best) {
          best = histogram[k];
          found = Math.trunc(v);
        }
      } else if (method === "mode") {
        // GWKAOM_Fmode: float32 values, a list; a value that does not beat the best is re-added.
        const f = Math.fround(v);
        let i = 0;
        for (; i < values.length; i++) if (values[i] === f && ++sums[i] > sums[best]) break;
        if (i < values.length) best = i;
        else {
          values.push(f);
          sums.push(1);
          if (found === undefined) [best, found] = [i, f];
        }
        found = values[best];
      } else values.push(v);
    },
    result() {
      if (count === 0) return undefined;
      if (method === "average") return weight > 0 ? total / weight : undefined;
      if (method === "rms") return weight > 0 ? Math.sqrt(total / weight) : undefined;
      if (method === "med" || method === "q1" || method === "q3") {
        values.sort((a, b) => a - b);
        return values[Math.ceil(quantile * values.length - 1)];
      }
      return found;
    },
  };
}

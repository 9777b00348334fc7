// gdalwarp's convolution kernels (GWKBilinearResampleNoMasks4SampleT, GWKCubicResampleNoMasks4SampleT,
// GWKResampleNoMasksT / GWKResample, GWKResampleOptimizedLanczos of GDAL 3.6): each destination
// pixel samples the source around its centre, with weights scaled when downsampling.
import type { Raster } from "./raster.js";
import { bilinearAllValid, cubicAllValid } from "./warp-four-sample.js";
import { bilinearGrid, cubicGrid } from "./warp-grid.js";
import { regionOffsets, sourceIndex, storer, Validity, type WarpJob, type WarpMethod } from "./warp-job.js";
import { downTable, lanczosTaps, lanczosWeight } from "./warp-lanczos-taps.js";

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
/** Radius (`anGWKFilterRadius`) and weight of each convolution method; the area methods have none. */
export const FILTERS: Partial<Record<WarpMethod, { radius: number; weight: Weight }>> = {
  bilinear: { radius: 1, weight: bilinearWeight },
  cubic: { radius: 2, weight: cubicWeight },
  cubicspline: { radius: 2, weight: bsplineWeight },
  lanczos: { radius: 3, weight: lanczosWeight },
};

/**
 * The convolution kernels. Upsampling (scale ≥ 0.95 on both axes) bilinear and cubic use GDAL's
 * 4-sample formulas; otherwise GWKResampleNoMasksT: separable weights, the kernel widened by the
 * downsampling ratio, taps cut at the window's edges, the sum divided by the weights' sum. With
 * invalid pixels, taps on them are left out and the weights renormalised (GWKResample).
 */
export function convolve(job: WarpJob, filter: { radius: number; weight: Weight }): void {
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
  const pixel = (o: number, x: number, y: number): void => {
    const ok = four
      ? job.method === "bilinear" ? k.bilinear4(x, y, values) : k.cubic4(x, y, values)
      : job.method === "lanczos" ? k.lanczos(x, y, values) : k.general(x, y, values);
    if (!ok) return;
    let any = false;
    for (let b = 0; b < src.bands; b++) {
      if (!valid.all && values[b] !== values[b]) continue; // no valid tap in this band
      (dst.data as unknown as number[])[b * n + o] = store(values[b]);
      any = true;
    }
    if (any) dst.mask![o] = 255;
  };
  if (four && valid.all) {
    const kernel = job.method === "bilinear" ? (job.separable ? bilinearGrid : bilinearAllValid) : job.separable ? cubicGrid : cubicAllValid;
    return kernel(job, store, pixel);
  }
  for (const o of regionOffsets(job)) {
    const x = job.xs[o] - dx;
    const y = job.ys[o] - dy;
    if (sourceIndex(src, x, y) >= 0) pixel(o, x, y);
  }
}

/** One pixel's worth of a convolution kernel, over every band; scratch weights are reused. */
class Kernel {
  private readonly wx: Float64Array;
  private readonly wy: Float64Array;
  private readonly plane: number;
  private readonly integer: boolean;
  /** Lanczos weights of taps -r…r on an axis that downsamples (undefined when it does not). */
  private readonly lx: Float64Array | undefined;
  private readonly ly: Float64Array | undefined;

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
    // Downsampling Lanczos weighs tap i by sinc(i × scale) at every pixel: computed once per job.
    const lanczos = weight === lanczosWeight;
    this.lx = lanczos ? downTable(xr, xScale) : undefined;
    this.ly = lanczos ? downTable(yr, yScale) : undefined;
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
    const [i0, i1, sx] = lanczosTaps(-this.xr, this.xr, ix, W, this.xScale, dx, wx, this.lx);
    const [j0, j1, sy] = lanczosTaps(-this.yr, this.yr, iy, src.height, this.yScale, dy, wy, this.ly);
    const data = src.data as unknown as number[];
    if (valid.all) {
      // The loop below without validity checks: the same sums in the same order.
      const wsum = sx * sy;
      if (!(wsum >= 0.000001)) return false;
      const scale = wsum < 0.99999 || wsum > 1.00001 ? 1 / wsum : 1;
      if (src.bands === 3) {
        // RGB: the three bands' sums side by side, each in its own order (independent chains of
        // additions run in parallel; one band at a time waits on each addition).
        let [acc0, acc1, acc2] = [0, 0, 0];
        for (let j = j0, row = (iy + j0) * W + ix; j <= j1; j++, row += W) {
          let [l0, l1, l2] = [0, 0, 0];
          for (let i = i0, at = row + i0; i <= i1; i++, at++) {
            const w = wx[i - i0];
            l0 += data[at] * w;
            l1 += data[at + plane] * w;
            l2 += data[at + 2 * plane] * w;
          }
          const v = wy[j - j0];
          acc0 += l0 * v;
          acc1 += l1 * v;
          acc2 += l2 * v;
        }
        [out[0], out[1], out[2]] = scale === 1 ? [acc0, acc1, acc2] : [acc0 * scale, acc1 * scale, acc2 * scale];
        return true;
      }
      for (let b = 0; b < src.bands; b++) {
        let acc = 0;
        for (let j = j0, row = b * plane + (iy + j0) * W + ix; j <= j1; j++, row += W) {
          let line = 0;
          for (let i = i0; i <= i1; i++) line += data[row + i] * wx[i - i0];
          acc += line * wy[j - j0];
        }
        out[b] = scale === 1 ? acc : acc * scale;
      }
      return true;
    }
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

// The upsampling kernels with four samples per axis or fewer (GWKBilinearResampleNoMasks4SampleT,
// GWKCubicResampleNoMasks4SampleT) over a source with no invalid pixel, written out for speed:
// they are most of a warm bilinear or cubic `tile()`. The same arithmetic as the general path
// (warp-convolve.ts), so the same pixels as gdalwarp.
import type { WarpJob } from "./warp-job.js";

const INTEGER_RANGE: Record<string, [number, number]> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1],
};

/**
 * What the loops share: the job's arrays and sizes, and how a value is stored. The pixel loops
 * themselves are written out in each kernel: behind a per-pixel callback, V8 runs them 30–80%
 * slower (measured on warm bilinear tiles).
 */
export interface Loop {
  xs: Float64Array;
  ys: Float64Array;
  /** Where the source window starts in the coordinates of xs and ys. */
  dx: number;
  dy: number;
  region: { x: number; y: number; width: number; height: number };
  dw: number;
  s: number[];
  d: number[];
  W: number;
  H: number;
  bands: number;
  plane: number;
  n: number;
  /** Clamp-and-round bounds of an integer destination without nodata, else undefined (use `store`). */
  range: [number, number] | undefined;
  /**
   * A uint8 or uint16 destination without nodata: 0 ≤ v + 0.5 < 2^31, so `(v + 0.5) | 0` rounds
   * as `Math.floor(v + 0.5)` once v is in range (bilinear 12%, cubic 7% of a warm RGB tile).
   */
  unsigned16: boolean;
}

export function loop(job: WarpJob): Loop {
  const { src, dst } = job;
  const range = dst.nodata === undefined ? INTEGER_RANGE[dst.dtype] : undefined;
  return {
    xs: job.xs, ys: job.ys, dx: job.shift?.x ?? 0, dy: job.shift?.y ?? 0,
    region: job.region ?? { x: 0, y: 0, width: dst.width, height: dst.height }, dw: dst.width,
    s: src.data as unknown as number[], d: dst.data as unknown as number[], W: src.width, H: src.height, bands: src.bands,
    plane: src.width * src.height, n: dst.width * dst.height, range, unsigned16: range !== undefined && range[0] === 0 && range[1] <= 65535,
  };
}

/**
 * Bilinear with four samples for every pixel of the job's region whose samples lie inside the
 * source; `edge(o, x, y)` handles the others. Values go through `store` (clamping, rounding,
 * nodata dodge), or an inline clamp-and-round for an integer destination without nodata.
 *
 * @example
 * ```ts
 * bilinearAllValid(job, storer(job.dst.dtype, job.dst.nodata), (o, x, y) => general(o, x, y));
 * ```
 */
export function bilinearAllValid(job: WarpJob, store: (v: number) => number, edge: (o: number, x: number, y: number) => void): void {
  const { xs, ys, dx, dy, region: r, dw, s, d, W, H, bands, plane, n, range, unsigned16 } = loop(job);
  const [lo, hi] = range ?? [0, 0];
  const mask = job.dst.mask!;
  for (let j = 0; j < r.height; j++) for (let i = 0, o = (r.y + j) * dw + r.x; i < r.width; i++, o++) {
    const x = xs[o] - dx;
    const y = ys[o] - dy;
    if (!(x >= 0 && y >= 0 && x + 1e-10 <= W && y + 1e-10 <= H)) continue; // GWKCheckAndComputeSrcOffsets
    const ix = Math.floor(x - 0.5);
    const iy = Math.floor(y - 0.5);
    if (ix < 0 || iy < 0 || ix + 1 >= W || iy + 1 >= H) {
      edge(o, x, y);
      continue;
    }
    const rx = 1.5 - (x - ix);
    const ry = 1.5 - (y - iy);
    const [rx1, ry1] = [1 - rx, 1 - ry];
    for (let b = 0, at = iy * W + ix, to = o; b < bands; b++, at += plane, to += n) {
      const v = (s[at] * rx + s[at + 1] * rx1) * ry + (s[at + W] * rx + s[at + W + 1] * rx1) * ry1;
      // Bilinear weights are convex: a mix of samples in range stays in range, no clamp needed.
      d[to] = unsigned16 ? (v + 0.5) | 0 : range === undefined ? store(v) : v < lo ? lo : v > hi ? hi : Math.floor(v + 0.5);
    }
    mask[o] = 255;
  }
}

/**
 * Cubic (Catmull-Rom, 4×4 samples) for every pixel of the job's region whose samples lie inside
 * the source; `edge(o, x, y)` handles the others (GDAL falls back to bilinear there). Values are
 * stored as {@link bilinearAllValid} stores them.
 *
 * @example
 * ```ts
 * cubicAllValid(job, storer(job.dst.dtype, job.dst.nodata), (o, x, y) => general(o, x, y));
 * ```
 */
export function cubicAllValid(job: WarpJob, store: (v: number) => number, edge: (o: number, x: number, y: number) => void): void {
  const { xs, ys, dx, dy, region: r, dw, s, d, W, H, bands, plane, n, range, unsigned16 } = loop(job);
  const [lo, hi] = range ?? [0, 0];
  const mask = job.dst.mask!;
  for (let j = 0; j < r.height; j++) for (let i = 0, o = (r.y + j) * dw + r.x; i < r.width; i++, o++) {
    const x = xs[o] - dx;
    const y = ys[o] - dy;
    if (!(x >= 0 && y >= 0 && x + 1e-10 <= W && y + 1e-10 <= H)) continue; // GWKCheckAndComputeSrcOffsets
    const ix = Math.trunc(x - 0.5);
    const iy = Math.trunc(y - 0.5);
    if (ix - 1 < 0 || ix + 2 >= W || iy - 1 < 0 || iy + 2 >= H) {
      edge(o, x, y);
      continue;
    }
    const fx = x - 0.5 - ix;
    const fy = y - 0.5 - iy;
    const hx = 0.5 * fx;
    const tx = 3 * fx;
    const hx2 = 0.5 * fx * fx;
    const c0 = hx * (-1 + fx * (2 - fx));
    const c1 = 1 + hx2 * (-5 + tx);
    const c2 = hx * (1 + fx * (4 - tx));
    const c3 = hx2 * (-1 + fx);
    const fy2 = fy * fy;
    const fy3 = fy * fy * fy;
    for (let b = 0, at = (iy - 1) * W + ix - 1, to = o; b < bands; b++, at += plane, to += n) {
      const f0 = c0 * s[at] + c1 * s[at + 1] + c2 * s[at + 2] + c3 * s[at + 3];
      const f1 = c0 * s[at + W] + c1 * s[at + W + 1] + c2 * s[at + W + 2] + c3 * s[at + W + 3];
      const f2 = c0 * s[at + 2 * W] + c1 * s[at + 2 * W + 1] + c2 * s[at + 2 * W + 2] + c3 * s[at + 2 * W + 3];
      const f3 = c0 * s[at + 3 * W] + c1 * s[at + 3 * W + 1] + c2 * s[at + 3 * W + 2] + c3 * s[at + 3 * W + 3];
      const v = f1 + 0.5 * (fy * (f2 - f0) + fy2 * (2 * f0 - 5 * f1 + 4 * f2 - f3) + fy3 * (3 * (f1 - f2) + f3 - f0));
      // Cubic overshoots: a branch-free clamp first.
      d[to] = unsigned16 ? (Math.min(hi, Math.max(0, v)) + 0.5) | 0 : range === undefined ? store(v) : v < lo ? lo : v > hi ? hi : Math.floor(v + 0.5);
    }
    mask[o] = 255;
  }
}

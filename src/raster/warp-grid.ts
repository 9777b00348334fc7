// The 4-sample bilinear and cubic kernels of warp-four-sample.ts for a separable warp
// (WarpJob.separable: a tile of an EPSG:3857 or EPSG:4326 file): every column's x terms and
// every row's y terms are computed once, and each pixel combines them with the arithmetic of the
// per-pixel loops, in the same order, so the pixels are the same to the bit.
import { loop, type Loop } from "./warp-four-sample.js";
import type { WarpJob } from "./warp-job.js";

type Store = (v: number) => number;
type Edge = (o: number, x: number, y: number) => void;

/** Per column of the region: x, whether it passes GWKCheckAndComputeSrcOffsets, and the source column. */
function columns(l: Loop, floor: (v: number) => number): { x: Float64Array; ok: Uint8Array; ix: Int32Array } {
  const { xs, dx, region: r, dw, W } = l;
  const x = xs.slice(r.y * dw + r.x, r.y * dw + r.x + r.width);
  const ok = new Uint8Array(r.width);
  const ix = new Int32Array(r.width);
  for (let i = 0; i < r.width; i++) {
    x[i] -= dx;
    ok[i] = x[i] >= 0 && x[i] + 1e-10 <= W ? 1 : 0;
    ix[i] = ok[i] ? floor(x[i] - 0.5) : 0;
  }
  return { x, ok, ix };
}

/**
 * {@link bilinearAllValid} for a separable job.
 *
 * @example
 * ```ts
 * if (job.separable) bilinearGrid(job, store, edge);
 * ```
 */
export function bilinearGrid(job: WarpJob, store: Store, edge: Edge): void {
  const l = loop(job);
  const { ys, dy, region: r, dw, s, d, W, H, bands, plane, n, range, unsigned16 } = l;
  const [lo, hi] = range ?? [0, 0];
  const mask = job.dst.mask!;
  const { x: cx, ok, ix } = columns(l, Math.floor);
  const rx = new Float64Array(r.width);
  for (let i = 0; i < r.width; i++) rx[i] = 1.5 - (cx[i] - ix[i]);
  for (let j = 0; j < r.height; j++) {
    const row = (r.y + j) * dw + r.x;
    const y = ys[row] - dy;
    if (!(y >= 0 && y + 1e-10 <= H)) continue;
    const iy = Math.floor(y - 0.5);
    const yin = iy >= 0 && iy + 1 < H;
    const ry = 1.5 - (y - iy);
    const ry1 = 1 - ry;
    for (let i = 0, o = row; i < r.width; i++, o++) {
      if (!ok[i]) continue;
      const x0 = ix[i];
      if (!yin || x0 < 0 || x0 + 1 >= W) {
        edge(o, cx[i], y);
        continue;
      }
      const wx = rx[i];
      const wx1 = 1 - wx;
      for (let b = 0, at = iy * W + x0, to = o; b < bands; b++, at += plane, to += n) {
        const v = (s[at] * wx + s[at + 1] * wx1) * ry + (s[at + W] * wx + s[at + W + 1] * wx1) * ry1;
        d[to] = unsigned16 ? (v + 0.5) | 0 : range === undefined ? store(v) : v < lo ? lo : v > hi ? hi : Math.floor(v + 0.5);
      }
      mask[o] = 255;
    }
  }
}

/**
 * {@link cubicAllValid} for a separable job.
 *
 * @example
 * ```ts
 * if (job.separable) cubicGrid(job, store, edge);
 * ```
 */
export function cubicGrid(job: WarpJob, store: Store, edge: Edge): void {
  const l = loop(job);
  const { ys, dy, region: r, dw, s, d, W, H, bands, plane, n, range, unsigned16 } = l;
  const [lo, hi] = range ?? [0, 0];
  const mask = job.dst.mask!;
  const { x: cx, ok, ix } = columns(l, Math.trunc);
  // Keys' weights of each column's four taps, as cubicAllValid computes them per pixel.
  const cw = new Float64Array(4 * r.width);
  for (let i = 0; i < r.width; i++) {
    const fx = cx[i] - 0.5 - ix[i];
    const hx = 0.5 * fx;
    const tx = 3 * fx;
    const hx2 = 0.5 * fx * fx;
    cw[4 * i] = hx * (-1 + fx * (2 - fx));
    cw[4 * i + 1] = 1 + hx2 * (-5 + tx);
    cw[4 * i + 2] = hx * (1 + fx * (4 - tx));
    cw[4 * i + 3] = hx2 * (-1 + fx);
  }
  for (let j = 0; j < r.height; j++) {
    const row = (r.y + j) * dw + r.x;
    const y = ys[row] - dy;
    if (!(y >= 0 && y + 1e-10 <= H)) continue;
    const iy = Math.trunc(y - 0.5);
    const yin = iy - 1 >= 0 && iy + 2 < H;
    const fy = y - 0.5 - iy;
    const fy2 = fy * fy;
    const fy3 = fy * fy * fy;
    for (let i = 0, o = row; i < r.width; i++, o++) {
      if (!ok[i]) continue;
      const x0 = ix[i];
      if (!yin || x0 - 1 < 0 || x0 + 2 >= W) {
        edge(o, cx[i], y);
        continue;
      }
      const [c0, c1, c2, c3] = [cw[4 * i], cw[4 * i + 1], cw[4 * i + 2], cw[4 * i + 3]];
      for (let b = 0, at = (iy - 1) * W + x0 - 1, to = o; b < bands; b++, at += plane, to += n) {
        const f0 = c0 * s[at] + c1 * s[at + 1] + c2 * s[at + 2] + c3 * s[at + 3];
        const f1 = c0 * s[at + W] + c1 * s[at + W + 1] + c2 * s[at + W + 2] + c3 * s[at + W + 3];
        const f2 = c0 * s[at + 2 * W] + c1 * s[at + 2 * W + 1] + c2 * s[at + 2 * W + 2] + c3 * s[at + 2 * W + 3];
        const f3 = c0 * s[at + 3 * W] + c1 * s[at + 3 * W + 1] + c2 * s[at + 3 * W + 2] + c3 * s[at + 3 * W + 3];
        const v = f1 + 0.5 * (fy * (f2 - f0) + fy2 * (2 * f0 - 5 * f1 + 4 * f2 - f3) + fy3 * (3 * (f1 - f2) + f3 - f0));
        d[to] = unsigned16 ? (Math.min(hi, Math.max(0, v)) + 0.5) | 0 : range === undefined ? store(v) : v < lo ? lo : v > hi ? hi : Math.floor(v + 0.5);
      }
      mask[o] = 255;
    }
  }
}

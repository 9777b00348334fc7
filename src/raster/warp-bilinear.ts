// The upsampling bilinear kernel (GWKBilinearResampleNoMasks4SampleT) over a source with no
// invalid pixel, written out for speed: it is most of a warm bilinear `tile()`. The same
// arithmetic as the general path (warp-convolve.ts), so the same pixels as gdalwarp.
import type { WarpJob } from "./warp-job.js";

const INTEGER_RANGE: Record<string, [number, number]> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1],
};

/**
 * Bilinear with four samples for every pixel of the job's region whose four samples lie inside
 * the source; `edge(o, x, y)` handles the others (pixel `o` of `dst`, source point (x, y)).
 * Values go through `store` (clamping, rounding, nodata dodge), or an inline clamp-and-round when
 * the destination is an integer type without nodata.
 *
 * @example
 * ```ts
 * bilinearAllValid(job, storer(job.dst.dtype, job.dst.nodata), (o, x, y) => general(o, x, y));
 * ```
 */
export function bilinearAllValid(job: WarpJob, store: (v: number) => number, edge: (o: number, x: number, y: number) => void): void {
  const { src, dst, xs, ys } = job;
  const [dx, dy] = [job.shift?.x ?? 0, job.shift?.y ?? 0];
  const r = job.region ?? { x: 0, y: 0, width: dst.width, height: dst.height };
  const [W, H, bands] = [src.width, src.height, src.bands];
  const [plane, n] = [W * H, dst.width * dst.height];
  const [s, d, mask] = [src.data as unknown as number[], dst.data as unknown as number[], dst.mask!];
  const range = dst.nodata === undefined ? INTEGER_RANGE[dst.dtype] : undefined;
  const [lo, hi] = range ?? [0, 0];
  for (let j = 0; j < r.height; j++) {
    const row = (r.y + j) * dst.width + r.x;
    for (let i = 0; i < r.width; i++) {
      const o = row + i;
      const x = xs[o] - dx;
      const y = ys[o] - dy;
      if (!(x >= 0 && y >= 0 && x + 1e-10 <= W && y + 1e-10 <= H)) continue;
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
        d[to] = range === undefined ? store(v) : v < lo ? lo : v > hi ? hi : Math.floor(v + 0.5);
      }
      mask[o] = 255;
    }
  }
}

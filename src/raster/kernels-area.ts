import { replacementFor, toBandType, type Axis, type KernelArgs } from "./kernels.js";
import type { BlockTarget } from "./kernels-convolve.js";

// GDAL's area kernels (gdalwarp/gdal_translate -r average and -r mode): each output pixel takes
// the source pixels its footprint covers, weighted by how much of each it covers.

/** Source span of output pixel `i` for average and mode: [first, end, first weight, last weight]. */
function span(ax: Axis, i: number): [number, number, number, number] {
  const off = ax.delta + (ax.dst0 + i) * ax.ratio;
  const off2 = ax.delta + (ax.dst0 + i + 1) * ax.ratio;
  const n0 = Math.max(ax.chunk0, Math.trunc(off + 1e-8)); // GDAL's 1e-8 epsilons
  let n1 = Math.trunc(Math.ceil(off2 - 1e-8));
  if (n1 === n0) n1++;
  n1 = Math.min(n1, ax.chunk0 + ax.chunkN);
  return [n0 - ax.chunk0, n1 - ax.chunk0, n1 === n0 + 1 ? 1 : 1 - (off - n0), 1 - (n1 - off2)];
}

/**
 * Area-weighted average as `GDALResampleChunk32R_AverageT` (GDAL ≥ 3.1): edge pixels count by
 * the fraction of them inside the output pixel, invalid pixels are skipped, Byte/UInt16 results
 * are `trunc(mean + 0.5)` and Float32 results are rounded to the band type.
 *
 * @example
 * ```ts
 * average(args, { data: dst.data, offset: 0, stride: dst.width, mask: dst.mask, maskOffset: 0, nanNodata: false });
 * ```
 */
export function average(a: KernelArgs, to: BlockTarget): void {
  const [W, H, cw] = [a.x.dstN, a.y.dstN, a.x.chunkN];
  // Each column's span once, in typed arrays; the chunk may be read in place (offset, stride).
  const [X0, X1, L, R] = [new Int32Array(W), new Int32Array(W), new Float64Array(W), new Float64Array(W)];
  for (let i = 0; i < W; i++) [X0[i], X1[i], L[i], R[i]] = span(a.x, i);
  const { chunk, mask } = a;
  const [offset, stride] = [a.offset ?? 0, a.stride ?? cw];
  const integer = a.work !== "float32";
  const noValue = a.nodata === undefined ? undefined : integer ? Math.trunc(a.nodata) : a.nodata;
  for (let j = 0; j < H; j++) {
    const [y0, y1, top, bottom] = span(a.y, j);
    for (let i = 0; i < W; i++) {
      const [x0, x1, left, right] = [X0[i], X1[i], L[i], R[i]];
      let [total, weight, count] = [0, 0, 0];
      for (let y = y0; y < y1; y++) {
        const wy = y === y0 ? top : y + 1 === y1 ? bottom : 1;
        if (mask === null) {
          // The same sums in the same order, without a test per pixel: inner columns weigh 1, and
          // v * 1 * wy and 1 * wy are exactly v * wy and wy.
          const row = offset + y * stride;
          total += chunk[row + x0] * left * wy;
          weight += left * wy;
          for (let at = row + x0 + 1, end = row + x1 - 1; at < end; at++) {
            total += chunk[at] * wy;
            weight += wy;
          }
          if (x1 - 1 > x0) {
            total += chunk[row + x1 - 1] * right * wy;
            weight += right * wy;
          }
          count += x1 - x0;
          continue;
        }
        for (let x = x0, m = y * cw + x0, at = offset + y * stride + x0; x < x1; x++, m++, at++) {
          if (mask !== null && !mask[m]) continue;
          const wx = x === x0 ? left : x + 1 === x1 ? right : 1;
          total += chunk[at] * wx * wy;
          weight += wx * wy;
          count++;
        }
      }
      if (count === 0) {
        to.data[to.offset + j * to.stride + i] = a.fill;
        continue;
      }
      let v = integer ? Math.trunc(total / weight + 0.5) : Math.fround(total / weight);
      if (noValue !== undefined && v === noValue) v = replacementFor(a.dtype, a.nodata!);
      // Byte and UInt16 work is the band type already: a weighted mean of its values, rounded.
      put(to, i, j, integer ? v : toBandType(v, a.dtype), true);
    }
  }
}

/** Writes output (i, j) of a block, and marks it valid unless it is not (or is NaN with NaN nodata). */
function put(to: BlockTarget, i: number, j: number, v: number, valid: boolean): void {
  to.data[to.offset + j * to.stride + i] = v;
  if (valid && !(to.nanNodata && v !== v)) to.mask[to.maskOffset + j * to.stride + i] = 255;
}

/**
 * Majority value as `GDALResampleChunk32R_Mode` of GDAL 3.6. Byte bands use a 256-bin histogram
 * that skips only the nodata value, not masked pixels (their values count, as in GDAL, but a
 * result without a valid contributor is flagged invalid), and keeps the first value to reach the
 * top count; other types skip masked pixels and keep GDAL's list-based count, duplicates and all.
 *
 * @example
 * ```ts
 * mode(args, { byteSource: true }, { data: dst.data, offset: 0, stride: dst.width, mask: dst.mask, maskOffset: 0, nanNodata: false });
 * ```
 */
export function mode(a: KernelArgs, opts: { byteSource: boolean }, to: BlockTarget): void {
  const [W, H, cw] = [a.x.dstN, a.y.dstN, a.x.chunkN];
  // Each column's span once.
  const [X0, X1] = [new Int32Array(W), new Int32Array(W)];
  for (let i = 0; i < W; i++) [X0[i], X1[i]] = span(a.x, i);
  const counts = new Int32Array(256);
  const [vals, sums]: number[][] = [[], []];
  const touched = new Uint8Array(256);
  let used = 0;
  const { chunk, mask, nodata } = a;
  const byte = opts.byteSource;
  const hasNodata = nodata !== undefined;
  const [offset, stride] = [a.offset ?? 0, a.stride ?? cw];
  for (let j = 0; j < H; j++) {
    const [y0, y1] = span(a.y, j);
    for (let i = 0; i < W; i++) {
      const [x0, x1] = [X0[i], X1[i]];
      let found: number | undefined;
      let [best, anyValid] = [0, !mask];
      if (byte) {
        // Clear the bins the last footprint used, not all 256 (a histogram per output pixel).
        for (let k = 0; k < used; k++) counts[touched[k]] = 0;
        used = 0;
        for (let y = y0; y < y1; y++) {
          for (let m = y * cw + x0, at = offset + y * stride + x0, end = m + x1 - x0; m < end; m++, at++) {
            const v = chunk[at];
            if (hasNodata && v === nodata) continue;
            if (mask !== null && mask[m]) anyValid = true;
            const c = ++counts[v];
            if (c === 1) touched[used++] = v;
            if (c > best) [best, found] = [c, v];
          }
        }
      } else {
        vals.length = sums.length = 0;
        for (let y = y0; y < y1; y++) {
          for (let m = y * cw + x0, at = offset + y * stride + x0, end = m + x1 - x0; m < end; m++, at++) {
            if (mask !== null && !mask[m]) continue;
            const v = chunk[at];
            anyValid = true;
            // GDAL 3.6's loop: a value that does not beat the current best is appended again.
            let k = 0;
            for (; k < vals.length; k++) if (vals[k] === v && ++sums[k] > sums[best]) break;
            if (k < vals.length) [best, found] = [k, v];
            else {
              vals.push(v);
              sums.push(1);
              if (found === undefined) [best, found] = [k, v];
            }
          }
        }
        if (found !== undefined) found = vals[best];
      }
      put(to, i, j, found === undefined ? a.fill : toBandType(found, a.dtype), found !== undefined && anyValid);
    }
  }
}

// gdalwarp's area kernels (GWKAverageOrMode of GDAL 3.6): each destination pixel takes every
// source pixel under its footprint.
import type { DType } from "../tiff/dtype.js";
import { regionOffsets, storer, Validity, type WarpJob, type WarpMethod } from "./warp-job.js";

/**
 * GWKAverageOrMode: each destination pixel's footprint (its corners mapped to the source, sorted)
 * covers source pixels; edge pixels count by the part inside (average, rms); mode counts values
 * (a histogram for 8/16-bit integers, first to lead wins); min, max; med/q1/q3 sort the values.
 */
export function area(job: WarpJob): void {
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
  const [sum, rms, all] = [job.method === "average" || job.method === "rms", job.method === "rms", valid.all];
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
      // Average and rms sum in place; the other methods go through their picker.
      let [total, weight, count] = [0, 0, 0];
      if (!sum) pick.reset();
      for (let y = y0; y < y1; y++) {
        const wy = y === y0 ? (y0 + 1 === y1 ? 1 : 1 - (ya - y0)) : y + 1 === y1 ? 1 - (y1 - yb) : 1;
        for (let x = x0, s = y * W + x0; x < x1; x++, s++) {
          if (!all && !valid.at(b, s)) continue;
          const v = data[b * plane + s];
          if (sum) {
            const w = x === x0 ? (x0 + 1 === x1 ? wy : wy * (1 - (xa - x0))) : x + 1 === x1 ? wy * (1 - (x1 - xb)) : wy;
            total += rms ? v * v * w : v * w;
            weight += w;
            count++;
          } else pick.add(v);
        }
      }
      const v = !sum ? pick.result() : count === 0 || !(weight > 0) ? undefined : rms ? Math.sqrt(total / weight) : total / weight;
      if (v === undefined) continue;
      (dst.data as unknown as number[])[b * n + o] = store(v);
      any = true;
    }
    if (any) dst.mask![o] = 255;
  }
}

/** The accumulator of a footprint's pixels for mode, min, max and the quantiles (unweighted). */
interface Picker {
  reset(): void;
  add(value: number): void;
  result(): number | undefined;
}

function picker(method: WarpMethod, dtype: DType): Picker {
  let [count, best] = [0, 0];
  let found: number | undefined;
  const values: number[] = [];
  const integer = dtype === "uint8" || dtype === "uint16" || dtype === "int16";
  const histogram = method === "mode" && integer ? new Int32Array(dtype === "uint8" ? 256 : 65536) : null;
  // The bins a footprint touched: a reset clears those, not all 65,536 of a 16-bit histogram.
  const touched = new Int32Array(histogram === null ? 0 : histogram.length);
  let used = 0;
  const offset = dtype === "int16" ? 32768 : 0;
  const sums: number[] = [];
  const quantile = method === "med" ? 0.5 : method === "q1" ? 0.25 : 0.75;
  return {
    reset() {
      [count, best, found] = [0, 0, undefined];
      // Array length writes are slow calls in V8: only when there is something to drop.
      if (values.length > 0) values.length = sums.length = 0;
      for (let k = 0; k < used; k++) histogram![touched[k]] = 0;
      used = 0;
    },
    // One function per method: no dispatch per source pixel.
    add:
      method === "min" || method === "max"
        ? (v) => {
            found = count++ === 0 || (method === "min" ? v < found! : v > found!) ? v : found;
          }
        : histogram !== null
          ? (v) => {
              count++;
              const k = Math.trunc(v) + offset;
              if (histogram[k] === 0) touched[used++] = k;
              if (++histogram[k] > best) {
                best = histogram[k];
                found = Math.trunc(v);
              }
            }
          : method === "mode"
            ? (v) => {
                count++;
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
              }
            : (v) => {
                count++;
                values.push(v);
              },
    result() {
      if (count === 0) return undefined;
      if (method === "med" || method === "q1" || method === "q3") {
        values.sort((a, b) => a - b);
        return values[Math.ceil(quantile * values.length - 1)];
      }
      return found;
    },
  };
}

import type { DType } from "../tiff/dtype.js";

/**
 * One axis of a kernel call. Output pixel `i` (from `dst0`, `dstN` of them) has its centre at
 * source coordinate `(i + 0.5) × ratio + delta`; the chunk holds source pixels
 * `[chunk0, chunk0 + chunkN)`, pixel `k` covering `[k, k + 1)`.
 *
 * @example
 * ```ts
 * const x: Axis = { chunk0: -2, chunkN: 40, dst0: 0, dstN: 16, ratio: 2.25, delta: 0.3 };
 * ```
 */
export interface Axis {
  chunk0: number;
  chunkN: number;
  dst0: number;
  dstN: number;
  ratio: number;
  delta: number;
}

/**
 * One band's input to a kernel: GDAL's "chunk" (source pixels around the request, clipped to the
 * image level, row-major, already in the work type) and where the output pixels fall on it.
 *
 * @example
 * ```ts
 * const x: Axis = { chunk0: 0, chunkN: 4, dst0: 0, dstN: 2, ratio: 2, delta: 0 };
 * const args: KernelArgs = { chunk: new Float64Array(16), mask: null, x, y: x, fill: 0, dtype: "uint8", work: "byte" };
 * ```
 */
export interface KernelArgs {
  chunk: ArrayLike<number>;
  /** Chunk validity (0 invalid, else valid), or null when every chunk pixel is valid. */
  mask: ArrayLike<number> | null;
  x: Axis;
  y: Axis;
  /** The band's nodata value as GDAL holds it (a float32), if any. */
  nodata?: number;
  /** Value of output pixels without a valid source (GDAL: nodata, else 0). */
  fill: number;
  /** Data type of the output band. */
  dtype: DType;
  /** GDAL 3.6's chunk type (`GDALGetOvrWorkDataType`): Byte/UInt16 stay integer except for mode. */
  work: "byte" | "uint16" | "float32";
}

/**
 * A kernel's output block (`x.dstN × y.dstN`): values in the band type, and 255/0 validity.
 *
 * @example
 * ```ts
 * const out: KernelOut = { values: new Float64Array(4), valid: new Uint8Array(4).fill(255) };
 * ```
 */
export interface KernelOut {
  values: Float64Array;
  valid: Uint8Array;
}

const RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1],
};
const FLT_MAX = 3.4028234663852886e38;

/**
 * GDALCopyWords from float32 to band type `dtype`: integers are clamped, then rounded half away
 * from zero in float32 arithmetic (so 0.49999997 gives 1, as GDAL 3.6 does); NaN gives 0. Floats
 * pass through.
 *
 * @example
 * ```ts
 * toBandType(2.5, "int16"); // 3
 * toBandType(-2.5, "int16"); // -3
 * toBandType(300, "uint8"); // 255
 * ```
 */
export function toBandType(value: number, dtype: DType): number {
  const range = RANGE[dtype];
  if (range === undefined) return value;
  if (Number.isNaN(value)) return 0;
  if (value >= range[1] || value <= range[0]) return value >= range[1] ? range[1] : range[0];
  return Math.trunc(Math.fround(value >= 0 ? value + 0.5 : value - 0.5));
}

/**
 * GDAL's `GetReplacementValueIfNoData`: what a valid resampled pixel becomes when its value
 * would equal nodata.
 *
 * @example
 * ```ts
 * replacementFor("int16", -9999); // -9998
 * replacementFor("uint8", 255); // 254
 * ```
 */
export function replacementFor(dtype: DType, nodata: number): number {
  const range = RANGE[dtype];
  if (range !== undefined) return nodata === range[1] ? nodata - 1 : Math.fround(nodata + 1);
  return nodata === 0 ? 1.1754943508222875e-38 : Math.fround(nodata + 1e-7 * nodata); // FLT_MIN
}

/**
 * Radius and weight function of GDAL's warp kernels (`GWKBilinear`; `GWKCubic`, Keys a = -0.5).
 *
 * @example
 * ```ts
 * FILTERS.cubic.weight(0.5); // 0.5625
 * ```
 */
export const FILTERS: Record<"bilinear" | "cubic", { radius: number; weight: (x: number) => number }> = {
  bilinear: { radius: 1, weight: (x) => (Math.abs(x) <= 1 ? 1 - Math.abs(x) : 0) },
  cubic: {
    radius: 2,
    weight: (x) => {
      const a = Math.abs(x);
      if (a <= 1) return x * x * (1.5 * a - 2.5) + 1;
      return a <= 2 ? x * x * (-0.5 * a + 2.5) - 4 * a + 2 : 0;
    },
  },
};

/** Longest run of valid entries; GDAL's cubic drops taps whose longest run is under half. */
function tooSparse(mask: ArrayLike<number>, start: number, n: number, stride: number): boolean {
  let [run, best] = [0, 0];
  for (let k = 0; k < n; k++) {
    if (mask[start + k * stride]) run++;
    else [best, run] = [Math.max(best, run), 0];
  }
  return Math.max(best, run) < Math.trunc(n / 2);
}

/** Taps of output pixel `i` on one axis: first source pixel, count, weights and their sum. */
function taps(ax: Axis, i: number, radius: number, weight: (x: number) => number, w: Float64Array): [number, number, number] {
  const scale = Math.min(1, 1 / ax.ratio);
  const reach = radius / scale; // the kernel widens with the downsampling ratio
  const centre = (ax.dst0 + i + 0.5) * ax.ratio + ax.delta;
  const start = Math.max(ax.chunk0, Math.floor(centre - reach + 0.5));
  const n = Math.min(ax.chunk0 + ax.chunkN, Math.trunc(centre + reach + 0.5)) - start;
  let sum = 0;
  for (let k = 0, x = scale * (start - centre + 0.5); k < n; k++, x += scale) sum += w[k] = weight(x);
  return [start - ax.chunk0, n, sum];
}

/**
 * Separable convolution (bilinear, cubic) as `GDALResampleChunk32R_ConvolutionT`: a horizontal
 * pass over every chunk row, then a vertical pass; taps are clipped to the chunk; with a mask,
 * weights are renormalised over valid taps (cubic also gives up when the longest valid run is
 * under half the taps); a valid result equal to nodata takes the replacement value; the float32
 * result is rounded to the band type.
 *
 * @example
 * ```ts
 * const out = convolve(args, "bilinear");
 * ```
 */
export function convolve(a: KernelArgs, kind: "bilinear" | "cubic"): KernelOut {
  const { radius, weight } = FILTERS[kind];
  const [W, H, cw, ch] = [a.x.dstN, a.y.dstN, a.x.chunkN, a.y.chunkN];
  const out: KernelOut = { values: new Float64Array(W * H), valid: new Uint8Array(W * H) };
  const hf = new Float64Array(ch * W);
  const hm = a.mask ? new Uint8Array(ch * W) : null;
  const w = new Float64Array(Math.ceil(2 * radius * Math.max(1, a.x.ratio, a.y.ratio)) + 4);
  for (let i = 0; i < W; i++) {
    const [s, n, sum] = taps(a.x, i, radius, weight, w);
    if (!hm && sum !== 0) for (let k = 0, inv = 1 / sum; k < n; k++) w[k] *= inv;
    for (let row = 0, base = s; row < ch; row++, base += cw) {
      let [v, ws] = [0, 0];
      if (!hm) {
        for (let k = 0; k < n; k++) v += a.chunk[base + k] * w[k];
        hf[row * W + i] = v;
      } else if (!(kind === "cubic" && tooSparse(a.mask!, base, n, 1))) {
        for (let k = 0; k < n; k++) {
          const wk = w[k] * a.mask![base + k];
          v += a.chunk[base + k] * wk; // NaN × 0 stays NaN, as in GDAL 3.6
          ws += wk;
        }
        if (ws > 0) [hf[row * W + i], hm[row * W + i]] = [v / ws, 1];
      }
    }
  }
  const replace = nodataReplacer(a);
  for (let j = 0; j < H; j++) {
    const [s, n, sum] = taps(a.y, j, radius, weight, w);
    if (!hm && sum !== 0) for (let k = 0, inv = 1 / sum; k < n; k++) w[k] *= inv;
    for (let i = 0; i < W; i++) {
      const first = s * W + i;
      let [v, ws] = [0, 0];
      for (let k = 0; k < n; k++) {
        const wk = hm ? w[k] * hm[first + k * W] : w[k];
        v += hf[first + k * W] * wk;
        ws += wk;
      }
      let f: number | undefined;
      if (!hm) f = replace(Math.fround(v));
      else if (ws > 0 && !(kind === "cubic" && tooSparse(hm, first, n, W))) f = replace(Math.fround(v / ws));
      out.values[j * W + i] = f === undefined ? a.fill : toBandType(f, a.dtype);
      out.valid[j * W + i] = f === undefined ? 0 : 255;
    }
  }
  return out;
}

/** The convolution's `replaceValIfNodata`: clamp to the band range, then dodge nodata. */
function nodataReplacer(a: KernelArgs): (f: number) => number {
  const nodata = a.nodata;
  if (nodata === undefined) return (f) => f;
  const range = RANGE[a.dtype];
  const [lo, hi] = range ?? [-FLT_MAX, FLT_MAX];
  const replacement = replacementFor(a.dtype, nodata);
  return (f) => {
    const c = f < lo ? lo : f > hi ? hi : f;
    const same = range ? Math.trunc(nodata) === Math.sign(c) * Math.round(Math.abs(c)) : nodata === c;
    return same ? replacement : c;
  };
}

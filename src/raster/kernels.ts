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
  /** Where the chunk's first pixel is in `chunk`, and its row stride (default 0 and `x.chunkN`: a copy). */
  offset?: number;
  stride?: number;
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

export const RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1],
};
export const FLT_MAX = 3.4028234663852886e38;

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
  return range === undefined ? value : roundInRange(value, range[0], range[1]);
}

/** {@link toBandType} for an integer type of range [lo, hi]: the one rounding rule, shared by the kernels' hot loops. */
export function roundInRange(v: number, lo: number, hi: number): number {
  return v !== v ? 0 : v >= hi ? hi : v <= lo ? lo : Math.trunc(Math.fround(v >= 0 ? v + 0.5 : v - 0.5));
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

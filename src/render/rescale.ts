import { CogError } from "../errors.js";
import type { Raster } from "../raster/raster.js";
import type { DType } from "../tiff/dtype.js";

/**
 * `[min, max]` of a band, stretched to 0–255.
 *
 * @example
 * ```ts
 * const reflectance: Range = [0, 3000];
 * ```
 */
export type Range = readonly [number, number];

/**
 * Each dtype's whole range, as rasterio's `dtype_ranges` gives it: what titiler stretches to
 * 0–255 when a non-8-bit band is drawn without `rescale`.
 */
const DTYPE_RANGES: Partial<Record<DType, Range>> = {
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  uint32: [0, 4294967295],
  int32: [-2147483648, 2147483647],
  uint64: [0, 2 ** 64 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
  float16: [-65504, 65504],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
};

/**
 * The range of each of `count` drawn bands: `rescale` checked (one range for all bands, or one
 * per band, each two finite numbers that differ), else `undefined` per band (the default).
 *
 * @example
 * ```ts
 * checkRescale([[0, 3000]], 3); // [[0, 3000], [0, 3000], [0, 3000]]
 * ```
 */
export function checkRescale(rescale: ReadonlyArray<Range> | undefined, count: number): Array<Range | undefined> {
  if (rescale === undefined) return Array.from({ length: count }, () => undefined);
  if (!Array.isArray(rescale) || (rescale.length !== 1 && rescale.length !== count)) {
    throw new CogError("COG_USAGE", `render: rescale needs one [min, max] for every band or one per band (${count}), got ${JSON.stringify(rescale)}`);
  }
  for (const r of rescale) {
    if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || r[0] === r[1]) {
      throw new CogError("COG_USAGE", `render: each rescale range is [min, max], two different finite numbers, not ${JSON.stringify(r)}`);
    }
  }
  return Array.from({ length: count }, (_, i) => rescale[rescale.length === 1 ? 0 : i]);
}

/**
 * A band's values as numbers (a view of the raster, or a copy for 64-bit integer dtypes).
 *
 * @example
 * ```ts
 * const red = bandValues(raster, 0);
 * ```
 */
export function bandValues(raster: Raster, band: number): ArrayLike<number> {
  if (raster.dtype.startsWith("complex")) throw new CogError("COG_UNSUPPORTED", `render: ${raster.dtype} data cannot be drawn (take its real part or magnitude first)`);
  const n = raster.width * raster.height;
  const data = raster.data.subarray(band * n, (band + 1) * n);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data as ArrayLike<bigint>, Number);
  return data as ArrayLike<number>;
}

/**
 * A band as 0–255: uint8 values as they are without a range; otherwise rio-tiler's
 * `linear_rescale` of `range` (or the dtype's range) truncated to an integer, as titiler's PNGs
 * hold it: `trunc((clamp(v) - min) / (max - min) × 255)`. NaN gives 0 (it is transparent anyway).
 *
 * @example
 * ```ts
 * toBytes(bandValues(raster, 0), "uint16", [0, 3000]); // 1500 -> 127
 * ```
 */
export function toBytes(values: ArrayLike<number>, dtype: DType, range: Range | undefined): Uint8Array {
  if (range === undefined && dtype === "uint8") return values instanceof Uint8Array ? values : Uint8Array.from(values);
  const [from, to] = range ?? DTYPE_RANGES[dtype]!;
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  // Halves: the same results, and no overflow for float64's whole range.
  const h0 = from / 2;
  const span = to / 2 - h0;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const c = v < lo ? lo : v > hi ? hi : v; // NaN stays NaN and stores as 0
    out[i] = ((c / 2 - h0) / span) * 255;
  }
  return out;
}

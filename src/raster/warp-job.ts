// What a gdalwarp kernel works on (a WarpJob), and the pieces every kernel shares: pixel
// validity, how values are stored, which destination pixels a job covers.
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
  /**
   * Set when every row of the region has the `xs` of its first row and one `y` (a separable
   * transform, PointTransform.separable): the kernels that know it work from one row of x and one
   * column of y, with the same numbers.
   */
  separable?: boolean;
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
export function scratchInts(n: number, part: 0 | 1): Int32Array {
  if (scratch.length < 2 * n) scratch = new Int32Array(2 * n);
  return scratch.subarray(part * n, (part + 1) * n);
}

/** The destination pixel offsets of a job's region, row by row (scratch: valid until the next call). */
export function regionOffsets(job: WarpJob): Int32Array {
  const r = job.region ?? { x: 0, y: 0, width: job.dst.width, height: job.dst.height };
  const out = scratchInts(r.width * r.height, 0);
  for (let j = 0, k = 0; j < r.height; j++) for (let i = 0; i < r.width; i++) out[k++] = (r.y + j) * job.dst.width + r.x + i;
  return out;
}

/**
 * Reads pixel validity: the window's mask and, per band, "not nodata" (GDAL's band masks).
 *
 * @example
 * ```ts
 * const valid = new Validity(src);
 * if (valid.all || valid.at(0, 123)) use(src.data[123]);
 * ```
 */
export class Validity {
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
export function storer(dtype: DType, nodata: number | undefined): (v: number) => number {
  const range: Partial<Record<DType, [number, number]>> = {
    uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1],
  };
  const r = range[dtype];
  if (r === undefined) return dtype === "float32" ? Math.fround : (v) => v;
  const [lo, hi] = r;
  // GDAL avoids writing the destination nodata value by chance (ClampRoundAndAvoidNoData).
  const dodge = nodata === undefined || !Number.isInteger(nodata) ? undefined : nodata === hi ? nodata - 1 : nodata + 1;
  if (dodge === undefined) return (v) => (v < lo ? lo : v > hi ? hi : Math.floor(v + 0.5));
  return (v) => {
    const out = v < lo ? lo : v > hi ? hi : Math.floor(v + 0.5);
    return out === nodata ? dodge : out;
  };
}

/** In GWKCheckAndComputeSrcOffsets' terms: the pixel whose source centre is (x, y), or -1. */
export function sourceIndex(src: Raster, x: number, y: number): number {
  if (!(x >= 0 && y >= 0 && x + 1e-10 <= src.width && y + 1e-10 <= src.height)) return -1;
  const ix = Math.min(Math.trunc(x + 1e-10), src.width - 1);
  const iy = Math.min(Math.trunc(y + 1e-10), src.height - 1);
  return iy * src.width + ix;
}

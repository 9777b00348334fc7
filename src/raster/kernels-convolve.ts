// The separable convolution kernels (bilinear, cubic) of GDAL 3.6's RasterIO resampling
// (GDALResampleChunk32R_ConvolutionT): taps computed once per block, bands read and written in place.
import type { DType } from "../tiff/dtype.js";
import { FILTERS, FLT_MAX, RANGE, replacementFor, roundInRange, type Axis, type KernelArgs } from "./kernels.js";

/** Longest run of valid entries; GDAL's cubic drops taps whose longest run is under half. */
function tooSparse(mask: ArrayLike<number>, start: number, n: number, stride: number): boolean {
  let [run, best] = [0, 0];
  for (let k = 0; k < n; k++) {
    if (mask[start + k * stride]) run++;
    else [best, run] = [Math.max(best, run), 0];
  }
  return Math.max(best, run) < Math.trunc(n / 2);
}

/**
 * The taps of every output pixel of one axis: output `i` reads chunk pixels `start[i] …
 * start[i] + count[i] - 1` with weights `raw[i × stride + k]` (`unit`: the same divided by their
 * sum, as GDAL does when no mask renormalises them).
 */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  raw: Float64Array;
  unit: Float64Array;
  stride: number;
}

function tapsOf(ax: Axis, radius: number, weight: (x: number) => number): Taps {
  const scale = Math.min(1, 1 / ax.ratio);
  const reach = radius / scale; // the kernel widens with the downsampling ratio
  const stride = Math.ceil(2 * reach) + 4;
  const t: Taps = { start: new Int32Array(ax.dstN), count: new Int32Array(ax.dstN), raw: new Float64Array(ax.dstN * stride), unit: new Float64Array(ax.dstN * stride), stride };
  for (let i = 0; i < ax.dstN; i++) {
    const centre = (ax.dst0 + i + 0.5) * ax.ratio + ax.delta;
    const start = Math.max(ax.chunk0, Math.floor(centre - reach + 0.5));
    const n = Math.max(0, Math.min(ax.chunk0 + ax.chunkN, Math.trunc(centre + reach + 0.5)) - start);
    let sum = 0;
    for (let k = 0, x = scale * (start - centre + 0.5); k < n; k++, x += scale) sum += t.raw[i * stride + k] = weight(x);
    const inv = 1 / sum;
    for (let k = 0; k < n; k++) t.unit[i * stride + k] = sum !== 0 ? t.raw[i * stride + k] * inv : t.raw[i * stride + k];
    [t.start[i], t.count[i]] = [start - ax.chunk0, n];
  }
  return t;
}

/**
 * Where a kernel reads one band's chunk: pixel (col, row) of the chunk is
 * `plane[offset + row × stride + col]` (a view into the source raster, no copy).
 *
 * @example
 * ```ts
 * const view: ChunkView = { plane: src.data, offset: 2 * src.width + 3, stride: src.width };
 * ```
 */
export interface ChunkView {
  plane: ArrayLike<number>;
  offset: number;
  stride: number;
}

/**
 * Where a kernel writes its block: output (i, j) goes to `data[offset + j × stride + i]`, and a
 * valid output sets `mask[maskOffset + j × stride + i]` to 255 (a mask shared by every band).
 *
 * @example
 * ```ts
 * const to: BlockTarget = { data: dst.data, offset: 0, stride: dst.width, mask: dst.mask, maskOffset: 0, nanNodata: false };
 * ```
 */
export interface BlockTarget {
  data: { [k: number]: number };
  offset: number;
  stride: number;
  mask: Uint8Array;
  maskOffset: number;
  /** Nodata is NaN: a NaN result stays invalid in the mask. */
  nanNodata: boolean;
}

/**
 * Separable convolution (bilinear, cubic) as `GDALResampleChunk32R_ConvolutionT`: a horizontal
 * pass over every chunk row, then a vertical pass; taps are clipped to the chunk; with a mask,
 * weights are renormalised over valid taps (cubic also gives up when the longest valid run is
 * under half the taps); a valid result equal to nodata takes the replacement value; the float32
 * result is rounded to the band type. Taps, weights and buffers are made once per block, for
 * every band; the bands are then read and written in place.
 *
 * @example
 * ```ts
 * const kernel = new Convolution(x, y, "bilinear", { dtype: "uint8", fill: 0 });
 * kernel.run({ plane: src.data, offset: 0, stride: src.width }, null, target);
 * ```
 */
export class Convolution {
  private readonly tx: Taps;
  private readonly ty: Taps;
  private readonly hf: Float64Array;
  private readonly hm: Uint8Array;
  private readonly round: (value: number) => number;
  private readonly replace: (value: number) => number;
  private readonly fill: number;
  /** The band type's range when it is an integer type (results are rounded and clamped to it). */
  private readonly range: [number, number] | undefined;
  /** Whether results equal to nodata must be replaced. */
  private readonly dodge: boolean;

  constructor(
    readonly x: Axis,
    readonly y: Axis,
    readonly kind: "bilinear" | "cubic",
    band: Pick<KernelArgs, "dtype" | "nodata" | "fill">,
  ) {
    const { radius, weight } = FILTERS[kind];
    [this.tx, this.ty] = [tapsOf(x, radius, weight), tapsOf(y, radius, weight)];
    this.hf = new Float64Array(y.chunkN * x.dstN);
    this.hm = new Uint8Array(y.chunkN * x.dstN);
    [this.round, this.replace, this.fill] = [bandRounder(band.dtype), nodataReplacer(band), band.fill];
    [this.range, this.dodge] = [RANGE[band.dtype], band.nodata !== undefined];
  }

  /** Convolves one band: `chunk` in the work type, `mask` its validity (chunkN-wide, or null when all valid). */
  run(chunk: ChunkView, mask: ArrayLike<number> | null, to: BlockTarget): void {
    if (mask) {
      this.horizontalMasked(chunk, mask);
      this.verticalMasked(to);
    } else {
      this.horizontal(chunk);
      this.vertical(to);
    }
  }

  // Hot loops: plain locals and typed arrays only (no tuples or closures created per pixel).
  private horizontal({ plane, offset, stride }: ChunkView): void {
    const { tx, hf } = this;
    const [W, ch] = [this.x.dstN, this.y.chunkN];
    for (let row = 0; row < ch; row++) {
      for (let i = 0; i < W; i++) {
        const base = offset + row * stride + tx.start[i];
        const n = tx.count[i];
        const w0 = i * tx.stride;
        let v = 0;
        for (let k = 0; k < n; k++) v += plane[base + k] * tx.unit[w0 + k];
        hf[row * W + i] = v;
      }
    }
  }

  private horizontalMasked({ plane, offset, stride }: ChunkView, mask: ArrayLike<number>): void {
    const { tx, hf, hm } = this;
    const [W, cw, ch, cubic] = [this.x.dstN, this.x.chunkN, this.y.chunkN, this.kind === "cubic"];
    for (let row = 0; row < ch; row++) {
      for (let i = 0; i < W; i++) {
        const base = offset + row * stride + tx.start[i];
        const mbase = row * cw + tx.start[i];
        const n = tx.count[i];
        const w0 = i * tx.stride;
        hf[row * W + i] = hm[row * W + i] = 0;
        if (cubic && tooSparse(mask, mbase, n, 1)) continue;
        let v = 0;
        let ws = 0;
        for (let k = 0; k < n; k++) {
          const wk = tx.raw[w0 + k] * mask[mbase + k];
          v += plane[base + k] * wk; // NaN × 0 stays NaN, as in GDAL 3.6
          ws += wk;
        }
        if (ws > 0) {
          hf[row * W + i] = v / ws;
          hm[row * W + i] = 1;
        }
      }
    }
  }

  private vertical(to: BlockTarget): void {
    const { ty, hf, replace } = this;
    const [W, H] = [this.x.dstN, this.y.dstN];
    const { data, mask, nanNodata } = to;
    // The range looked up once: this loop runs once per output sample of every band.
    const [range, dodge] = [this.range, this.dodge];
    const [lo, hi] = range ?? [0, 0];
    for (let j = 0; j < H; j++) {
      const s = ty.start[j] * W;
      const n = ty.count[j];
      const w0 = j * ty.stride;
      const d = to.offset + j * to.stride;
      const m = to.maskOffset + j * to.stride;
      for (let i = 0; i < W; i++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += hf[s + i + k * W] * ty.unit[w0 + k];
        let out = Math.fround(v);
        if (dodge) out = replace(out);
        if (range) out = roundInRange(out, lo, hi);
        data[d + i] = out;
        if (!(nanNodata && out !== out)) mask[m + i] = 255;
      }
    }
  }

  private verticalMasked(to: BlockTarget): void {
    const { ty, hf, hm, round, replace, fill } = this;
    const [W, H, cubic] = [this.x.dstN, this.y.dstN, this.kind === "cubic"];
    const { data, mask, nanNodata } = to;
    for (let j = 0; j < H; j++) {
      const n = ty.count[j];
      const w0 = j * ty.stride;
      const [d, m] = [to.offset + j * to.stride, to.maskOffset + j * to.stride];
      for (let i = 0; i < W; i++) {
        const first = ty.start[j] * W + i;
        let v = 0;
        let ws = 0;
        for (let k = 0; k < n; k++) {
          const wk = ty.raw[w0 + k] * hm[first + k * W];
          v += hf[first + k * W] * wk;
          ws += wk;
        }
        if (ws > 0 && !(cubic && tooSparse(hm, first, n, W))) {
          const out = round(replace(Math.fround(v / ws)));
          data[d + i] = out;
          if (!(nanNodata && out !== out)) mask[m + i] = 255;
        } else data[d + i] = fill;
      }
    }
  }
}

/** {@link toBandType} for one band type, with the range looked up once. */
function bandRounder(dtype: DType): (value: number) => number {
  const range = RANGE[dtype];
  if (range === undefined) return (v) => v;
  const [lo, hi] = range;
  return (v) => roundInRange(v, lo, hi);
}

/** The convolution's `replaceValIfNodata`: clamp to the band range, then dodge nodata. */
function nodataReplacer(a: Pick<KernelArgs, "dtype" | "nodata">): (f: number) => number {
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

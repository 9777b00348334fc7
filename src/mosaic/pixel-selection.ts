import { CogError } from "../errors.js";
import { allocateFilled, componentsOf, type TypedArray } from "../decode/samples.js";
import type { DType } from "../tiff/dtype.js";
import type { Raster } from "../raster/raster.js";
import type { PixelSelection } from "./types.js";

// rio-tiler's mosaic methods (rio_tiler/mosaic/methods/defaults.py) on cogread rasters. rio-tiler
// works on numpy masked arrays with a mask per band; a cogread raster has one mask for all its
// bands, so "masked" here is mask 0 at that pixel, for every band.

/**
 * Feeds asset tiles one at a time, in the assets' order, and makes the mosaic of them.
 *
 * @example
 * ```ts
 * const sel = new PixelSelector("first", { fill: 0 });
 * for (const t of tiles) { sel.feed(t); if (sel.done) break; }
 * const raster = sel.result();
 * ```
 */
export class PixelSelector {
  private mosaic: Raster | undefined;
  private readonly stack: Raster[] = [];

  constructor(
    readonly method: PixelSelection,
    private readonly opts: { fill: number; url?: string },
  ) {}

  /** rio-tiler's `is_done`: only `first` stops early, once no pixel is masked. */
  get done(): boolean {
    return this.method === "first" && this.mosaic !== undefined && !this.mosaic.mask!.includes(0);
  }

  /** Adds one asset's tile; `COG_USAGE` if its shape differs from the first one's. */
  feed(tile: Raster): void {
    const first = this.mosaic ?? this.stack[0];
    if (first && (tile.bands !== first.bands || tile.dtype !== first.dtype || tile.width !== first.width || tile.height !== first.height)) {
      throw new CogError("COG_USAGE", `asset tile is ${tile.width}x${tile.height}x${tile.bands} ${tile.dtype}, the mosaic's first ${first.width}x${first.height}x${first.bands} ${first.dtype}: assets must have the same bands and dtype`, { url: this.opts.url });
    }
    if (this.method !== "first" && componentsOf(tile.dtype) !== 1) {
      throw new CogError("COG_UNSUPPORTED", `pixel selection ${this.method} of ${tile.dtype} data: use first`, { url: this.opts.url });
    }
    if ((this.method === "lastBandHigh" || this.method === "lastBandLow") && tile.bands < 2) {
      throw new CogError("COG_USAGE", `${this.method} needs at least 2 bands (the last one decides), got ${tile.bands}`, { url: this.opts.url });
    }
    const t = withMask(tile);
    switch (this.method) {
      case "first":
      case "highest":
      case "lowest":
      case "lastBandHigh":
      case "lastBandLow":
        if (this.mosaic === undefined) this.mosaic = copy(t);
        else pick(this.mosaic, t, this.method);
        return;
      default:
        this.stack.push(t);
    }
  }

  /** The mosaic of what was fed; undefined if nothing was. */
  result(): Raster | undefined {
    switch (this.method) {
      case "first":
      case "highest":
      case "lowest":
        return this.mosaic;
      case "lastBandHigh":
      case "lastBandLow":
        return this.mosaic && dropLastBand(this.mosaic);
      case "count":
        return this.stack.length === 0 ? undefined : count(this.stack);
      default:
        return this.stack.length === 0 ? undefined : reduce(this.stack, this.method, this.opts.fill);
    }
  }
}

function withMask(r: Raster): Raster {
  return r.mask ? r : { ...r, mask: new Uint8Array(r.width * r.height).fill(255) };
}

function copy(r: Raster): Raster {
  return { ...r, data: r.data.slice() as TypedArray, mask: r.mask!.slice() };
}

/**
 * One step of FirstMethod / HighestMethod / LowestMethod / LastBand*Method's `feed`: where
 * `pidex` holds, the mosaic takes the new tile's value and mask.
 *   first:   mosaic masked and tile valid
 *   highest: (tile valid and tile > mosaic) or mosaic masked, band by band
 *   lastBand*: the same test on the last band decides for every band
 */
function pick(m: Raster, t: Raster, method: PixelSelection): void {
  const n = m.width * m.height;
  const comps = componentsOf(m.dtype);
  const md = m.data as unknown as Array<number>;
  const td = t.data as unknown as Array<number>;
  const mm = m.mask!;
  const tm = t.mask!;
  const take = (b: number, i: number) => {
    for (let c = 0; c < comps; c++) md[(b * n + i) * comps + c] = td[(b * n + i) * comps + c];
  };
  if (method === "first") {
    for (let i = 0; i < n; i++) {
      if (mm[i] === 0 && tm[i] !== 0) {
        for (let b = 0; b < m.bands; b++) take(b, i);
        mm[i] = tm[i];
      }
    }
    return;
  }
  const higher = method === "highest" || method === "lastBandHigh";
  const better = (a: number, b: number) => (higher ? a > b : a < b);
  if (method === "lastBandHigh" || method === "lastBandLow") {
    const last = (m.bands - 1) * n;
    for (let i = 0; i < n; i++) {
      if ((tm[i] !== 0 && better(td[last + i], md[last + i])) || mm[i] === 0) {
        for (let b = 0; b < m.bands; b++) take(b, i);
        mm[i] = tm[i];
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const mosaicMasked = mm[i] === 0;
    let tookAny = false;
    for (let b = 0; b < m.bands; b++) {
      if ((tm[i] !== 0 && better(td[b * n + i], md[b * n + i])) || mosaicMasked) {
        md[b * n + i] = td[b * n + i];
        tookAny = true;
      }
    }
    // Per band the mask follows the value's source; a valid mosaic pixel is taken only from a
    // valid tile pixel, so the pixel's mask stays valid, and a masked one takes the tile's mask.
    if (mosaicMasked && tookAny) mm[i] = tm[i];
  }
}

function dropLastBand(m: Raster): Raster {
  const n = m.width * m.height;
  return { ...m, bands: m.bands - 1, data: m.data.slice(0, (m.bands - 1) * n) as TypedArray };
}

/** CountMethod: valid assets per pixel, one uint8 band (uint16 past 255 assets), no mask. */
function count(stack: Raster[]): Raster {
  const { width, height } = stack[0];
  const n = width * height;
  const data = stack.length < 256 ? new Uint8Array(n) : new Uint16Array(n);
  for (const t of stack) for (let i = 0; i < n; i++) if (t.mask![i] !== 0) data[i]++;
  return { width, height, bands: 1, dtype: stack.length < 256 ? "uint8" : "uint16", data, mask: new Uint8Array(n).fill(255) };
}

/**
 * MeanMethod, MedianMethod (numpy.ma.mean/median of the valid values, in float64, cast back to
 * the dtype as `astype` does: integers truncated toward zero) and StdevMethod (numpy.ma.std,
 * ddof 0; float64 output, float32 for float32 data). A pixel no asset holds is masked.
 */
function reduce(stack: Raster[], method: PixelSelection, fill: number): Raster {
  const { width, height, bands, dtype } = stack[0];
  const n = width * height;
  const outType: DType = method === "stdev" ? (dtype === "float32" || dtype === "float16" ? "float32" : "float64") : dtype;
  const data = allocateFilled(outType, n * bands, fill);
  const mask = new Uint8Array(n);
  const values: number[] = [];
  const big = typeof data[0] === "bigint";
  const intOut = !outType.startsWith("float");
  const datas = stack.map((t) => t.data as unknown as ArrayLike<number | bigint>);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < bands; b++) {
      values.length = 0;
      for (let s = 0; s < stack.length; s++) if (stack[s].mask![i] !== 0) values.push(Number(datas[s][b * n + i]));
      if (values.length === 0) continue;
      mask[i] = 255;
      let v: number;
      if (method === "median") {
        values.sort((a, c) => a - c);
        const h = values.length >> 1;
        v = values.length % 2 === 1 ? values[h] : (values[h - 1] + values[h]) / 2;
      } else {
        let sum = 0;
        for (const x of values) sum += x;
        const mean = sum / values.length;
        if (method === "mean") v = mean;
        else {
          let sq = 0;
          for (const x of values) sq += (x - mean) * (x - mean);
          v = Math.sqrt(sq / values.length);
        }
      }
      if (intOut) v = Math.trunc(v);
      (data as unknown as Array<number | bigint>)[b * n + i] = big ? BigInt(v) : v;
    }
  }
  const out: Raster = { width, height, bands, dtype: outType, data, mask };
  if (method !== "stdev" && stack[0].nodata !== undefined) out.nodata = stack[0].nodata;
  return out;
}

/**
 * Checks a pixel selection name; `COG_USAGE` otherwise.
 *
 * @example
 * ```ts
 * checkPixelSelection("mean"); // ok
 * ```
 */
export function checkPixelSelection(method: unknown, methods: readonly string[], url?: string): asserts method is PixelSelection {
  if (typeof method !== "string" || !methods.includes(method)) {
    throw new CogError("COG_USAGE", `unknown pixel selection ${JSON.stringify(method)}: one of ${methods.join(", ")}`, { url });
  }
}


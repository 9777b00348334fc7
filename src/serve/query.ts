import { CogError } from "../errors.js";
import type { WarpMethod } from "../raster/warp-kernels.js";
import type { ColormapName, ColormapTable } from "../render/options.js";
import type { PixelSelection } from "./mosaic-adapter.js";

/**
 * A tile request's query, titiler's names turned into cogread's options.
 *
 * @example
 * ```ts
 * const q = parseTileQuery(new URLSearchParams("bidx=1&rescale=0,3000&colormap_name=terrain"));
 * // { bands: [1], rescale: [[0, 3000]], colormap: "terrain", returnMask: true }
 * ```
 */
export interface TileQuery {
  /** `bidx`: 1-based bands read and drawn, in order. */
  bands?: number[];
  /** `rescale`: one `min,max` for every band, or one per band. */
  rescale?: Array<[number, number]>;
  /** `colormap_name` (a named map) or `colormap` (a JSON table, as titiler takes it). */
  colormap?: ColormapName | ColormapTable;
  /** `resampling`: rasterio's names (`cubic_spline` is cogread's `cubicspline`). */
  resampling?: WarpMethod;
  /** `pixel_selection` (mosaics only): titiler's lower-case names. */
  pixelSelection?: PixelSelection;
  /** `nodata`: pixels equal to it are transparent (`nan`, `inf`, `-inf` accepted). */
  nodata?: number;
  /** `return_mask` (default true): false draws every pixel opaque. */
  returnMask: boolean;
}

/** The colormaps `colormap_name` accepts (cogread/render's, with their `_r`). */
const COLORMAPS = ["gray", "viridis", "magma", "terrain", "rdylgn"].flatMap((n) => [n, `${n}_r`]) as ColormapName[];

/** rasterio's resampling names (titiler's `resampling`) → gdalwarp's as cogread spells them. */
const RESAMPLING: Record<string, WarpMethod> = {
  nearest: "nearest", bilinear: "bilinear", cubic: "cubic", cubic_spline: "cubicspline", cubicspline: "cubicspline",
  lanczos: "lanczos", average: "average", mode: "mode", max: "max", min: "min", med: "med", q1: "q1", q3: "q3", rms: "rms",
};

/** titiler's `pixel_selection` values (its `lastbandhight` spelling too) → MosaicReader's. */
const PIXEL_SELECTION: Record<string, PixelSelection> = {
  first: "first", highest: "highest", lowest: "lowest", mean: "mean", median: "median", stdev: "stdev", count: "count",
  lastbandhigh: "lastBandHigh", lastbandhight: "lastBandHigh", lastbandlow: "lastBandLow",
};

/**
 * Reads titiler's tile query parameters: `bidx` (repeated, or a comma list), `rescale`
 * (`min,max`, repeated per band), `colormap_name`, `colormap` (JSON), `resampling`,
 * `pixel_selection`, `nodata`, `return_mask`. Other parameters are ignored, as titiler ignores
 * them. A malformed value is `COG_USAGE` naming the parameter and the value.
 *
 * @example
 * ```ts
 * parseTileQuery(new URLSearchParams("bidx=3,2,1&rescale=0,255&resampling=bilinear"));
 * ```
 */
export function parseTileQuery(params: URLSearchParams): TileQuery {
  const q: TileQuery = { returnMask: true };
  const bidx = params.getAll("bidx").flatMap((v) => v.split(","));
  if (bidx.length > 0) q.bands = bidx.map((v) => positiveInteger("bidx", v));
  const rescale = params.getAll("rescale");
  if (rescale.length > 0) q.rescale = rescale.map(parseRange);
  const name = single(params, "colormap_name");
  const table = single(params, "colormap");
  if (name !== undefined && table !== undefined) throw usage("give colormap_name or colormap, not both");
  if (name !== undefined) {
    const lower = name.toLowerCase() as ColormapName;
    if (!COLORMAPS.includes(lower)) throw usage(`colormap_name must be one of ${COLORMAPS.join(", ")}, not ${JSON.stringify(name)}`);
    q.colormap = lower;
  }
  if (table !== undefined) q.colormap = parseColormapTable(table);
  const resampling = single(params, "resampling");
  if (resampling !== undefined) q.resampling = lookUp("resampling", RESAMPLING, resampling);
  const selection = single(params, "pixel_selection");
  if (selection !== undefined) q.pixelSelection = lookUp("pixel_selection", PIXEL_SELECTION, selection.toLowerCase());
  const nodata = single(params, "nodata");
  if (nodata !== undefined) q.nodata = parseNodata(nodata);
  const mask = single(params, "return_mask");
  if (mask !== undefined) q.returnMask = parseBoolean("return_mask", mask);
  return q;
}

/**
 * A query without the parameters that belong to one response and not to tiles (`tile_format`,
 * `tile_scale`, `dataset`), in a stable order: what TileJSON passes through to its tile URL, and
 * what a tile's ETag hashes.
 *
 * @example
 * ```ts
 * passThrough(new URLSearchParams("tile_format=webp&rescale=0,1")); // "rescale=0%2C1"
 * ```
 */
export function passThrough(params: URLSearchParams, drop: readonly string[] = ["tile_format", "tile_scale", "dataset"]): string {
  const kept = new URLSearchParams([...params].filter(([k]) => !drop.includes(k)));
  kept.sort();
  return kept.toString();
}

function usage(message: string): CogError {
  return new CogError("COG_USAGE", message);
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw usage(`${name} given ${all.length} times`);
  return all[0];
}

function lookUp<T>(name: string, table: Record<string, T>, value: string): T {
  if (!Object.hasOwn(table, value)) throw usage(`${name} must be one of ${Object.keys(table).join(", ")}, not ${JSON.stringify(value)}`);
  return table[value];
}

function positiveInteger(name: string, v: string): number {
  const n = Number(v.trim());
  if (v.trim() === "" || !Number.isSafeInteger(n) || n < 1) throw usage(`${name} takes 1-based band numbers, not ${JSON.stringify(v)}`);
  return n;
}

function parseRange(v: string): [number, number] {
  const parts = v.split(",").map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== 2 || parts.some((s) => s === "") || !nums.every(Number.isFinite)) throw usage(`rescale takes min,max, not ${JSON.stringify(v)}`);
  return [nums[0], nums[1]];
}

function parseNodata(v: string): number {
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
  const lower = v.trim().toLowerCase();
  if (Object.hasOwn(special, lower)) return special[lower];
  const n = Number(lower);
  if (lower === "" || !Number.isFinite(n)) throw usage(`nodata must be a number (or nan, inf, -inf), not ${JSON.stringify(v)}`);
  return n;
}

function parseBoolean(name: string, v: string): boolean {
  const lower = v.toLowerCase();
  if (["true", "1", "yes"].includes(lower)) return true;
  if (["false", "0", "no"].includes(lower)) return false;
  throw usage(`${name} must be true or false, not ${JSON.stringify(v)}`);
}

/**
 * titiler's `colormap` parameter: JSON, an object `{"value": [r, g, b, a]}` or a list of
 * intervals `[[[min, max], [r, g, b, a]], …]`. cogread/render checks the colours when it draws.
 */
function parseColormapTable(v: string): ColormapTable {
  let table: unknown;
  try {
    table = JSON.parse(v);
  } catch {
    throw usage(`colormap must be JSON ({"value": [r, g, b, a]} or [[[min, max], [r, g, b, a]], …]), not ${JSON.stringify(v.slice(0, 80))}`);
  }
  if (table === null || typeof table !== "object") throw usage(`colormap must be a JSON object or array, not ${JSON.stringify(v.slice(0, 80))}`);
  return table as ColormapTable;
}

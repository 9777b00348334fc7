import type { CogError } from "../errors.js";
import type { Raster } from "../raster/raster.js";

/**
 * A MosaicJSON document (spec 0.0.3, https://github.com/developmentseed/mosaicjson-spec), as
 * cogeo-mosaic writes it: a quadkey index of the COGs (assets) under each tile of zoom
 * `quadkey_zoom` (default `minzoom`) of the WebMercatorQuad grid.
 *
 * @example
 * ```ts
 * const doc: MosaicJSON = {
 *   mosaicjson: "0.0.3", version: "1.0.0", minzoom: 7, maxzoom: 12, quadkey_zoom: 7,
 *   bounds: [-10, 50, -8, 52], center: [-9, 51, 7],
 *   tiles: { "0313102": ["s3://bucket/a.tif", "s3://bucket/b.tif"] },
 * };
 * ```
 */
export interface MosaicJSON {
  /** Spec version: "0.0.3" for documents cogread writes. */
  mosaicjson: string;
  name?: string;
  description?: string;
  /** The document's own version, "1.0.0" when created. */
  version?: string;
  attribution?: string;
  minzoom: number;
  maxzoom: number;
  /** Zoom of the quadkeys in `tiles` (default `minzoom`). */
  quadkey_zoom?: number;
  /** `[west, south, east, north]` in degrees. */
  bounds: [number, number, number, number];
  /** `[lon, lat, zoom]`. */
  center?: [number, number, number];
  /** Assets (URLs or paths) by quadkey, in the order they are read. */
  tiles: Record<string, string[]>;
  /** Prepended to every asset when read (0.0.3). */
  asset_prefix?: string;
  asset_type?: string;
  data_type?: string;
  /** Other 0.0.3 members (`tilematrixset`, `colormap`, `layers`) are kept as they are. */
  [member: string]: unknown;
}

/**
 * How a mosaic tile picks each pixel from its assets' tiles, as rio-tiler names the methods
 * (titiler's `pixel_selection`):
 * - `first`: the first valid pixel, in the assets' order; stops reading once every pixel is filled.
 * - `highest` / `lowest`: the highest / lowest valid value, band by band.
 * - `mean` / `median`: of the valid values, in float64, cast back to the assets' dtype
 *   (integers truncated, as numpy's `astype`).
 * - `stdev`: population standard deviation of the valid values (float64; float32 for float32 data).
 * - `count`: one band, the number of assets valid at each pixel (uint8), every pixel valid.
 * - `lastBandHigh` / `lastBandLow`: the pixel of the asset whose last band is highest / lowest;
 *   the last band is left out of the result.
 *
 * @example
 * ```ts
 * const method: PixelSelection = "median";
 * ```
 */
export type PixelSelection = "first" | "highest" | "lowest" | "mean" | "median" | "stdev" | "count" | "lastBandHigh" | "lastBandLow";

/**
 * Every {@link PixelSelection} method, in rio-tiler's order.
 *
 * @example
 * ```ts
 * PIXEL_SELECTION_METHODS.includes("mean"); // true
 * ```
 */
export const PIXEL_SELECTION_METHODS: readonly PixelSelection[] = ["first", "highest", "lowest", "mean", "median", "stdev", "count", "lastBandHigh", "lastBandLow"];

/**
 * A map tile made from a mosaic's assets: the pixels, and which assets were used and which failed.
 *
 * @example
 * ```ts
 * const t: MosaicTile = await mosaic.tile(8200, 5400, 14);
 * console.log(t.assets.used, t.assets.failed.map((f) => f.error.code));
 * ```
 */
export interface MosaicTile extends Raster {
  assets: {
    /** Assets whose tile went into the result, in the order they were fed. */
    used: string[];
    /** Assets that could not be read (a tile outside an asset is neither used nor failed). */
    failed: Array<{ url: string; error: CogError }>;
  };
}

/**
 * What one asset holds at a point ({@link MosaicReader.point}): its values and mask, or the error.
 *
 * @example
 * ```ts
 * const p: MosaicPoint = { url: "a.tif", values: [12, 40], mask: 255 };
 * ```
 */
export interface MosaicPoint {
  url: string;
  values?: number[];
  /** 255 valid, 0 invalid (nodata or mask). */
  mask?: number;
  error?: CogError;
}

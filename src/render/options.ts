/**
 * The named colormaps, as matplotlib defines them (`_r`: reversed, matplotlib's own table).
 * Names are matched without regard to case (`"RdYlGn"` is `"rdylgn"`).
 *
 * @example
 * ```ts
 * const name: ColormapName = "viridis_r";
 * ```
 */
export type ColormapName = "gray" | "viridis" | "magma" | "terrain" | "rdylgn" | "gray_r" | "viridis_r" | "magma_r" | "terrain_r" | "rdylgn_r";

/**
 * A colour: red, green, blue and optionally alpha, each 0–255 (alpha 255 when left out).
 *
 * @example
 * ```ts
 * const water: RenderColor = [0, 90, 200, 255];
 * ```
 */
export type RenderColor = readonly [number, number, number] | readonly [number, number, number, number];

/**
 * A colormap of your own, in one of titiler's forms:
 * - an array of up to 256 colours, indexed by the pixel's 8-bit value (after `rescale`);
 * - an object `{ value: color }`: pixels equal to a value take its colour, others are transparent;
 * - an array of intervals `[[min, max], color]`: pixels with `min <= value < max` take the colour
 *   of the first interval that holds them, others are transparent.
 * Values of the object and interval forms are the band's own values, or its 0–255 values when
 * `rescale` is given.
 *
 * @example
 * ```ts
 * const classes: ColormapTable = { 1: [0, 128, 0], 2: [255, 255, 0], 3: [200, 0, 0, 255] };
 * const ramp: ColormapTable = Array.from({ length: 256 }, (_, i) => [i, 0, 255 - i] as const);
 * const depth: ColormapTable = [[[-Infinity, 0], [0, 0, 255]], [[0, 100], [0, 255, 0]]];
 * ```
 */
export type ColormapTable =
  | readonly RenderColor[]
  | Readonly<Record<number, RenderColor>>
  | ReadonlyArray<readonly [readonly [number, number], RenderColor]>;

/**
 * Output formats of {@link render}: PNG (lossless, own writer), JPEG (jpeg-js; no transparency:
 * masked pixels are black) or WebP (lossy, libwebp in WebAssembly; keeps transparency).
 *
 * @example
 * ```ts
 * const format: RenderFormat = "png";
 * ```
 */
export type RenderFormat = "png" | "jpeg" | "webp";

/**
 * How {@link render} turns a raster into an image. Defaults follow rio-tiler/titiler (README,
 * "Rendering").
 *
 * @example
 * ```ts
 * const options: RenderOptions = { bands: [4, 3, 2], rescale: [[0, 3000]], format: "png" };
 * ```
 */
export interface RenderOptions {
  /**
   * 1-based bands to draw: one (gray, or a colormap), two (gray + alpha), three (RGB) or four
   * (RGBA). Default: band 1 for a raster of 1 or 2 bands, bands 1–3 for 3 or more (an alpha band
   * of the file is already the raster's `mask`).
   */
  bands?: readonly number[];
  /**
   * `[min, max]` of each band, stretched linearly to 0–255 and clamped (`min > max` inverts the
   * ramp): one range for every band, or one per band. Default: uint8 values as they are; other
   * dtypes stretch their dtype's whole range (as titiler does), so give it for 16-bit and float data.
   */
  rescale?: ReadonlyArray<readonly [number, number]>;
  /** A named colormap or a table of your own, for one band. Default: the file's palette, if any. */
  colormap?: ColormapName | ColormapTable;
  /** Default `"png"`. */
  format?: RenderFormat;
  /** Pixels whose drawn bands all equal this are transparent. Default: the raster's `nodata`. */
  nodata?: number;
  /** JPEG and WebP quality, 1–100. Default 75 (GDAL's, and libwebp's). */
  quality?: number;
  /** Cancels the call (`COG_ABORT`). */
  signal?: AbortSignal;
}

import type { TypedArray } from "../decode/samples.js";
import type { DType } from "../tiff/dtype.js";

/**
 * Pixels of a tile or window, band-sequential: band `b` starts at `b × width × height`, and
 * pixel (col, row) of band b is `data[b*width*height + row*width + col]` (complex dtypes hold
 * two values, re then im, per pixel).
 *
 * @example
 * ```ts
 * const tile = await cog.getTile(0, 0, 0);
 * const red00 = tile.data[0];
 * const valid = tile.mask ? tile.mask[0] === 255 : true;
 * ```
 */
export interface Raster {
  width: number;
  height: number;
  bands: number;
  dtype: DType;
  data: TypedArray;
  /** 255 valid, 0 invalid (alpha bands give their own 0–255 values, as GDAL's mask does). */
  mask?: Uint8Array;
  /** The nodata value of the file, when it has one. */
  nodata?: number;
  /** TIFF ColorMap of a palette image: red, then green, then blue entries, 16-bit each. */
  colormap?: Uint16Array;
}

import { CogError } from "../errors.js";
import type { Raster } from "../raster/raster.js";

/**
 * The 0-based bands {@link render} draws: the 1-based `bands` option checked against the raster,
 * or the default: band 1 of a raster with 1 or 2 bands (gray, or gray and alpha), bands 1–3 of
 * one with more (RGB; a fourth band that is the file's alpha is already the raster's mask, as
 * rio-tiler reads the non-alpha bands and takes the alpha band as the mask).
 *
 * @example
 * ```ts
 * selectBands({ bands: 4 } as Raster, undefined); // [0, 1, 2]
 * selectBands({ bands: 4 } as Raster, [4, 3, 2]); // [3, 2, 1]
 * ```
 */
export function selectBands(raster: Raster, bands: readonly number[] | undefined): number[] {
  if (bands === undefined) return raster.bands < 3 ? [0] : [0, 1, 2];
  if (!Array.isArray(bands) || bands.length < 1 || bands.length > 4) {
    throw new CogError("COG_USAGE", `render: bands must list 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA) bands, not ${JSON.stringify(bands)}`);
  }
  return bands.map((b) => {
    if (!Number.isInteger(b) || b < 1 || b > raster.bands) {
      throw new CogError("COG_USAGE", `render: band ${JSON.stringify(b)} is out of range: bands are 1-based and the raster has ${raster.bands}`);
    }
    return b - 1;
  });
}

import { CogError } from "../errors.js";
import { allocate, componentsOf } from "../decode/samples.js";
import type { Raster } from "./raster.js";

/**
 * A raster with only the given 1-based bands, in that order (the mask is kept).
 *
 * @example
 * ```ts
 * const rgb = selectBands(rgba, [1, 2, 3]);
 * ```
 */
export function selectBands(raster: Raster, bands: readonly number[], url?: string): Raster {
  const pixels = raster.width * raster.height * componentsOf(raster.dtype);
  for (const b of bands) {
    if (!Number.isInteger(b) || b < 1 || b > raster.bands) {
      throw new CogError("COG_USAGE", `band ${b} does not exist (1–${raster.bands})`, { url });
    }
  }
  const data = allocate(raster.dtype, pixels * bands.length);
  bands.forEach((b, i) => (data as Uint8Array).set((raster.data as Uint8Array).subarray((b - 1) * pixels, b * pixels), i * pixels));
  return { ...raster, bands: bands.length, data };
}

import type { Raster } from "../raster/raster.js";

/**
 * The alpha of each pixel: the raster's mask (255 valid, 0 invalid, or an alpha band's values),
 * and 0 where every drawn band equals `nodata` (NaN matches NaN) or any drawn band is NaN.
 * `undefined` when every pixel is opaque.
 *
 * @example
 * ```ts
 * const alpha = alphaOf(raster, [bandValues(raster, 0)], -9999);
 * ```
 */
export function alphaOf(raster: Raster, bands: ReadonlyArray<ArrayLike<number>>, nodata: number | undefined): Uint8Array | undefined {
  const n = raster.width * raster.height;
  let alpha: Uint8Array | undefined = raster.mask ? raster.mask.slice(0, n) : undefined;
  const float = raster.dtype.startsWith("float");
  if (nodata !== undefined || float) {
    const isNodata = nodata === undefined ? () => false : Number.isNaN(nodata) ? (v: number) => v !== v : (v: number) => v === nodata;
    for (let i = 0; i < n; i++) {
      let all = true;
      let nan = false;
      for (const band of bands) {
        const v = band[i];
        if (!isNodata(v)) all = false;
        if (v !== v) nan = true;
      }
      if ((all && nodata !== undefined) || nan) (alpha ??= new Uint8Array(n).fill(255))[i] = 0;
    }
  }
  return alpha !== undefined && alpha.every((a) => a === 255) ? undefined : alpha;
}

import { allocateFilled, componentsOf } from "../decode/samples.js";
import type { TiffDataset } from "../tiff/dataset.js";
import type { ImageInfo } from "../tiff/image.js";
import type { Raster } from "./raster.js";

/**
 * A tile of `image`'s size filled with the nodata value (or 0), with mask 0: what a boundless
 * read returns outside the image.
 *
 * @example
 * ```ts
 * const outside = emptyTile(cog.dataset, cog.ifds[0]);
 * ```
 */
export function emptyTile(dataset: TiffDataset, image: ImageInfo): Raster {
  const pixels = image.tileWidth * image.tileHeight;
  const data = allocateFilled(image.dtype, pixels * image.bands * componentsOf(image.dtype), dataset.nodata ?? 0);
  const raster: Raster = { width: image.tileWidth, height: image.tileHeight, bands: image.bands, dtype: image.dtype, data, mask: new Uint8Array(pixels) };
  if (dataset.nodata !== undefined) raster.nodata = dataset.nodata;
  return raster;
}

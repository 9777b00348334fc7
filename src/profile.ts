import type { DType } from "./tiff/dtype.js";
import type { TiffDataset } from "./tiff/dataset.js";

/**
 * A rasterio-style profile of the full-resolution image. `transform` is in rasterio's Affine
 * order `[a, b, c, d, e, f]`: `x = a*col + b*row + c`, `y = d*col + e*row + f`.
 *
 * @example
 * ```ts
 * const { width, height, count, dtype, crs, transform } = cog.profile;
 * ```
 */
export interface Profile {
  driver: "GTiff";
  width: number;
  height: number;
  /** Number of bands. */
  count: number;
  dtype: DType;
  transform: [number, number, number, number, number, number] | null;
  /** `EPSG:<code>` when known, else a proj4 definition, else null. */
  crs: string | null;
  nodata: number | null;
  blockxsize: number;
  blockysize: number;
  tiled: boolean;
  /** Compression name, or null for uncompressed data. */
  compress: string | null;
  /** `pixel` (PlanarConfiguration 1) or `band` (2). */
  interleave: "pixel" | "band";
  photometric: string;
  /** Bits per sample when not the dtype's full width (1, 2, 4, 12…). */
  nbits?: number;
  /** Predictor when one is set (2 or 3). */
  predictor?: number;
}

/**
 * Builds the {@link Profile} of a parsed dataset.
 *
 * @example
 * ```ts
 * const profile = buildProfile(cog.dataset);
 * ```
 */
export function buildProfile(ds: TiffDataset): Profile {
  const img = ds.images[0];
  const gt = ds.transform;
  const profile: Profile = {
    driver: "GTiff",
    width: img.width,
    height: img.height,
    count: img.bands,
    dtype: img.dtype,
    transform: gt ? [gt[1], gt[2], gt[0], gt[4], gt[5], gt[3]] : null,
    crs: ds.crs.epsg !== undefined ? `EPSG:${ds.crs.epsg}` : (ds.crs.proj4 ?? null),
    nodata: ds.nodata ?? null,
    blockxsize: img.tileWidth,
    blockysize: img.tileHeight,
    tiled: img.tiled,
    compress: img.compression === "none" ? null : img.compression,
    interleave: img.planar === 2 ? "band" : "pixel",
    photometric: img.photometric,
  };
  if (img.bitsPerSample % 8 !== 0) profile.nbits = img.bitsPerSample;
  if (img.predictor !== 1) profile.predictor = img.predictor;
  return profile;
}

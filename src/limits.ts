import { CogError, type CogErrorContext } from "./errors.js";
import type { CogLimits } from "./options.js";
import type { DType } from "./tiff/dtype.js";

const BYTES: Record<DType, number> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, uint64: 8, int64: 8,
  float16: 4, float32: 4, float64: 8, complex_int16: 4, complex_int32: 8, complex64: 8, complex128: 16,
};

/**
 * Bytes of a band-sequential raster of `width × height × bands` values of `dtype` in memory
 * (float16 is held as float32), plus its one-byte-per-pixel mask.
 *
 * @example
 * ```ts
 * rasterBytes({ width: 256, height: 256, bands: 3, dtype: "uint8" }); // 262144
 * ```
 */
export function rasterBytes(shape: { width: number; height: number; bands: number; dtype: DType }): number {
  const pixels = shape.width * shape.height;
  return pixels * shape.bands * BYTES[shape.dtype] + pixels;
}

/**
 * Refuses, before anything is fetched or allocated, a raster larger than `limits[limit]`:
 * `COG_LIMIT` naming the limit, the size and `what` it is. Sizes that are not finite
 * non-negative numbers (a product of broken fields) are refused the same way.
 *
 * @example
 * ```ts
 * checkRasterSize({ width: 512, height: 512, bands: 3, dtype: "uint8" }, limits, "maxWindowBytes", "window", { url });
 * ```
 */
export function checkRasterSize(
  shape: { width: number; height: number; bands: number; dtype: DType },
  limits: Pick<CogLimits, "maxTileBytes" | "maxWindowBytes">,
  limit: "maxTileBytes" | "maxWindowBytes",
  what: string,
  context: CogErrorContext,
): void {
  const bytes = rasterBytes(shape);
  if (Number.isFinite(bytes) && bytes >= 0 && bytes <= limits[limit]) return;
  const size = `${shape.width}x${shape.height}x${shape.bands} ${shape.dtype}`;
  throw new CogError("COG_LIMIT", `${what} of ${size} needs ${bytes} bytes, over ${limit} (${limits[limit]})`, { ...context, limit });
}

/**
 * {@link checkRasterSize} for one decoded tile (or strip) of `image`, against `maxTileBytes`.
 *
 * @example
 * ```ts
 * checkTileSize(cog.ifds[0], limits, { url, z: 0, x: 3, y: 5 });
 * ```
 */
export function checkTileSize(
  image: { tileWidth: number; tileHeight: number; bands: number; dtype: DType; ifdIndex: number },
  limits: Pick<CogLimits, "maxTileBytes" | "maxWindowBytes">,
  context: CogErrorContext,
): void {
  const shape = { width: image.tileWidth, height: image.tileHeight, bands: image.bands, dtype: image.dtype };
  checkRasterSize(shape, limits, "maxTileBytes", "tile", { ...context, ifd: image.ifdIndex });
}

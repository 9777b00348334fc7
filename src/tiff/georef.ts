import type { Ifd } from "./ifd.js";
import { TAG } from "./tags.js";

/**
 * An affine geotransform in GDAL's order: `[originX, pixelWidth, rowRotation, originY,
 * columnRotation, pixelHeight]`. Pixel (col, row) has its top-left corner at
 * `x = gt[0] + col*gt[1] + row*gt[2]`, `y = gt[3] + col*gt[4] + row*gt[5]`.
 *
 * @example
 * ```ts
 * const [x0, xres, , y0, , yres] = cog.geoTransform!;
 * ```
 */
export type GeoTransform = [number, number, number, number, number, number];

/**
 * A ground control point from a ModelTiepoint with several points (GeoTIFF 1.1 §7.2.2).
 *
 * @example
 * ```ts
 * const { col, row, x, y } = cog.gcps[0];
 * ```
 */
export interface Gcp {
  col: number;
  row: number;
  x: number;
  y: number;
  z: number;
}

/**
 * The raster-to-model georeferencing of the first image, read the way GDAL reads it
 * (GTiffDataset::LookForProjection): ModelPixelScale + one ModelTiepoint, else
 * ModelTransformation, else tie points as GCPs. With `pixelIsPoint` (GTRasterTypeGeoKey = 2) the
 * transform is moved half a pixel up-left so that it describes pixel corners, as GDAL does
 * unless GTIFF_POINT_GEO_IGNORE is set.
 *
 * @example
 * ```ts
 * const { transform, gcps } = readGeoreference(ifd, false);
 * ```
 */
export function readGeoreference(
  ifd: Ifd,
  pixelIsPoint: boolean,
  image: { width: number; height: number; warnings: string[] },
): { transform?: GeoTransform; gcps: Gcp[] } {
  const { warnings } = image;
  const scale = ifd.numbers(TAG.ModelPixelScale);
  const ties = ifd.numbers(TAG.ModelTiepoint) ?? [];
  const matrix = ifd.numbers(TAG.ModelTransformation);
  let transform: GeoTransform | undefined;
  if (scale !== undefined && scale.length >= 2 && scale[0] !== 0 && scale[1] !== 0 && ties.length >= 6) {
    const gt: GeoTransform = [0, scale[0], 0, 0, 0, -scale[1]];
    gt[0] = ties[3] - ties[0] * gt[1];
    gt[3] = ties[4] - ties[1] * gt[5];
    transform = gt;
  } else if (matrix !== undefined && matrix.length === 16) {
    transform = [matrix[3], matrix[0], matrix[1], matrix[7], matrix[4], matrix[5]];
  } else if (ties.length >= 6) {
    const gcps: Gcp[] = [];
    for (let i = 0; i + 6 <= ties.length; i += 6) {
      const gcp = { col: ties[i], row: ties[i + 1], x: ties[i + 3], y: ties[i + 4], z: ties[i + 5] };
      if ([gcp.col, gcp.row, gcp.x, gcp.y, gcp.z].every(Number.isFinite)) gcps.push(gcp);
    }
    const dropped = Math.floor(ties.length / 6) - gcps.length;
    if (dropped > 0) warnings.push(`${dropped} tie points with non-finite values ignored`);
    return { gcps };
  }
  if (transform !== undefined && !usableTransform(transform, image)) {
    warnings.push(`geotransform [${transform.join(", ")}] is not finite or not invertible: the image is read without georeferencing`);
    return { gcps: [] };
  }
  if (transform !== undefined && pixelIsPoint) {
    transform[0] -= transform[1] * 0.5 + transform[2] * 0.5;
    transform[3] -= transform[4] * 0.5 + transform[5] * 0.5;
  }
  return { transform, gcps: [] };
}

/**
 * Whether a geotransform can place the pixels of a `width`×`height` image: every term finite,
 * the 2×2 part invertible (GDAL's GDALInvGeoTransform refuses a zero determinant) and the
 * image's corners finite. A transform that fails this gives no georeferencing at all, so no
 * later geo call meets NaN or infinity.
 *
 * @example
 * ```ts
 * usableTransform([0, 1, 0, 10, 0, -1], { width: 10, height: 10 }); // true
 * usableTransform([0, Infinity, 0, 10, 0, -1], { width: 10, height: 10 }); // false
 * ```
 */
export function usableTransform(gt: GeoTransform, size: { width: number; height: number }): boolean {
  if (!gt.every(Number.isFinite)) return false;
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  if (!Number.isFinite(det) || det === 0 || !Number.isFinite(1 / det)) return false;
  return transformBounds(gt, size.width, size.height).every(Number.isFinite);
}

/**
 * The bounds `[minX, minY, maxX, maxY]` covered by a `width`×`height` raster under `gt`.
 *
 * @example
 * ```ts
 * transformBounds([0, 1, 0, 10, 0, -1], 10, 10); // [0, 0, 10, 10]
 * ```
 */
export function transformBounds(gt: GeoTransform, width: number, height: number): [number, number, number, number] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [c, r] of [[0, 0], [width, 0], [0, height], [width, height]]) {
    xs.push(gt[0] + c * gt[1] + r * gt[2]);
    ys.push(gt[3] + c * gt[4] + r * gt[5]);
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

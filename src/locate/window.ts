import { CogError } from "../errors.js";
import type { GeoTransform } from "../tiff/georef.js";

/**
 * A pixel rectangle of one image level: `x`/`y` are the column/row of its top-left corner,
 * `width`/`height` its size. Fractional from {@link boundsToWindow}, integer from
 * {@link coveringPixels}.
 *
 * @example
 * ```ts
 * const win: PixelRect = { x: 10.5, y: 0, width: 256, height: 128.25 };
 * ```
 */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A size in pixels. */
type Size = { width: number; height: number };

/**
 * How close to an integer a window edge must be to count as on it. Bounds → pixel maths leaves
 * errors of ~1e-9 px (e.g. 3.0000000000004), which plain floor/ceil would turn into one more
 * row or column. aiocogeo uses the same 1e-6 (`math.floor((tlx + 1e-6) / tile_width)`).
 */
const EDGE_EPSILON = 1e-6;

/**
 * The fractional pixel window of image level `level` that covers `bounds`
 * (`[minX, minY, maxX, maxY]` in the file's CRS). `transform` is the full-resolution
 * geotransform and `full` the full-resolution size: an overview's pixels are
 * `full.width / level.width` (and `full.height / level.height`) times larger, with the same
 * origin, which is how GDAL georeferences overviews (the factor is not rounded). The window is
 * not clipped to the level. Only north-up (unrotated) transforms are handled: a rotated one
 * throws `COG_UNSUPPORTED`. Pure.
 *
 * @example
 * ```ts
 * boundsToWindow([10, 80, 30, 90], [0, 1, 0, 100, 0, -1], { width: 50, height: 50 }, { width: 100, height: 100 });
 * // { x: 5, y: 5, width: 10, height: 5 }
 * ```
 */
export function boundsToWindow(
  bounds: readonly [number, number, number, number],
  transform: GeoTransform,
  level: Size,
  full: Size,
): PixelRect {
  const [minX, minY, maxX, maxY] = bounds;
  if (!bounds.every(Number.isFinite) || maxX < minX || maxY < minY) {
    throw new CogError("COG_USAGE", `bounds must be finite [minX, minY, maxX, maxY], got [${bounds.join(", ")}]`);
  }
  checkSize(level, "level");
  checkSize(full, "full-resolution image");
  const [x0, xRes, rowRot, y0, colRot, yRes] = transform;
  if (rowRot !== 0 || colRot !== 0) {
    throw new CogError("COG_UNSUPPORTED", `rotated geotransforms are not supported (rotation terms ${rowRot}, ${colRot})`);
  }
  if (!Number.isFinite(xRes) || !Number.isFinite(yRes) || xRes === 0 || yRes === 0) {
    throw new CogError("COG_USAGE", `geotransform pixel size must be finite and non-zero, got ${xRes} x ${yRes}`);
  }
  // Overview pixel size as GDAL's overview datasets give it: the full-resolution size times
  // full/overview size per axis. The arithmetic follows gdal_translate's -projwin (offset from
  // the origin over the pixel size; size from the bounds' extent) so that windows match GDAL's
  // to the last bit.
  const px = xRes * (full.width / level.width);
  const py = yRes * (full.height / level.height);
  const x = px > 0 ? (minX - x0) / px : (maxX - x0) / px;
  const y = py < 0 ? (maxY - y0) / py : (minY - y0) / py;
  return { x, y, width: (maxX - minX) / Math.abs(px), height: (maxY - minY) / Math.abs(py) };
}

/**
 * The integer window that holds every pixel a fractional window touches: `floor` of the
 * top-left, `ceil` of the bottom-right (an edge within 1e-6 px of an integer counts as on it),
 * grown by `margin` pixels on every side for a resampling kernel (1 for bilinear, 2 for cubic…).
 * Not clipped: use {@link clipWindow} for that. Pure.
 *
 * @example
 * ```ts
 * coveringPixels({ x: 2.5, y: 3, width: 4, height: 1.2 });    // { x: 2, y: 3, width: 5, height: 2 }
 * coveringPixels({ x: 2.5, y: 3, width: 4, height: 1.2 }, 1); // { x: 1, y: 2, width: 7, height: 4 }
 * ```
 */
export function coveringPixels(win: PixelRect, margin = 0): PixelRect {
  if (!Number.isInteger(margin) || margin < 0) throw new CogError("COG_USAGE", `margin must be an integer >= 0, got ${margin}`);
  if (![win.x, win.y, win.width, win.height].every(Number.isFinite) || win.width < 0 || win.height < 0) {
    throw new CogError("COG_USAGE", `window must be finite with a non-negative size, got ${JSON.stringify(win)}`);
  }
  const x0 = snapFloor(win.x) - margin;
  const y0 = snapFloor(win.y) - margin;
  const x1 = snapCeil(win.x + win.width) + margin;
  const y1 = snapCeil(win.y + win.height) + margin;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * True when `win` lies entirely inside a `level.width` × `level.height` image. Pure.
 *
 * @example
 * ```ts
 * windowInside({ x: 0, y: 0, width: 10, height: 10 }, { width: 10, height: 10 }); // true
 * windowInside({ x: -1, y: 0, width: 10, height: 10 }, { width: 10, height: 10 }); // false
 * ```
 */
export function windowInside(win: PixelRect, level: Size): boolean {
  return win.x >= 0 && win.y >= 0 && win.x + win.width <= level.width && win.y + win.height <= level.height;
}

/**
 * The part of `win` inside a `level.width` × `level.height` image, or `undefined` when they do
 * not overlap (touching edges do not overlap). Pure.
 *
 * @example
 * ```ts
 * clipWindow({ x: -5, y: 2, width: 10, height: 10 }, { width: 8, height: 8 }); // { x: 0, y: 2, width: 5, height: 6 }
 * ```
 */
export function clipWindow(win: PixelRect, level: Size): PixelRect | undefined {
  const x0 = Math.max(0, win.x);
  const y0 = Math.max(0, win.y);
  const x1 = Math.min(level.width, win.x + win.width);
  const y1 = Math.min(level.height, win.y + win.height);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function snapFloor(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < EDGE_EPSILON ? r : Math.floor(v);
}

function snapCeil(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < EDGE_EPSILON ? r : Math.ceil(v);
}

function checkSize(size: Size, what: string): void {
  if (!(size.width > 0 && size.height > 0 && Number.isFinite(size.width) && Number.isFinite(size.height))) {
    throw new CogError("COG_USAGE", `${what} size must be positive, got ${size.width}x${size.height}`);
  }
}

import { CogError } from "../errors.js";
import type { GeoTransform } from "../tiff/georef.js";
import type { PixelWindow } from "./assemble-window.js";
import type { Raster } from "./raster.js";

/**
 * The band values and mask of the full-resolution pixel holding point `[x, y]` (in the image's
 * CRS). Outside the image: `COG_TILE_OUTSIDE`.
 *
 * @example
 * ```ts
 * const { values, mask } = await readPoint(ctx, [404000, 5896000]);
 * ```
 */
export async function readPoint(
  ctx: { transform: GeoTransform; width: number; height: number; url?: string; readWindow(win: PixelWindow, z: number, o: { signal?: AbortSignal }): Promise<Raster> },
  [x, y]: [number, number],
  opts: { signal?: AbortSignal } = {},
): Promise<{ values: Array<number | bigint>; mask: number }> {
  const gt = ctx.transform;
  const col = Math.floor((x - gt[0]) / gt[1]);
  const row = Math.floor((y - gt[3]) / gt[5]);
  if (!(col >= 0 && row >= 0 && col < ctx.width && row < ctx.height)) {
    throw new CogError("COG_TILE_OUTSIDE", `point ${x}, ${y} is outside the image`, { url: ctx.url });
  }
  const r = await ctx.readWindow({ x: col, y: row, width: 1, height: 1 }, 0, opts);
  return { values: Array.from({ length: r.bands }, (_, b) => r.data[b]), mask: r.mask?.[0] ?? 255 };
}

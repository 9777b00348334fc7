import { CogError } from "../errors.js";
import { allocateFilled, componentsOf, type TypedArray } from "../decode/samples.js";
import type { ImageInfo } from "../tiff/image.js";
import type { Raster } from "./raster.js";

/**
 * An integer pixel window of an image level: columns `x … x+width-1`, rows `y … y+height-1`.
 * It may reach outside the level (boundless reads).
 *
 * @example
 * ```ts
 * const win: PixelWindow = { x: -10, y: 0, width: 256, height: 256 };
 * ```
 */
export interface PixelWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The tiles `(tx, ty)` of `image` holding image pixels of a pixel window, row by row (pure). The
 * padding of edge tiles does not count: a window past the image's right or bottom edge lists
 * no tile, so a boundless read there costs no request.
 *
 * @example
 * ```ts
 * tilesForWindow(cog.ifds[0], { x: 250, y: 0, width: 10, height: 10 }); // [[0, 0], [1, 0]] with 256 px tiles
 * ```
 */
export function tilesForWindow(image: ImageInfo, win: PixelWindow): Array<[number, number]> {
  // The window clipped to the image, as pixel ranges [px0, px1) and [py0, py1).
  const px0 = Math.max(0, win.x);
  const py0 = Math.max(0, win.y);
  const px1 = Math.min(image.width, win.x + win.width);
  const py1 = Math.min(image.height, win.y + win.height);
  const out: Array<[number, number]> = [];
  if (px0 >= px1 || py0 >= py1) return out;
  const x0 = Math.floor(px0 / image.tileWidth);
  const y0 = Math.floor(py0 / image.tileHeight);
  const x1 = Math.min(image.tilesAcross - 1, Math.floor((px1 - 1) / image.tileWidth));
  const y1 = Math.min(image.tilesDown - 1, Math.floor((py1 - 1) / image.tileHeight));
  for (let ty = y0; ty <= y1; ty++) for (let tx = x0; tx <= x1; tx++) out.push([tx, ty]);
  return out;
}

/**
 * Copies decoded tiles into one raster covering `win`. Pixels outside the level get `fill` and
 * mask 0; inside, the tiles' masks (255 where a tile has none). The result always has a mask.
 *
 * @example
 * ```ts
 * const tiles = new Map([["0,0", await cog.getTile(0, 0, 0)]]);
 * const raster = assembleWindow(cog.ifds[0], win, tiles, { fill: 0 });
 * ```
 */
export function assembleWindow(image: ImageInfo, win: PixelWindow, tiles: ReadonlyMap<string, Raster>, opts: { fill: number; nodata?: number }, into?: WindowTarget): Raster {
  const comps = componentsOf(image.dtype);
  const pixels = win.width * win.height;
  const reuse = into !== undefined && into.data.length >= pixels * image.bands * comps && into.mask.length >= pixels;
  const data = reuse ? into.data.subarray(0, pixels * image.bands * comps) : allocateFilled(image.dtype, pixels * image.bands * comps, opts.fill);
  const mask = reuse ? into.mask.subarray(0, pixels) : new Uint8Array(pixels);
  const parts = clippedTiles(image, win, tiles);
  // Scratch needs the fill only where no tile writes: tiles never overlap, so their clipped areas
  // adding up to the window's means every value and mask byte is written below.
  if (reuse && parts.reduce((n, p) => n + (p.cx1 - p.cx0) * (p.cy1 - p.cy0), 0) < pixels) {
    data.fill((typeof data[0] === "bigint" ? BigInt(Number.isFinite(opts.fill) ? Math.trunc(opts.fill) : 0) : opts.fill) as never);
    mask.fill(0);
  }
  for (const { tile, ox, oy, cx0, cy0, cx1, cy1 } of parts) {
    const span = (cx1 - cx0) * comps;
    if (cx1 - cx0 === tile.width && cx1 - cx0 === win.width) {
      // Whole rows on both sides: each band is one block copy.
      const [srcRow, dstRow, rows] = [(cy0 - oy) * tile.width, (cy0 - win.y) * win.width, cy1 - cy0];
      for (let b = 0; b < image.bands; b++) {
        const src = (b * tile.width * tile.height + srcRow) * comps;
        (data as Uint8Array).set((tile.data as Uint8Array).subarray(src, src + rows * span), (b * pixels + dstRow) * comps);
      }
      if (tile.mask) mask.set(tile.mask.subarray(srcRow, srcRow + rows * tile.width), dstRow);
      else mask.fill(255, dstRow, dstRow + rows * tile.width);
      continue;
    }
    for (let y = cy0; y < cy1; y++) {
      const srcRow = (y - oy) * tile.width + (cx0 - ox);
      const dstRow = (y - win.y) * win.width + (cx0 - win.x);
      for (let b = 0; b < image.bands; b++) {
        const src = (b * tile.width * tile.height + srcRow) * comps;
        const dst = (b * pixels + dstRow) * comps;
        (data as Uint8Array).set((tile.data as Uint8Array).subarray(src, src + span), dst);
      }
      if (tile.mask) mask.set(tile.mask.subarray(srcRow, srcRow + (cx1 - cx0)), dstRow);
      else mask.fill(255, dstRow, dstRow + (cx1 - cx0));
    }
  }
  const raster: Raster = { width: win.width, height: win.height, bands: image.bands, dtype: image.dtype, data, mask };
  if (opts.nodata !== undefined) raster.nodata = opts.nodata;
  return raster;
}

/** Each tile with the part of it inside both the level and the window (tiles with none left out). */
function clippedTiles(image: ImageInfo, win: PixelWindow, tiles: ReadonlyMap<string, Raster>) {
  const out: Array<{ tile: Raster; ox: number; oy: number; cx0: number; cy0: number; cx1: number; cy1: number }> = [];
  for (const [key, tile] of tiles) {
    const [tx, ty] = key.split(",").map(Number);
    const [ox, oy] = [tx * image.tileWidth, ty * image.tileHeight];
    const [cx0, cy0] = [Math.max(ox, win.x, 0), Math.max(oy, win.y, 0)];
    const cx1 = Math.min(ox + image.tileWidth, win.x + win.width, image.width);
    const cy1 = Math.min(oy + image.tileHeight, win.y + win.height, image.height);
    if (cx1 > cx0 && cy1 > cy0) out.push({ tile, ox, oy, cx0, cy0, cx1, cy1 });
  }
  return out;
}

/**
 * Buffers `assembleWindow` may fill instead of allocating (when they are large enough): the
 * caller's scratch space, for a raster it consumes at once.
 *
 * @example
 * ```ts
 * const into: WindowTarget = { data: new Uint8Array(1 << 20), mask: new Uint8Array(1 << 18) };
 * ```
 */
export interface WindowTarget {
  data: TypedArray;
  mask: Uint8Array;
}

/**
 * Fetches (in parallel, through `getTile`) the tiles an integer pixel window of a level touches,
 * and resolves to a function that assembles them ({@link assembleWindow}), into `into` when given: the
 * caller assembles the window when it is ready to use it, without an `await` in between.
 *
 * @example
 * ```ts
 * const assemble = await fetchPixelWindow(cog.ifds[0], win, { fill: 0 }, (x, y) => cog.getTile(x, y, 0));
 * const r = assemble();
 * ```
 */
export async function fetchPixelWindow(
  image: ImageInfo,
  win: PixelWindow,
  opts: { fill: number; nodata?: number; url?: string },
  getTile: (tx: number, ty: number) => Promise<Raster>,
): Promise<(into?: WindowTarget) => Raster> {
  if (![win.x, win.y, win.width, win.height].every(Number.isInteger) || win.width <= 0 || win.height <= 0) {
    throw new CogError("COG_USAGE", `pixel window must be integers with a positive size, got ${JSON.stringify(win)}`, { url: opts.url });
  }
  const tiles = new Map<string, Raster>();
  await Promise.all(
    tilesForWindow(image, win).map(async ([tx, ty]) => {
      tiles.set(`${tx},${ty}`, await getTile(tx, ty));
    }),
  );
  return (into) => assembleWindow(image, win, tiles, opts, into);
}

/**
 * Reads an integer pixel window of a level: fetches the tiles it touches in parallel through
 * `getTile` and assembles them ({@link assembleWindow}).
 *
 * @example
 * ```ts
 * const r = await readPixelWindow(cog.ifds[0], win, { fill: 0 }, (x, y) => cog.getTile(x, y, 0));
 * ```
 */
export async function readPixelWindow(
  image: ImageInfo,
  win: PixelWindow,
  opts: { fill: number; nodata?: number; url?: string },
  getTile: (tx: number, ty: number) => Promise<Raster>,
): Promise<Raster> {
  return (await fetchPixelWindow(image, win, opts, getTile))();
}

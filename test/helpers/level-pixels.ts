import type { COGReader } from "../../src/index.js";
import type { Raster } from "../../src/raster/raster.js";
import { GdalChecksum } from "./checksum.js";

const FLOATING = new Set(["float16", "float32", "float64", "complex64", "complex128"]);

/**
 * GDAL checksums of every band of level z, reading the level one row of tiles at a time.
 * Sparse all-zero tiles are skipped cheaply. Also returns the rasters of the tile rows that
 * hold `rows` (for window checks).
 */
export async function levelChecksums(cog: COGReader, z: number, opts: { int8AsByte?: boolean } = {}): Promise<number[]> {
  const img = cog.ifds[z];
  const comps = img.dtype.startsWith("complex") ? 2 : 1;
  const sums = Array.from({ length: img.bands }, () => new GdalChecksum(FLOATING.has(img.dtype)));
  for (let ty = 0; ty < img.tilesDown; ty++) {
    const tiles: Raster[] = [];
    for (let tx = 0; tx < img.tilesAcross; tx++) tiles.push(await cog.getTile(tx, ty, z));
    const rows = Math.min(img.tileHeight, img.height - ty * img.tileHeight);
    for (let r = 0; r < rows; r++) {
      for (let b = 0; b < img.bands; b++) {
        for (let tx = 0; tx < img.tilesAcross; tx++) {
          const t = tiles[tx];
          const cols = Math.min(img.tileWidth, img.width - tx * img.tileWidth);
          const start = (b * t.width * t.height + r * t.width) * comps;
          // GDAL 3.6 has no Int8 type: it checksums signed bytes as Byte.
          const data = opts.int8AsByte ? new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.length) : t.data;
          sums[b].add(data as ArrayLike<number>, start, start + cols * comps);
        }
      }
    }
  }
  return sums.map((s) => s.value);
}

/** Pixels of a window of level z as [band][row][col] numbers, and the mask as [row][col]. */
export async function levelWindow(
  cog: COGReader,
  z: number,
  win: { xoff: number; yoff: number; xsize: number; ysize: number },
): Promise<{ values: Array<Array<Array<number | bigint>>>; mask: Array<Array<number | undefined>> }> {
  const img = cog.ifds[z];
  const cache = new Map<string, Raster>();
  const tile = async (tx: number, ty: number) => {
    const key = `${tx},${ty}`;
    if (!cache.has(key)) cache.set(key, await cog.getTile(tx, ty, z));
    return cache.get(key)!;
  };
  const values = Array.from({ length: img.bands }, () => Array.from({ length: win.ysize }, () => new Array<number | bigint>(win.xsize)));
  const mask = Array.from({ length: win.ysize }, () => new Array<number | undefined>(win.xsize));
  for (let r = 0; r < win.ysize; r++) {
    for (let c = 0; c < win.xsize; c++) {
      const x = win.xoff + c;
      const y = win.yoff + r;
      const t = await tile(Math.floor(x / img.tileWidth), Math.floor(y / img.tileHeight));
      const p = (y % img.tileHeight) * t.width + (x % img.tileWidth);
      for (let b = 0; b < img.bands; b++) values[b][r][c] = t.data[b * t.width * t.height + p];
      mask[r][c] = t.mask?.[p];
    }
  }
  return { values, mask };
}

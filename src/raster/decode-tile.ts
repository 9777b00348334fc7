import { CogError, type CogErrorContext } from "../errors.js";
import { decodeBlock, type DecodeFn } from "../decode/block.js";
import { allocate, allocateFilled, componentsOf, type TypedArray } from "../decode/samples.js";
import { blockInfo } from "../decode/block-info.js";
import type { TiffDataset } from "../tiff/dataset.js";
import type { ImageInfo } from "../tiff/image.js";
import { TAG } from "../tiff/tags.js";
import type { FetchedTile } from "./fetch-tile.js";
import { deinterleaveBytes } from "./deinterleave.js";
import { tileMask } from "./mask.js";
import type { Raster } from "./raster.js";

/**
 * Decodes a fetched tile into a band-sequential {@link Raster} of the whole block, with its
 * mask (internal mask, else alpha, else nodata) and, for palette images, the colormap. CPU work
 * only: no I/O. With `rowsNeeded` (a window read's {@link rowsInImage}) the raster is only that
 * many rows high: the rows below are decoded by the codec but neither predicted, copied nor masked.
 *
 * @example
 * ```ts
 * const raster = await decodeTile(cog.dataset, await fetchTile(cog.dataset, read, { x: 0, y: 0, z: 0 }));
 * const top = await decodeTile(cog.dataset, fetched, { rowsNeeded: rowsInImage(fetched.image, fetched.y) }); // a window read's
 * ```
 */
export async function decodeTile(
  dataset: TiffDataset,
  tile: FetchedTile,
  opts: { url?: string; decode?: DecodeFn; rowsNeeded?: number } = {},
): Promise<Raster> {
  const { url } = opts;
  const decode = opts.decode ?? decodeBlock;
  const { image } = tile;
  const ifd = dataset.ifds[image.ifdIndex];
  const context: CogErrorContext = { url, ifd: image.ifdIndex, x: tile.x, y: tile.y, z: tile.z };
  if (image.photometric === "ycbcr" && image.compression !== "jpeg") {
    throw new CogError("COG_UNSUPPORTED", "YCbCr pixels without JPEG compression", context);
  }
  const width = image.tileWidth;
  const comps = componentsOf(image.dtype);
  const planes = image.planar === 2 ? image.bands : 1;
  const samples = image.planar === 2 ? 1 : image.bands;
  // Rows of the block (fewer in a last strip), of them inside the image, and of the raster: the
  // block's, or the top ones a window read needs.
  const inImage = rowsInImage(image, tile.y) ?? image.tileHeight;
  const rows = image.tiled ? image.tileHeight : inImage;
  const height = opts.rowsNeeded ?? image.tileHeight;
  const sparse = new Array<boolean>(planes).fill(false);
  // Decode before allocating the output: a corrupt block fails here without the tile-sized
  // buffer (and its fill) ever being paid for.
  const decoded = await Promise.all(
    tile.blocks.map(async (bytes, plane) => {
      if (bytes === undefined) {
        sparse[plane] = true;
        return undefined;
      }
      const block = blockInfo(image, ifd, dataset.tiff.littleEndian, { samples, rows, validRows: inImage, rowsNeeded: opts.rowsNeeded, context: { ...context, offset: tile.ranges[plane].offset } });
      return decode(bytes, block, image.dtype);
    }),
  );
  const length = width * height * image.bands * comps;
  const covered = rows >= height && decoded.length === planes && decoded.every((v) => v !== undefined);
  const data = covered ? allocate(image.dtype, length) : allocateFilled(image.dtype, length, dataset.nodata ?? 0);
  decoded.forEach((values, plane) => {
    if (values !== undefined) scatter(values, data, { width, rows: Math.min(rows, height), height, samples, comps, firstBand: plane });
  });
  const raster: Raster = { width, height, bands: image.bands, dtype: image.dtype, data };
  if (dataset.nodata !== undefined) raster.nodata = dataset.nodata;
  if (image.photometric === "palette") raster.colormap = Uint16Array.from(ifd.numbers(TAG.ColorMap) ?? []);
  const mask = await tileMask(dataset, tile, raster, { sparse, rows, littleEndian: dataset.tiff.littleEndian, context, decode });
  if (mask !== undefined) raster.mask = mask;
  return raster;
}

/** Copies pixel-interleaved block values into band-sequential raster data. */
function scatter(
  values: TypedArray,
  data: TypedArray,
  g: { width: number; rows: number; height: number; samples: number; comps: number; firstBand: number },
): void {
  const { width, rows, height, samples, comps, firstBand } = g;
  const bandSize = width * height * comps;
  const src = values as unknown as number[];
  const dst = data as unknown as number[];
  const pixels = width * rows;
  if (samples === 1) {
    (data as Uint8Array).set(values.subarray(0, pixels * comps) as Uint8Array, firstBand * bandSize);
    return;
  }
  if (values instanceof Uint8Array && data instanceof Uint8Array && comps === 1) {
    deinterleaveBytes(values, data, { pixels, samples, firstBand, bandSize });
    return;
  }
  // Hot loop: de-interleave samples (and complex pairs) band by band.
  for (let s = 0; s < samples; s++) {
    const base = (firstBand + s) * bandSize;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < comps; c++) dst[base + p * comps + c] = src[(p * samples + s) * comps + c];
    }
  }
}

/**
 * The rows of tile row `y` of `image` inside the image when its block goes on below the image's
 * last row (the bottom row of tiles, a last strip); undefined when all of the block is image. A
 * window read needs no more of the tile ({@link decodeTile}'s `rowsNeeded`).
 *
 * @example
 * ```ts
 * rowsInImage(cog.ifds[0], cog.ifds[0].tilesDown - 1); // 44 for a 300-row image in 256-row tiles
 * ```
 */
export function rowsInImage(image: ImageInfo, y: number): number | undefined {
  const rows = image.height - y * image.tileHeight;
  return rows < image.tileHeight ? rows : undefined;
}

import { CogError } from "../errors.js";
import type { EnsureOptions } from "../io/header-reader.js";
import type { Ifd } from "../tiff/ifd.js";
import type { ImageInfo } from "../tiff/image.js";
import { TAG } from "../tiff/tags.js";

/**
 * Where one block's compressed bytes lie in the file. `length` 0 (or `offset` 0) means a sparse
 * block: nothing to fetch.
 *
 * @example
 * ```ts
 * const [{ offset, length }] = await cog.locateTile(0, 0, 0);
 * ```
 */
export interface BlockRange {
  /** Index of the block in the IFD's TileOffsets/StripOffsets array. */
  index: number;
  offset: number;
  length: number;
}

/**
 * Index of block (x, y) of `plane` in the block arrays (TIFF 6.0 §15: blocks run row-major;
 * with PlanarConfiguration 2 all blocks of plane 0 come first, then plane 1…). Pure.
 *
 * @example
 * ```ts
 * blockIndex({ tilesAcross: 4, tilesDown: 3 } as ImageInfo, 1, 2, 0); // 9
 * ```
 */
export function blockIndex(image: Pick<ImageInfo, "tilesAcross" | "tilesDown">, x: number, y: number, plane = 0): number {
  return plane * image.tilesAcross * image.tilesDown + y * image.tilesAcross + x;
}

/**
 * Block indices of tile (x, y): one for pixel-interleaved images, one per band for
 * band-separate ones. Throws `COG_TILE_OUTSIDE` outside the grid. Pure.
 *
 * @example
 * ```ts
 * tileBlockIndices(cog.ifds[0], 0, 0); // [0]
 * ```
 */
export function tileBlockIndices(image: ImageInfo, x: number, y: number, z = 0): number[] {
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= image.tilesAcross || y >= image.tilesDown) {
    throw new CogError("COG_TILE_OUTSIDE", `tile ${x},${y} is outside the ${image.tilesAcross}x${image.tilesDown} grid`, {
      x,
      y,
      z,
      ifd: image.ifdIndex,
    });
  }
  const planes = image.planar === 2 ? image.bands : 1;
  return Array.from({ length: planes }, (_, p) => blockIndex(image, x, y, p));
}

/**
 * Reads the offsets and byte counts of the given blocks, loading only the pages of the block
 * arrays that hold them. Uncompressed single strips read as libtiff's chopped strips.
 *
 * @example
 * ```ts
 * const ranges = await locateBlocks(ifd, image, [0, 1]);
 * ```
 */
export async function locateBlocks(
  ifd: Ifd,
  image: ImageInfo,
  indices: readonly number[],
  opts: EnsureOptions = {},
): Promise<BlockRange[]> {
  const tags = image.tiled ? [TAG.TileOffsets, TAG.TileByteCounts] : [TAG.StripOffsets, TAG.StripByteCounts];
  if (ifd.array(tags[0]) === undefined) throw new CogError("COG_FORMAT", "block offsets are missing", ifd.context());
  await ifd.loadArrayEntries(image.choppedStripBytes !== undefined ? [tags[0]] : tags, image.choppedStripBytes !== undefined ? [0] : indices, opts);
  return heldBlockRanges(ifd, image, indices);
}

/**
 * Block ranges from block-array entries the header already holds (see {@link locateBlocks},
 * which loads them first). An offset of 0 is a sparse block, of length 0. Pure.
 *
 * @example
 * ```ts
 * heldBlockRanges(ifd, image, [0]); // [{ index: 0, offset: 1234, length: 567 }]
 * ```
 */
export function heldBlockRanges(ifd: Ifd, image: ImageInfo, indices: readonly number[]): BlockRange[] {
  const offsets = ifd.array(image.tiled ? TAG.TileOffsets : TAG.StripOffsets);
  if (offsets === undefined) throw new CogError("COG_FORMAT", "block offsets are missing", ifd.context());
  if (image.choppedStripBytes !== undefined) {
    const base = offsets.peek(0) as number;
    const step = image.choppedStripBytes;
    const rowBytes = step / image.tileHeight;
    return indices.map((index) => {
      const rows = Math.min(image.tileHeight, image.height - index * image.tileHeight);
      return { index, offset: base + index * step, length: rows * rowBytes };
    });
  }
  const counts = ifd.array(image.tiled ? TAG.TileByteCounts : TAG.StripByteCounts);
  return indices.map((index) => {
    const offset = offsets.peek(index) as number;
    return { index, offset, length: offset === 0 ? 0 : (counts?.peek(index) ?? 0) };
  });
}

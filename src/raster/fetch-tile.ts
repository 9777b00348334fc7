import { CogError, throwIfAborted } from "../errors.js";
import { locateBlocks, tileBlockIndices, type BlockRange } from "../locate/blocks.js";
import type { TiffDataset } from "../tiff/dataset.js";
import type { ImageInfo } from "../tiff/image.js";

/** Reads bytes from the source. */
export type ReadBytes = (offset: number, length: number, signal?: AbortSignal) => Promise<Uint8Array>;

/**
 * The compressed bytes of one tile, ready to decode: one entry per plane (one for
 * pixel-interleaved images), `undefined` for a sparse block; the same for the paired mask.
 *
 * @example
 * ```ts
 * const fetched = await fetchTile(dataset, read, { x: 0, y: 0, z: 0 });
 * const raster = await decodeTile(dataset, fetched);
 * ```
 */
export interface FetchedTile {
  x: number;
  y: number;
  z: number;
  image: ImageInfo;
  ranges: BlockRange[];
  blocks: Array<Uint8Array | undefined>;
  mask?: ImageInfo;
  maskRanges?: BlockRange[];
  maskBlocks?: Array<Uint8Array | undefined>;
}

/**
 * Fetches the compressed blocks of internal tile (x, y) of level z and of its mask. Sparse blocks
 * (offset or byte count 0) cost no request; a block the file cuts short is `COG_FORMAT`.
 *
 * @example
 * ```ts
 * const fetched = await fetchTile(cog.dataset, (o, n, s) => source.read(o, n, { signal: s }), { x: 1, y: 2, z: 0 });
 * ```
 */
export async function fetchTile(
  dataset: TiffDataset,
  read: ReadBytes,
  at: { x: number; y: number; z: number },
  opts: { signal?: AbortSignal; url?: string } = {},
): Promise<FetchedTile> {
  const { x, y, z } = at;
  const image = dataset.images[z];
  if (image === undefined) throw new CogError("COG_TILE_OUTSIDE", `level ${z} does not exist (0–${dataset.images.length - 1})`, { url: opts.url, z });
  const maskIndex = dataset.maskOf[z];
  const mask = maskIndex === undefined ? undefined : dataset.masks[maskIndex];
  const [ranges, maskRanges] = await Promise.all([
    locate(dataset, image, x, y, z, opts.signal),
    mask === undefined ? undefined : locate(dataset, mask, x, y, z, opts.signal),
  ]);
  const fetchAll = (rs: BlockRange[] | undefined) =>
    rs === undefined ? undefined : Promise.all(rs.map((r) => fetchBlock(read, r, { ...opts, ifd: image.ifdIndex, x, y, z })));
  const [blocks, maskBlocks] = await Promise.all([fetchAll(ranges), fetchAll(maskRanges)]);
  return { x, y, z, image, ranges, blocks: blocks ?? [], mask, maskRanges, maskBlocks };
}

async function locate(dataset: TiffDataset, image: ImageInfo, x: number, y: number, z: number, signal?: AbortSignal): Promise<BlockRange[]> {
  const indices = tileBlockIndices(image, x, y, z);
  return locateBlocks(dataset.ifds[image.ifdIndex], image, indices, { signal });
}

async function fetchBlock(
  read: ReadBytes,
  range: BlockRange,
  ctx: { signal?: AbortSignal; url?: string; ifd: number; x: number; y: number; z: number },
): Promise<Uint8Array | undefined> {
  if (range.offset === 0 || range.length === 0) return undefined;
  throwIfAborted(ctx.signal, { url: ctx.url });
  const bytes = await read(range.offset, range.length, ctx.signal);
  if (bytes.byteLength < range.length) {
    const { signal: _signal, ...context } = ctx;
    throw new CogError("COG_FORMAT", `block is cut short: ${bytes.byteLength} of ${range.length} bytes in the file`, {
      ...context,
      offset: range.offset,
      length: range.length,
    });
  }
  return bytes;
}

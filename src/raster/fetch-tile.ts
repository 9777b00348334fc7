import { CogError, throwIfAborted } from "../errors.js";
import { locateBlocks, tileBlockIndices, type BlockRange } from "../locate/blocks.js";
// GDAL's COG layout puts a 4-byte trailer and a 4-byte leader between an image block and its
// mask block (MASK_INTERLEAVED_WITH_IMAGERY=YES): within this gap they come in one request.
import { BLOCK_MERGE_GAP } from "../locate/plan.js";
import type { TiffDataset } from "../tiff/dataset.js";
import type { ImageInfo } from "../tiff/image.js";
import { mergeRanges } from "../io/merge-ranges.js";
import type { FetchBytes } from "../io/header-reader.js";

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
  opts: { signal?: AbortSignal; url?: string; fetchHeader?: FetchBytes; mergeGap?: number } = {},
): Promise<FetchedTile> {
  const { x, y, z } = at;
  const image = dataset.images[z];
  if (image === undefined) throw new CogError("COG_TILE_OUTSIDE", `level ${z} does not exist (0–${dataset.images.length - 1})`, { url: opts.url, z });
  const maskIndex = dataset.maskOf[z];
  const mask = maskIndex === undefined ? undefined : dataset.masks[maskIndex];
  const [ranges, maskRanges] = await Promise.all([
    locate(dataset, image, x, y, z, opts),
    mask === undefined ? undefined : locate(dataset, mask, x, y, z, opts),
  ]);
  const all = [...ranges, ...(maskRanges ?? [])];
  const bytes = await fetchBlocks(read, all, { signal: opts.signal, url: opts.url, ifd: image.ifdIndex, x, y, z }, opts.mergeGap ?? BLOCK_MERGE_GAP);
  const blocks = bytes.slice(0, ranges.length);
  const maskBlocks = maskRanges === undefined ? undefined : bytes.slice(ranges.length);
  return { x, y, z, image, ranges, blocks, mask, maskRanges, maskBlocks };
}

async function locate(
  dataset: TiffDataset,
  image: ImageInfo,
  x: number,
  y: number,
  z: number,
  opts: { signal?: AbortSignal; fetchHeader?: FetchBytes },
): Promise<BlockRange[]> {
  const indices = tileBlockIndices(image, x, y, z);
  return locateBlocks(dataset.ifds[image.ifdIndex], image, indices, { signal: opts.signal, fetch: opts.fetchHeader });
}


/** Fetches blocks, merging close ones into one request; sparse blocks cost nothing. */
async function fetchBlocks(
  read: ReadBytes,
  ranges: BlockRange[],
  ctx: { signal?: AbortSignal; url?: string; ifd: number; x: number; y: number; z: number },
  maxGap: number,
): Promise<Array<Uint8Array | undefined>> {
  const stored = ranges.map((r, i) => ({ r, i })).filter(({ r }) => r.offset !== 0 && r.length !== 0);
  const requests = mergeRanges(stored.map(({ r }) => [r.offset, r.length] as const), { maxGap });
  const out = new Array<Uint8Array | undefined>(ranges.length);
  const { signal, ...context } = ctx;
  await Promise.all(
    requests.map(async (req) => {
      throwIfAborted(signal, { url: ctx.url });
      const bytes = await read(req.offset, req.length, signal);
      for (const m of req.members) {
        const { r, i } = stored[m];
        const start = r.offset - req.offset;
        if (bytes.byteLength < start + r.length) {
          throw new CogError("COG_FORMAT", `block is cut short: ${Math.max(0, bytes.byteLength - start)} of ${r.length} bytes in the file`, {
            ...context,
            offset: r.offset,
            length: r.length,
          });
        }
        out[i] = bytes.subarray(start, start + r.length);
      }
    }),
  );
  return out;
}

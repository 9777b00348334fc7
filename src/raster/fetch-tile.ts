import { CogError, throwIfAborted } from "../errors.js";
import type { BlockRange } from "../locate/blocks.js";
import { distrustLeaders, splitLeaderSpan } from "../locate/leader.js";
import { locateTileFetch } from "../locate/tile-fetch.js";
import type { TiffDataset } from "../tiff/dataset.js";
import type { ImageInfo } from "../tiff/image.js";
import type { FetchBytes } from "../io/header-reader.js";

/** Reads bytes from the source; `merged` is how many blocks the range carries (for the debug log). */
export type ReadBytes = (offset: number, length: number, signal?: AbortSignal, merged?: number) => Promise<Uint8Array>;

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
  const how = await locateTileFetch(dataset, x, y, z, { signal: opts.signal, fetch: opts.fetchHeader, mergeGap: opts.mergeGap });
  const context = { url: opts.url, ifd: image.ifdIndex, x, y, z };
  if (how.kind === "leader") {
    const [[offset, length]] = how.requests;
    throwIfAborted(opts.signal, { url: opts.url });
    const bytes = await read(offset, length, opts.signal, how.withMask ? 2 : 1);
    const split = splitLeaderSpan(bytes, offset, how.withMask);
    if (split === undefined) {
      distrustLeaders(dataset);
      dataset.warnings.push(`block leaders do not match the data at offset ${offset} (level ${z}, tile ${x},${y}): reading TileByteCounts instead`);
      return fetchTile(dataset, read, at, opts);
    }
    const slice = (r: { offset: number; length: number }) => bytes.subarray(r.offset - offset, r.offset - offset + r.length);
    const ranges = [{ index: how.index, ...split.image }];
    const maskRanges = split.mask && [{ index: how.index, ...split.mask }];
    return { x, y, z, image, ranges, blocks: [slice(split.image)], mask, maskRanges, maskBlocks: split.mask && [slice(split.mask)] };
  }
  const ranges = how.image;
  const maskRanges = how.mask;
  const bytes = await fetchBlocks(read, how.requests, [...ranges, ...(maskRanges ?? [])], { ...context, signal: opts.signal });
  const blocks = bytes.slice(0, ranges.length);
  const maskBlocks = maskRanges === undefined ? undefined : bytes.slice(ranges.length);
  return { x, y, z, image, ranges, blocks, mask, maskRanges, maskBlocks };
}

/** Fetches the planned requests and cuts each stored block out of the one that holds it. */
async function fetchBlocks(
  read: ReadBytes,
  requests: ReadonlyArray<readonly [number, number]>,
  ranges: BlockRange[],
  ctx: { signal?: AbortSignal; url?: string; ifd: number; x: number; y: number; z: number },
): Promise<Array<Uint8Array | undefined>> {
  const out = new Array<Uint8Array | undefined>(ranges.length);
  const { signal, ...context } = ctx;
  await Promise.all(
    requests.map(async ([offset, length]) => {
      throwIfAborted(signal, { url: ctx.url });
      const inside = (r: BlockRange) => r.offset !== 0 && r.length !== 0 && r.offset >= offset && r.offset < offset + length;
      const bytes = await read(offset, length, signal, ranges.filter(inside).length);
      ranges.forEach((r, i) => {
        if (!inside(r)) return;
        const start = r.offset - offset;
        if (bytes.byteLength < start + r.length) {
          throw new CogError("COG_FORMAT", `block is cut short: ${Math.max(0, bytes.byteLength - start)} of ${r.length} bytes in the file`, {
            ...context,
            offset: r.offset,
            length: r.length,
          });
        }
        out[i] = bytes.subarray(start, start + r.length);
      });
    }),
  );
  return out;
}

import type { HeaderReader } from "../io/header-reader.js";
import { mergeRanges } from "../io/merge-ranges.js";
import type { TiffDataset } from "../tiff/dataset.js";
import type { ImageInfo } from "../tiff/image.js";
import { TAG } from "../tiff/tags.js";
import { locateBlocks, tileBlockIndices } from "./blocks.js";

/**
 * What a read would fetch, without fetching: `header` are the block-array pages to load first
 * (4 KiB pages of TileOffsets/TileByteCounts not held yet), `data` the tile requests (image and
 * interleaved mask merged as the reader merges them), leaving out blocks already in the block
 * cache and sparse blocks. When array pages are missing, the tiles they locate cannot be planned
 * yet: `complete` is false and `unplanned` lists them.
 *
 * @example
 * ```ts
 * const plan = await cog.plan.getTile(3, 5, 0);
 * console.log(plan.data, plan.header);
 * ```
 */
export interface ReadPlan {
  tiles: Array<{ x: number; y: number; z: number }>;
  header: Array<[number, number]>;
  data: Array<[number, number]>;
  /** Tiles whose bytes are all cached or sparse: they cost nothing. */
  free: number;
  complete: boolean;
  unplanned: Array<{ x: number; y: number; z: number }>;
}

/** Bytes between an image block and its mask block that the reader still fetches in one request. */
export const BLOCK_MERGE_GAP = 16;

/**
 * Plans the requests for internal tiles `(x, y, z)`: no I/O (the block arrays' pages are only
 * read from what the header already holds).
 *
 * @example
 * ```ts
 * const plan = await planTiles(cog.dataset, [[0, 0, 0]], (o, n) => false);
 * ```
 */
export async function planTiles(dataset: TiffDataset, tiles: ReadonlyArray<readonly [number, number, number]>, isCached: (offset: number, length: number) => boolean): Promise<ReadPlan> {
  const plan: ReadPlan = { tiles: [], header: [], data: [], free: 0, complete: true, unplanned: [] };
  const headerSeen = new Set<string>();
  for (const [x, y, z] of tiles) {
    plan.tiles.push({ x, y, z });
    const image = dataset.images[z];
    const maskIndex = dataset.maskOf[z];
    const levels: ImageInfo[] = maskIndex === undefined ? [image] : [image, dataset.masks[maskIndex]];
    const pages = levels.flatMap((img) => pagesNeeded(dataset, img, tileBlockIndices(img, x, y, z)));
    if (pages.length > 0) {
      for (const r of planHeader(dataset.header, pages)) {
        const k = r.join(",");
        if (!headerSeen.has(k)) plan.header.push(r), headerSeen.add(k);
      }
      plan.complete = false;
      plan.unplanned.push({ x, y, z });
      continue;
    }
    const ranges = (await Promise.all(levels.map((img) => locateBlocks(dataset.ifds[img.ifdIndex], img, tileBlockIndices(img, x, y, z))))).flat();
    const stored = ranges.filter((r) => r.offset !== 0 && r.length !== 0).map((r) => [r.offset, r.length] as const);
    const requests = mergeRanges(stored, { maxGap: BLOCK_MERGE_GAP }).filter((r) => !isCached(r.offset, r.length));
    if (requests.length === 0) plan.free++;
    for (const r of requests) plan.data.push([r.offset, r.length]);
  }
  return plan;
}

function pagesNeeded(dataset: TiffDataset, image: ImageInfo, indices: number[]): Array<[number, number]> {
  const ifd = dataset.ifds[image.ifdIndex];
  const tags = image.tiled ? [TAG.TileOffsets, TAG.TileByteCounts] : [TAG.StripOffsets, TAG.StripByteCounts];
  const used = image.choppedStripBytes !== undefined ? [0] : indices;
  return tags.flatMap((tag) => ifd.array(tag)?.missingRanges(used) ?? []);
}

function planHeader(header: HeaderReader, pages: Array<[number, number]>): Array<[number, number]> {
  return header.plan(pages, false);
}

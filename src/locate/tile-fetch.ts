import { CogError } from "../errors.js";
import type { EnsureOptions } from "../io/header-reader.js";
import { mergeRanges } from "../io/merge-ranges.js";
import type { TiffDataset } from "../tiff/dataset.js";
import type { ImageInfo } from "../tiff/image.js";
import { TAG } from "../tiff/tags.js";
import { heldBlockRanges, tileBlockIndices, type BlockRange } from "./blocks.js";
import { leaderSpan, usesLeaders } from "./leader.js";

/** Bytes between an image block and its mask block that are still fetched in one request. */
export const BLOCK_MERGE_GAP = 16;

/**
 * How to fetch one tile, decided from what the header holds now (no I/O):
 * - `pages`: block-array pages to load first (nothing else is known yet);
 * - `exact`: the block ranges from TileOffsets/TileByteCounts, and the requests that carry them
 *   (image and mask merged when closer than the merge gap); sparse blocks have length 0;
 * - `leader`: one request spanning image and mask block, split by GDAL's block leaders.
 *
 * @example
 * ```ts
 * const how = tileFetchPlan(dataset, 3, 5, 0);
 * if (how.kind !== "pages") console.log(how.requests);
 * ```
 */
export type TileFetchPlan =
  | { kind: "pages"; pages: Array<[number, number]> }
  | { kind: "exact"; requests: Array<[number, number]>; image: BlockRange[]; mask?: BlockRange[] }
  | { kind: "leader"; requests: [[number, number]]; index: number; withMask: boolean };

/**
 * Decides how tile (x, y) of level z is fetched. When the header already holds every block-array
 * entry the tile needs (offsets and byte counts of image and mask), from those; otherwise, when
 * the layout allows, through block leaders, which need only TileOffsets. `mergeGap` < 0 turns
 * merging (and leaders) off. Pure.
 *
 * @example
 * ```ts
 * tileFetchPlan(cog.dataset, 0, 0, 0); // { kind: "exact", requests: [[1234, 5678]], … }
 * ```
 */
export function tileFetchPlan(dataset: TiffDataset, x: number, y: number, z: number, mergeGap = BLOCK_MERGE_GAP): TileFetchPlan {
  const image = dataset.images[z];
  const maskIndex = dataset.maskOf[z];
  const mask = maskIndex === undefined ? undefined : dataset.masks[maskIndex];
  const levels = mask === undefined ? [image] : [image, mask];
  const pages = levels.flatMap((img) => pagesNeeded(dataset, img, tileBlockIndices(img, x, y, z)));
  if (pages.length > 0 && mergeGap >= 0 && usesLeaders(dataset, image, mask)) {
    const index = tileBlockIndices(image, x, y, z)[0];
    const span = leaderSpan(dataset, image, mask, index);
    if (span.kind === "pages") return { kind: "pages", pages: span.pages };
    if (span.kind === "span") return { kind: "leader", requests: [[span.offset, span.length]], index, withMask: mask !== undefined };
  }
  if (pages.length > 0) return { kind: "pages", pages };
  const [imageRanges, maskRanges] = levels.map((img) => heldBlockRanges(dataset.ifds[img.ifdIndex], img, tileBlockIndices(img, x, y, z)));
  const stored = [...imageRanges, ...(maskRanges ?? [])].filter((r) => r.offset !== 0 && r.length !== 0);
  const requests = mergeRanges(stored.map((r) => [r.offset, r.length] as const), { maxGap: mergeGap }).map((r) => [r.offset, r.length] as [number, number]);
  return { kind: "exact", requests, image: imageRanges, mask: maskRanges };
}

/**
 * Loads the block-array pages tile (x, y, z) needs until {@link tileFetchPlan} can say how to
 * fetch it, and returns that plan.
 *
 * @example
 * ```ts
 * const how = await locateTileFetch(cog.dataset, 3, 5, 0, { fetch });
 * ```
 */
export async function locateTileFetch(
  dataset: TiffDataset,
  x: number,
  y: number,
  z: number,
  opts: EnsureOptions & { mergeGap?: number } = {},
): Promise<Exclude<TileFetchPlan, { kind: "pages" }>> {
  const { mergeGap, ...ensure } = opts;
  // Each round loads pages that were missing; a tile needs at most three rounds (offsets for
  // the leader, then mask offsets, then byte counts), so the bound only guards against a bug.
  for (let round = 0; round < 8; round++) {
    const how = tileFetchPlan(dataset, x, y, z, mergeGap);
    if (how.kind !== "pages") return how;
    await dataset.header.ensureAll(how.pages, { ...ensure, readahead: false });
  }
  throw new CogError("COG_FORMAT", `block-array pages of tile ${x},${y},${z} did not load`, dataset.ifds[dataset.images[z].ifdIndex].context());
}

function blockTags(image: ImageInfo): [number, number] {
  return image.tiled ? [TAG.TileOffsets, TAG.TileByteCounts] : [TAG.StripOffsets, TAG.StripByteCounts];
}

function pagesNeeded(dataset: TiffDataset, image: ImageInfo, indices: number[]): Array<[number, number]> {
  const ifd = dataset.ifds[image.ifdIndex];
  const used = image.choppedStripBytes !== undefined ? [0] : indices;
  const [offsets, counts] = blockTags(image);
  const out = ifd.array(offsets)?.missingRanges(used) ?? [];
  // A sparse block (offset 0) needs no byte count.
  if (image.choppedStripBytes !== undefined || used.every((i) => ifd.array(offsets)?.peek(i) === 0)) return out;
  return [...out, ...(ifd.array(counts)?.missingRanges(used) ?? [])];
}

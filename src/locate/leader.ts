import type { TiffDataset } from "../tiff/dataset.js";
import type { ImageInfo } from "../tiff/image.js";
import { TAG } from "../tiff/tags.js";

/**
 * GDAL's COG layout with `BLOCK_LEADER=SIZE_AS_UINT4` and `BLOCK_TRAILER=LAST_4_BYTES_REPEATED`
 * (GDAL COG driver docs, "Header ghost area") writes every block as
 * `[size: uint32 LE][data][last 4 bytes of data again]`, blocks in row-major order, and with
 * `MASK_INTERLEAVED_WITH_IMAGERY=YES` the mask block of a tile right after its image block. So
 * the bytes from 4 before tile i's offset up to 4 before tile i+1's offset hold image block,
 * mask block and both sizes: a tile is located from TileOffsets alone, without TileByteCounts.
 */

/** What {@link leaderSpan} found. */
export type LeaderSpan =
  /** Fetch `[offset, length)`, then {@link splitLeaderSpan}. */
  | { kind: "span"; offset: number; length: number }
  /** These TileOffsets pages must be loaded first. */
  | { kind: "pages"; pages: Array<[number, number]> }
  /** The image block is sparse (offset 0). */
  | { kind: "sparse" }
  /** The leader cannot be used for this tile (last tile, next tile sparse, too far apart…). */
  | { kind: "none" };

/** Datasets whose leaders were found wrong once: never trusted again. */
const distrusted = new WeakSet<TiffDataset>();

/**
 * Stops using block leaders for `dataset` (a leader or trailer did not match).
 *
 * @example
 * ```ts
 * if (splitLeaderSpan(bytes, span.offset, true) === undefined) distrustLeaders(dataset);
 * ```
 */
export function distrustLeaders(dataset: TiffDataset): void {
  distrusted.add(dataset);
}

/**
 * True when tiles of `image` can be located through GDAL's block leaders: the ghost area
 * promises leaders, trailers and row-major order, the file was not edited since, blocks are
 * pixel-interleaved tiles, and a mask, if any, is interleaved with the imagery. Pure.
 *
 * @example
 * ```ts
 * usesLeaders(cog.dataset, cog.ifds[0], cog.maskOf(0)); // true for GDAL COGs
 * ```
 */
export function usesLeaders(dataset: TiffDataset, image: ImageInfo, mask: ImageInfo | undefined): boolean {
  const g = dataset.ghost;
  if (g === undefined || distrusted.has(dataset)) return false;
  if (g.blockLeader !== "SIZE_AS_UINT4" || g.blockTrailer !== "LAST_4_BYTES_REPEATED" || g.blockOrder !== "ROW_MAJOR") return false;
  if (g.knownIncompatibleEdition === "YES" || g.layout !== "IFDS_BEFORE_DATA") return false;
  if (!image.tiled || image.planar === 2 || image.choppedStripBytes !== undefined) return false;
  return mask === undefined || (g.maskInterleavedWithImagery === "YES" && mask.tiled && mask.tileWidth === image.tileWidth && mask.tileHeight === image.tileHeight);
}

/**
 * The byte span holding block `index` of `image` (and its interleaved mask block) from what the
 * header holds: no I/O. Pure.
 *
 * @example
 * ```ts
 * const span = leaderSpan(dataset, image, mask, 5);
 * if (span.kind === "span") await source.read(span.offset, span.length);
 * ```
 */
export function leaderSpan(dataset: TiffDataset, image: ImageInfo, mask: ImageInfo | undefined, index: number): LeaderSpan {
  const offsets = dataset.ifds[image.ifdIndex].array(TAG.TileOffsets);
  if (offsets === undefined) return { kind: "none" };
  const last = index + 1 >= offsets.length;
  const wanted = last ? [index] : [index, index + 1];
  const pages = offsets.missingRanges(wanted);
  if (pages.length > 0) return { kind: "pages", pages };
  const start = offsets.peek(index) as number;
  if (start === 0) return { kind: "sparse" };
  if (last) return { kind: "none" };
  const next = offsets.peek(index + 1) as number;
  if (next <= start + 4) return { kind: "none" };
  const length = next - start;
  // The span is bounded by the next tile's offset; past a plausible block size the layout is not
  // what the ghost area says (or the next tile lives elsewhere): use the byte counts instead.
  if (length > maxSpanBytes(image, mask)) return { kind: "none" };
  return { kind: "span", offset: start - 4, length };
}

/** Uncompressed image + mask tile, doubled for codec overhead, plus the four sizes. */
function maxSpanBytes(image: ImageInfo, mask: ImageInfo | undefined): number {
  const raw = (img: ImageInfo) => Math.ceil((img.tileWidth * img.bitsPerSample * img.bands) / 8) * img.tileHeight;
  return 2 * (raw(image) + (mask === undefined ? 0 : raw(mask))) + 4096;
}

/** Where the image (and mask) block lie inside a fetched span, as file ranges. */
export interface LeaderBlocks {
  image: { offset: number; length: number };
  mask?: { offset: number; length: number };
}

/**
 * Reads the leaders of a fetched span: the image block, then (when `withMask`) the mask block
 * that follows it. Each size must fit the span and each trailer must repeat its block's last 4
 * bytes; otherwise undefined (the file is not laid out as its ghost area says). Pure.
 *
 * @example
 * ```ts
 * const blocks = splitLeaderSpan(bytes, span.offset, true);
 * const image = bytes.subarray(blocks.image.offset - span.offset, blocks.image.offset - span.offset + blocks.image.length);
 * ```
 */
export function splitLeaderSpan(bytes: Uint8Array, spanOffset: number, withMask: boolean): LeaderBlocks | undefined {
  const image = block(bytes, 0);
  if (image === undefined) return undefined;
  const out: LeaderBlocks = { image: { offset: spanOffset + image.start, length: image.length } };
  if (!withMask) return out;
  const mask = block(bytes, image.end);
  if (mask === undefined) return undefined;
  out.mask = { offset: spanOffset + mask.start, length: mask.length };
  return out;
}

/** The block whose leader is at `at`: data start, length and the end of its trailer. */
function block(bytes: Uint8Array, at: number): { start: number; length: number; end: number } | undefined {
  if (at + 4 > bytes.byteLength) return undefined;
  // GDAL writes the leader little-endian whatever the file's byte order.
  const length = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 2 ** 24;
  const start = at + 4;
  const end = start + length + 4;
  if (length === 0 || end > bytes.byteLength) return undefined;
  const tail = start + length - 4;
  if (length >= 4) {
    for (let k = 0; k < 4; k++) if (bytes[tail + k] !== bytes[start + length + k]) return undefined;
  }
  return { start, length, end };
}
